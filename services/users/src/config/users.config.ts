import { IsInt, Max, Min } from 'class-validator';
import { AuthConfig } from '@spilno/auth';
import { ServiceConfig, loadConfigs } from '@spilno/config';

// Every property carries an explicit type: decorator metadata (which the numeric conversion
// reads) is emitted from annotations, not inferred types.

/** The users service's environment: the common service variables, sign-in and token policy. */
export class UsersConfig extends ServiceConfig {
  /** How long a refresh token family lives without use. */
  @IsInt()
  @Min(1)
  @Max(365)
  REFRESH_TOKEN_TTL_DAYS: number = 30;

  /**
   * A spent refresh token presented again within this window answers the same successor (the
   * client lost the response); later, it is theft and revokes the family (RFC 9700 §4.14).
   */
  @IsInt()
  @Min(0)
  @Max(120_000)
  REFRESH_REUSE_GRACE_MS: number = 30_000;

  /** Sign-in attempts per account per window, counted before any hashing. */
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: number = 10;

  /** Sign-in and registration attempts per client IP per window. */
  @IsInt()
  @Min(1)
  @Max(100_000)
  LOGIN_MAX_ATTEMPTS_PER_IP: number = 50;

  @IsInt()
  @Min(1)
  @Max(86_400)
  LOGIN_WINDOW_SECONDS: number = 900;

  /** Set after validation by `loadUsersConfig`. */
  auth!: AuthConfig;
}

/** Reads and validates the service's variables and the JWT settings; names every wrong one. */
export function loadUsersConfig(
  env: Record<string, string | undefined> = process.env,
): UsersConfig {
  const [users, auth] = loadConfigs<[UsersConfig, AuthConfig]>([UsersConfig, AuthConfig], env);
  users.auth = auth;
  return users;
}
