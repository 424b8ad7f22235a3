import { DomainError, ErrorCode, FieldError } from '@spilno/contracts';

export enum RolesErrorCode {
  UserNotFound = 'user_not_found',
  NotAllowed = 'not_allowed',
  InvalidChange = 'invalid_change',
  /** Removing this admin role would leave the platform without an admin. */
  LastAdmin = 'last_admin',
}

/** The roles module's failures, each translated here (and only here) to a `DomainError`. */
export class RolesError extends DomainError {
  constructor(
    readonly reason: RolesErrorCode,
    errors?: FieldError[],
  ) {
    const { code, message } = describe(reason);
    super(code, message, errors);
    this.name = 'RolesError';
  }
}

function describe(reason: RolesErrorCode): { code: ErrorCode; message: string } {
  switch (reason) {
    case RolesErrorCode.UserNotFound:
      return { code: ErrorCode.NotFound, message: 'the user does not exist' };
    case RolesErrorCode.NotAllowed:
      return { code: ErrorCode.Forbidden, message: 'only an admin may change roles' };
    case RolesErrorCode.InvalidChange:
      return { code: ErrorCode.Validation, message: 'the role change is invalid' };
    case RolesErrorCode.LastAdmin:
      return {
        code: ErrorCode.Conflict,
        message: 'this is the last admin; grant admin to someone else first',
      };
    default:
      return assertNever(reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped roles error: ${String(value)}`);
}
