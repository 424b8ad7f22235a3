import { DomainError, ErrorCode, type FieldError } from '@spilno/contracts';

export enum ReportsErrorCode {
  /** Absent, or not visible to the caller (new and rejected ones are the organizers'). */
  ReportNotFound = 'report_not_found',
  /** Visible to the caller, who may not do this to it. */
  NotAllowed = 'not_allowed',
  /** Reports belong to co-monitoring initiatives. */
  NotCoMonitoring = 'not_co_monitoring',
  InitiativeNotPublished = 'initiative_not_published',
  InvalidObservedAt = 'invalid_observed_at',
  /** The status cannot follow the current one (see `report-review.ts`). */
  WrongStatus = 'wrong_status',
  /** Only verified reports become tasks. */
  NotVerified = 'not_verified',
  AlreadyHandedOff = 'already_handed_off',
  /** A report becomes a task of a co-delivery initiative. */
  NotCoDelivery = 'not_co_delivery',
  InvalidCursor = 'invalid_cursor',
}

/** The reports module's failures, each translated here (and only here) to a `DomainError`. */
export class ReportsError extends DomainError {
  constructor(
    readonly reason: ReportsErrorCode,
    fieldErrors?: FieldError[],
  ) {
    const { code, message, field } = describe(reason);
    super(code, message, fieldErrors ?? (field ? [{ field, message }] : undefined));
    this.name = 'ReportsError';
  }
}

function describe(reason: ReportsErrorCode): { code: ErrorCode; message: string; field?: string } {
  switch (reason) {
    case ReportsErrorCode.ReportNotFound:
      return { code: ErrorCode.NotFound, message: 'the report does not exist' };
    case ReportsErrorCode.NotAllowed:
      return { code: ErrorCode.Forbidden, message: 'you may not do this to this report' };
    case ReportsErrorCode.NotCoMonitoring:
      return { code: ErrorCode.Conflict, message: 'only co-monitoring initiatives take reports' };
    case ReportsErrorCode.InitiativeNotPublished:
      return { code: ErrorCode.Conflict, message: 'the initiative is not published' };
    case ReportsErrorCode.InvalidObservedAt:
      return {
        code: ErrorCode.Validation,
        message: 'observedAt must lie within the last year and not in the future',
        field: 'observedAt',
      };
    case ReportsErrorCode.WrongStatus:
      return {
        code: ErrorCode.Conflict,
        message: 'the report cannot move to this status from its current one',
        field: 'status',
      };
    case ReportsErrorCode.NotVerified:
      return { code: ErrorCode.Conflict, message: 'only a verified report becomes a task' };
    case ReportsErrorCode.AlreadyHandedOff:
      return { code: ErrorCode.Conflict, message: 'a task was already made from this report' };
    case ReportsErrorCode.NotCoDelivery:
      return {
        code: ErrorCode.Conflict,
        message: 'a report becomes a task of a co-delivery initiative',
        field: 'initiativeId',
      };
    case ReportsErrorCode.InvalidCursor:
      return { code: ErrorCode.Validation, message: 'the cursor is invalid', field: 'cursor' };
    default:
      return assertNever(reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped reports error: ${String(value)}`);
}
