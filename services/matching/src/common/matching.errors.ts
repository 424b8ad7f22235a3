import { DomainError, ErrorCode, type FieldError } from '@spilno/contracts';

export enum MatchingErrorCode {
  /** Absent from the read model, or not visible to the caller. */
  TaskNotFound = 'task_not_found',
  InitiativeNotFound = 'initiative_not_found',
  /** Visible to the caller, who may not ask this about it (not coordinator+ of its org). */
  NotAllowed = 'not_allowed',
  /** `taskIds` of an assignment plan name tasks of another initiative, or none known. */
  TaskNotInInitiative = 'task_not_in_initiative',
  /** Absent, or another person's: both are `not_found`. */
  NotificationNotFound = 'notification_not_found',
  InvalidCursor = 'invalid_cursor',
}

/** The matching service's failures, each translated here (and only here) to a `DomainError`. */
export class MatchingError extends DomainError {
  constructor(
    readonly reason: MatchingErrorCode,
    fieldErrors?: FieldError[],
  ) {
    const { code, message, field } = describe(reason);
    super(code, message, fieldErrors ?? (field ? [{ field, message }] : undefined));
    this.name = 'MatchingError';
  }
}

function describe(reason: MatchingErrorCode): {
  code: ErrorCode;
  message: string;
  field?: string;
} {
  switch (reason) {
    case MatchingErrorCode.TaskNotFound:
      return { code: ErrorCode.NotFound, message: 'the task does not exist' };
    case MatchingErrorCode.InitiativeNotFound:
      return { code: ErrorCode.NotFound, message: 'the initiative does not exist' };
    case MatchingErrorCode.NotAllowed:
      return {
        code: ErrorCode.Forbidden,
        message: 'only coordinators and owners of its organization may ask this',
      };
    case MatchingErrorCode.TaskNotInInitiative:
      return {
        code: ErrorCode.Unprocessable,
        message: 'taskIds must name tasks of this initiative',
        field: 'taskIds',
      };
    case MatchingErrorCode.NotificationNotFound:
      return { code: ErrorCode.NotFound, message: 'the notification does not exist' };
    case MatchingErrorCode.InvalidCursor:
      return { code: ErrorCode.Validation, message: 'the cursor is invalid', field: 'cursor' };
    default:
      return assertNever(reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped matching error: ${String(value)}`);
}
