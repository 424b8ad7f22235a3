import { DomainError, ErrorCode } from '@spilno/contracts';

export enum AuthErrorCode {
  /** Wrong password or no such account: one answer, so it never tells which. */
  InvalidCredentials = 'invalid_credentials',
  /** Unknown, expired or revoked refresh token. */
  InvalidRefreshToken = 'invalid_refresh_token',
  /** A spent refresh token came back after the grace window: its family is revoked. */
  RefreshTokenReused = 'refresh_token_reused',
}

/** The auth module's failures, each translated here (and only here) to a `DomainError`. */
export class AuthError extends DomainError {
  constructor(readonly reason: AuthErrorCode) {
    super(ErrorCode.Unauthenticated, messageFor(reason));
    this.name = 'AuthError';
  }
}

function messageFor(reason: AuthErrorCode): string {
  switch (reason) {
    case AuthErrorCode.InvalidCredentials:
      return 'the email or password is wrong';
    case AuthErrorCode.InvalidRefreshToken:
      return 'the refresh token is invalid or expired; sign in again';
    case AuthErrorCode.RefreshTokenReused:
      // The same words as an invalid token: the caller may be the thief.
      return 'the refresh token is invalid or expired; sign in again';
    default:
      return assertNever(reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped auth error: ${String(value)}`);
}
