import { DomainError, ErrorCode, INITIATIVE_LIMITS, type FieldError } from '@spilno/contracts';

export enum TasksErrorCode {
  /** Absent, or not visible to the caller. */
  TaskNotFound = 'task_not_found',
  /** Visible to the caller, who may not do this to it. */
  NotAllowed = 'not_allowed',
  /** Co-design initiatives work through proposals, not tasks. */
  ModeHasNoTasks = 'mode_has_no_tasks',
  /** The initiative is completed or cancelled. */
  InitiativeEnded = 'initiative_ended',
  TooManyTasks = 'too_many_tasks',
  /** The open tasks of one initiative would require too many distinct skills. */
  TooManySkills = 'too_many_skills',
  TaskClosed = 'task_closed',
  /** `slots` below the slots accepted volunteers hold. */
  SlotsBelowFilled = 'slots_below_filled',
  InvalidSchedule = 'invalid_schedule',
  NothingToChange = 'nothing_to_change',
  InvalidCursor = 'invalid_cursor',
}

/** The tasks module's failures, each translated here (and only here) to a `DomainError`. */
export class TasksError extends DomainError {
  constructor(
    readonly reason: TasksErrorCode,
    fieldErrors?: FieldError[],
  ) {
    const { code, message, field } = describe(reason);
    super(code, message, fieldErrors ?? (field ? [{ field, message }] : undefined));
    this.name = 'TasksError';
  }
}

function describe(reason: TasksErrorCode): { code: ErrorCode; message: string; field?: string } {
  switch (reason) {
    case TasksErrorCode.TaskNotFound:
      return { code: ErrorCode.NotFound, message: 'the task does not exist' };
    case TasksErrorCode.NotAllowed:
      return { code: ErrorCode.Forbidden, message: 'you may not do this to this task' };
    case TasksErrorCode.ModeHasNoTasks:
      return {
        code: ErrorCode.Conflict,
        message: 'only co-delivery and co-monitoring initiatives have tasks',
      };
    case TasksErrorCode.InitiativeEnded:
      return { code: ErrorCode.Conflict, message: 'the initiative is completed or cancelled' };
    case TasksErrorCode.TooManyTasks:
      return { code: ErrorCode.Conflict, message: 'the initiative has as many tasks as it may' };
    case TasksErrorCode.TooManySkills:
      return {
        code: ErrorCode.Conflict,
        message: `the open tasks of an initiative may require at most ${INITIATIVE_LIMITS.maxSkills} distinct skills`,
        field: 'requiredSkills',
      };
    case TasksErrorCode.TaskClosed:
      return { code: ErrorCode.Conflict, message: 'the task is closed' };
    case TasksErrorCode.SlotsBelowFilled:
      return {
        code: ErrorCode.Conflict,
        message: 'slots cannot be fewer than the slots already filled',
        field: 'slots',
      };
    case TasksErrorCode.InvalidSchedule:
      return { code: ErrorCode.Validation, message: 'the shift is invalid' };
    case TasksErrorCode.NothingToChange:
      return { code: ErrorCode.Validation, message: 'name at least one field to change' };
    case TasksErrorCode.InvalidCursor:
      return { code: ErrorCode.Validation, message: 'the cursor is invalid', field: 'cursor' };
    default:
      return assertNever(reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped tasks error: ${String(value)}`);
}
