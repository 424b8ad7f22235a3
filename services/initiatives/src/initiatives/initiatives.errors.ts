import { DomainError, ErrorCode, type FieldError } from '@spilno/contracts';

export enum InitiativesErrorCode {
  /** Absent, or not visible to the caller (never 403 for what they may not know exists). */
  InitiativeNotFound = 'initiative_not_found',
  /** Visible to the caller, who may not do this to it. */
  NotAllowed = 'not_allowed',
  /** The caller is not a member of the (verified) organization named in the body. */
  NotAMember = 'not_a_member',
  /** Completed and cancelled initiatives no longer change. */
  NotEditable = 'not_editable',
  NotADraft = 'not_a_draft',
  NotPublished = 'not_published',
  AlreadyEnded = 'already_ended',
  /** Dates break a rule; the field errors say which (see `timeWindowProblems`). */
  InvalidSchedule = 'invalid_schedule',
  NothingToChange = 'nothing_to_change',
  InvalidCursor = 'invalid_cursor',
  /** `q` holds no word. */
  EmptyQuery = 'empty_query',
  /** `$text` and `$near` cannot share a query (MongoDB). */
  TextNearCombined = 'text_near_combined',
  RadiusWithoutNear = 'radius_without_near',
}

/** The initiatives module's failures, each translated here (and only here) to a `DomainError`. */
export class InitiativesError extends DomainError {
  constructor(
    readonly reason: InitiativesErrorCode,
    fieldErrors?: FieldError[],
  ) {
    const { code, message, field } = describe(reason);
    super(code, message, fieldErrors ?? (field ? [{ field, message }] : undefined));
    this.name = 'InitiativesError';
  }
}

function describe(reason: InitiativesErrorCode): {
  code: ErrorCode;
  message: string;
  field?: string;
} {
  switch (reason) {
    case InitiativesErrorCode.InitiativeNotFound:
      return { code: ErrorCode.NotFound, message: 'the initiative does not exist' };
    case InitiativesErrorCode.NotAllowed:
      return { code: ErrorCode.Forbidden, message: 'you may not do this to this initiative' };
    case InitiativesErrorCode.NotAMember:
      return {
        code: ErrorCode.Forbidden,
        message: 'only members of a verified organization create initiatives for it',
      };
    case InitiativesErrorCode.NotEditable:
      return {
        code: ErrorCode.Conflict,
        message: 'the initiative is completed or cancelled and no longer changes',
      };
    case InitiativesErrorCode.NotADraft:
      return { code: ErrorCode.Conflict, message: 'only a draft can be published' };
    case InitiativesErrorCode.NotPublished:
      return { code: ErrorCode.Conflict, message: 'only a published initiative can be completed' };
    case InitiativesErrorCode.AlreadyEnded:
      return {
        code: ErrorCode.Conflict,
        message: 'the initiative is already completed or cancelled',
      };
    case InitiativesErrorCode.InvalidSchedule:
      return { code: ErrorCode.Validation, message: 'the dates are invalid' };
    case InitiativesErrorCode.NothingToChange:
      return { code: ErrorCode.Validation, message: 'name at least one field to change' };
    case InitiativesErrorCode.InvalidCursor:
      return { code: ErrorCode.Validation, message: 'the cursor is invalid', field: 'cursor' };
    case InitiativesErrorCode.EmptyQuery:
      return { code: ErrorCode.Validation, message: 'q must contain a word', field: 'q' };
    case InitiativesErrorCode.TextNearCombined:
      return {
        code: ErrorCode.Validation,
        message: 'q and near cannot be combined; search by text or by distance',
        field: 'near',
      };
    case InitiativesErrorCode.RadiusWithoutNear:
      return { code: ErrorCode.Validation, message: 'radiusKm needs near', field: 'radiusKm' };
    default:
      return assertNever(reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped initiatives error: ${String(value)}`);
}
