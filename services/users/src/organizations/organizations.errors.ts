import { DomainError, ErrorCode, FieldError } from '@spilno/contracts';

export enum OrganizationsErrorCode {
  /** Absent, or not visible to the caller (never 403 for what they may not know exists). */
  OrganizationNotFound = 'organization_not_found',
  /** Visible to the caller, who may not do this to it. */
  NotAllowed = 'not_allowed',
  AlreadyVerified = 'already_verified',
  AccountNotFound = 'account_not_found',
  AlreadyMember = 'already_member',
  MemberNotFound = 'member_not_found',
  /** Removing this owner would leave the organization without one. */
  LastOwner = 'last_owner',
  InvalidCursor = 'invalid_cursor',
}

/** The organizations module's failures, each translated here (and only here) to a `DomainError`. */
export class OrganizationsError extends DomainError {
  constructor(readonly reason: OrganizationsErrorCode) {
    const { code, message, field } = describe(reason);
    super(code, message, field ? [{ field, message }] : undefined);
    this.name = 'OrganizationsError';
  }
}

function describe(reason: OrganizationsErrorCode): {
  code: ErrorCode;
  message: string;
  field?: FieldError['field'];
} {
  switch (reason) {
    case OrganizationsErrorCode.OrganizationNotFound:
      return { code: ErrorCode.NotFound, message: 'the organization does not exist' };
    case OrganizationsErrorCode.NotAllowed:
      return { code: ErrorCode.Forbidden, message: 'you may not do this for this organization' };
    case OrganizationsErrorCode.AlreadyVerified:
      return { code: ErrorCode.Conflict, message: 'the organization is already verified' };
    case OrganizationsErrorCode.AccountNotFound:
      return { code: ErrorCode.NotFound, message: 'no account has this email' };
    case OrganizationsErrorCode.AlreadyMember:
      return { code: ErrorCode.Conflict, message: 'this person is already a member' };
    case OrganizationsErrorCode.MemberNotFound:
      return { code: ErrorCode.NotFound, message: 'this person is not a member' };
    case OrganizationsErrorCode.LastOwner:
      return {
        code: ErrorCode.Conflict,
        message: 'the last owner cannot leave or be removed; add another owner first',
      };
    case OrganizationsErrorCode.InvalidCursor:
      return { code: ErrorCode.Validation, message: 'the cursor is invalid', field: 'cursor' };
    default:
      return assertNever(reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped organizations error: ${String(value)}`);
}
