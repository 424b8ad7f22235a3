import { DomainError, ErrorCode } from '@spilno/contracts';

export enum PrivacyErrorCode {
  AccountNotFound = 'account_not_found',
}

/** The privacy module's failures, each translated here (and only here) to a `DomainError`. */
export class PrivacyError extends DomainError {
  constructor(readonly reason: PrivacyErrorCode) {
    const { code, message } = describe(reason);
    super(code, message);
    this.name = 'PrivacyError';
  }
}

function describe(reason: PrivacyErrorCode): { code: ErrorCode; message: string } {
  switch (reason) {
    case PrivacyErrorCode.AccountNotFound:
      return { code: ErrorCode.NotFound, message: 'the account does not exist' };
    default:
      return assertNever(reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped privacy error: ${String(value)}`);
}
