import { availableParallelism } from 'node:os';
import { IsInt, IsOptional, IsString, Max, Min, isEmail } from 'class-validator';
import { AuthConfig } from '@spilno/auth';
import { ConfigError, ServiceConfig, loadConfigs } from '@spilno/config';
import { MAX_PASSWORD_LENGTH, PasswordPolicy } from '../accounts/password-policy';

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

  /**
   * Password hashes (argon2id) run at most this many at once per process, shared round-robin
   * between client addresses (`FairHashingGate`): by default one per core.
   */
  @IsInt()
  @Min(1)
  @Max(64)
  PASSWORD_HASH_CONCURRENCY: number = Math.max(1, Math.min(availableParallelism(), 4));

  /** Sign-ins and registrations one client address may have waiting for a hash; more is 429. */
  @IsInt()
  @Min(1)
  @Max(1000)
  PASSWORD_HASH_QUEUE_PER_CLIENT: number = 4;

  /**
   * The first admin (api.md, Roles): created at start-up, or an existing account with this
   * email made admin. Optional; with ADMIN_PASSWORD or not at all. Checked by
   * `adminAccountProblems`, whose messages never quote the values.
   */
  @IsOptional()
  @IsString()
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  /** Set after validation by `loadUsersConfig`. */
  auth!: AuthConfig;
}

const MAX_EMAIL_LENGTH = 254;

/**
 * What is wrong with ADMIN_EMAIL / ADMIN_PASSWORD: both or neither, a real address, and a
 * password the registration policy accepts. Outside class-validator on purpose: its messages
 * quote the value, and a password must not reach a log line or a terminal.
 */
export function adminAccountProblems(env: Record<string, string | undefined>): string[] {
  const email = env.ADMIN_EMAIL?.trim() || undefined;
  const password = env.ADMIN_PASSWORD || undefined;
  if (email === undefined && password === undefined) return [];
  if (email === undefined) {
    return ['ADMIN_EMAIL: must be set when ADMIN_PASSWORD is (both or neither)'];
  }
  if (password === undefined) {
    return ['ADMIN_PASSWORD: must be set when ADMIN_EMAIL is (both or neither)'];
  }
  const problems: string[] = [];
  if (email.length > MAX_EMAIL_LENGTH || !isEmail(email)) {
    problems.push('ADMIN_EMAIL: must be an email address');
  }
  if (
    password.length > MAX_PASSWORD_LENGTH ||
    !new PasswordPolicy().accepts(password, email.toLowerCase())
  ) {
    problems.push(
      'ADMIN_PASSWORD: refused by the password policy (at least 10 characters, ' +
        `at most ${MAX_PASSWORD_LENGTH}, not a common password, not the email)`,
    );
  }
  return problems;
}

/** Reads and validates the service's variables and the JWT settings; names every wrong one. */
export function loadUsersConfig(
  env: Record<string, string | undefined> = process.env,
): UsersConfig {
  const adminProblems = adminAccountProblems(env);
  let loaded: [UsersConfig, AuthConfig];
  try {
    loaded = loadConfigs<[UsersConfig, AuthConfig]>([UsersConfig, AuthConfig], env);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError([...e.problems, ...adminProblems]);
    throw e;
  }
  if (adminProblems.length) throw new ConfigError(adminProblems);
  const [users, auth] = loaded;
  users.auth = auth;
  return users;
}
