import { DomainError, ErrorCode, type FieldError } from '@spilno/contracts';

export enum ApplicationsErrorCode {
  /** Absent, or not visible to the caller (not theirs, not of their organization). */
  ApplicationNotFound = 'application_not_found',
  TaskNotFound = 'task_not_found',
  /** Visible to the caller, who may not do this to it. */
  NotAllowed = 'not_allowed',
  /** A live (not withdrawn) application of this volunteer to this task exists. */
  AlreadyApplied = 'already_applied',
  TaskClosed = 'task_closed',
  InitiativeNotPublished = 'initiative_not_published',
  /** The shift overlaps another one the volunteer is accepted for. */
  ShiftOverlaps = 'shift_overlaps',
  TaskFull = 'task_full',
  /** The application is not in a status this step starts from. */
  WrongStatus = 'wrong_status',
  /** The `Idempotency-Key` was used before with another body. */
  IdempotencyKeyReused = 'idempotency_key_reused',
  InvalidCursor = 'invalid_cursor',
}

/** The applications module's failures, each translated here (and only here) to a `DomainError`. */
export class ApplicationsError extends DomainError {
  constructor(
    readonly reason: ApplicationsErrorCode,
    fieldErrors?: FieldError[],
  ) {
    const { code, message, field } = describe(reason);
    super(code, message, fieldErrors ?? (field ? [{ field, message }] : undefined));
    this.name = 'ApplicationsError';
  }
}

function describe(reason: ApplicationsErrorCode): {
  code: ErrorCode;
  message: string;
  field?: string;
} {
  switch (reason) {
    case ApplicationsErrorCode.ApplicationNotFound:
      return { code: ErrorCode.NotFound, message: 'the application does not exist' };
    case ApplicationsErrorCode.TaskNotFound:
      return { code: ErrorCode.NotFound, message: 'the task does not exist' };
    case ApplicationsErrorCode.NotAllowed:
      return { code: ErrorCode.Forbidden, message: 'you may not do this to this application' };
    case ApplicationsErrorCode.AlreadyApplied:
      return { code: ErrorCode.Conflict, message: 'you already applied to this task' };
    case ApplicationsErrorCode.TaskClosed:
      return { code: ErrorCode.Conflict, message: 'the task is closed' };
    case ApplicationsErrorCode.InitiativeNotPublished:
      return { code: ErrorCode.Conflict, message: 'the initiative is not published' };
    case ApplicationsErrorCode.ShiftOverlaps:
      return {
        code: ErrorCode.Conflict,
        message: 'the shift overlaps another shift the volunteer is accepted for',
      };
    case ApplicationsErrorCode.TaskFull:
      return { code: ErrorCode.Conflict, message: 'the task has no free slot' };
    case ApplicationsErrorCode.WrongStatus:
      return {
        code: ErrorCode.Conflict,
        message: 'the application is not in a status this step starts from',
      };
    case ApplicationsErrorCode.IdempotencyKeyReused:
      return {
        code: ErrorCode.Unprocessable,
        message: 'this Idempotency-Key was used with another request',
        field: 'Idempotency-Key',
      };
    case ApplicationsErrorCode.InvalidCursor:
      return { code: ErrorCode.Validation, message: 'the cursor is invalid', field: 'cursor' };
    default:
      return assertNever(reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped applications error: ${String(value)}`);
}
