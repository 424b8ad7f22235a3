import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';

// Every property carries an explicit type: decorator metadata (which the numeric conversion
// reads) is emitted from annotations, not inferred types.

/**
 * What a process needs to verify (and, in the users service, to issue) access tokens.
 * HS256 with a shared secret: only the gateway verifies and only the users service issues, both
 * ours; the secret must be at least 32 characters (RFC 7518 §3.2: a key as long as the hash).
 */
export class AuthConfig {
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (HS256 needs a 256-bit key)' })
  JWT_SECRET!: string;

  @IsString()
  @MinLength(1)
  JWT_ISSUER: string = 'spilno-users';

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE: string = 'spilno-api';

  @IsInt()
  @Min(60)
  @Max(3600)
  ACCESS_TOKEN_TTL_SECONDS: number = 900;

  /** Allowed clock skew between issuer and verifier; small, or expired tokens linger. */
  @IsInt()
  @Min(0)
  @Max(30)
  JWT_CLOCK_TOLERANCE_SECONDS: number = 5;
}
