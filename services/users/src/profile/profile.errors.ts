import { DomainError, ErrorCode } from '@spilno/contracts';

export enum ProfileErrorCode {
  /** A skill code that is not in the taxonomy. */
  UnknownSkill = 'unknown_skill',
  /** CASL field rules refuse a field the payload names (the DTO's whitelist let it through). */
  FieldNotEditable = 'field_not_editable',
  /** No such person, or an id that cannot be one. */
  UserNotFound = 'user_not_found',
}

/**
 * The profile module's failures, each translated here (and only here) to a `DomainError`;
 * `fields` name the offending fields, e.g. `skills.2.code`.
 */
export class ProfileError extends DomainError {
  constructor(
    readonly reason: ProfileErrorCode,
    fields: readonly string[] = [],
  ) {
    const { code, message } = describe(reason);
    super(code, message, fields.length ? fields.map((field) => ({ field, message })) : undefined);
    this.name = 'ProfileError';
  }
}

function describe(reason: ProfileErrorCode): { code: ErrorCode; message: string } {
  switch (reason) {
    case ProfileErrorCode.UnknownSkill:
      return { code: ErrorCode.Validation, message: 'not a skill of the taxonomy (GET /skills)' };
    case ProfileErrorCode.FieldNotEditable:
      return { code: ErrorCode.Forbidden, message: 'you may not change this field' };
    case ProfileErrorCode.UserNotFound:
      return { code: ErrorCode.NotFound, message: 'no such person' };
    default:
      return assertNever(reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped profile error: ${String(value)}`);
}
