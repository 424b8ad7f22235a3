import { DomainError, ErrorCode } from '@spilno/contracts';

export enum AccountsErrorCode {
  EmailTaken = 'email_taken',
  WeakPassword = 'weak_password',
  AccountNotFound = 'account_not_found',
}

/** The accounts module's failures, each translated here (and only here) to a `DomainError`. */
export class AccountsError extends DomainError {
  constructor(readonly reason: AccountsErrorCode) {
    const { code, message, field } = describe(reason);
    super(code, message, field ? [{ field, message }] : undefined);
    this.name = 'AccountsError';
  }
}

function describe(reason: AccountsErrorCode): {
  code: ErrorCode;
  message: string;
  field?: string;
} {
  switch (reason) {
    case AccountsErrorCode.EmailTaken:
      return { code: ErrorCode.Conflict, message: 'an account with this email exists' };
    case AccountsErrorCode.WeakPassword:
      return {
        code: ErrorCode.Validation,
        message: 'password is too common; choose a longer or less predictable one',
        field: 'password',
      };
    case AccountsErrorCode.AccountNotFound:
      return { code: ErrorCode.NotFound, message: 'the account does not exist' };
    default:
      return assertNever(reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped accounts error: ${String(value)}`);
}
