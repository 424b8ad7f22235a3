import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ClientSession, Connection, Types } from 'mongoose';
import {
  ACTIVE_INITIATIVE_STATUSES,
  EventSubjects,
  INITIATIVE_LIMITS,
  MODES_WITH_TASKS,
  PAGE_LIMIT_DEFAULT,
  parseDateTime,
  TASK_TIME_RULES,
  timeWindowProblems,
  type CreateTaskPayload,
  type ListTasksPayload,
  type RequestMeta,
  type TaskFields,
  type TaskPage,
  type TaskView,
  type UpdateTaskPayload,
} from '@spilno/contracts';
import { newEvent, Outbox, withTransaction } from '@spilno/messaging';
import { Caller, callerOf, signedIn } from '../common/caller';
import { toGeoJson } from '../common/geo';
import { parseObjectId } from '../common/object-id';
import { CursorKind, decodeCursor, encodeCursor } from '../common/page-cursor';
import { InitiativeAccess } from '../initiatives/initiative-access';
import { InitiativeChange, InitiativeChangeListeners } from '../initiatives/initiative-changes';
import { InitiativesRepository } from '../initiatives/initiatives.repository';
import { Initiative } from '../initiatives/schemas/initiative.schema';
import { Task } from './schemas/task.schema';
import { TasksError, TasksErrorCode } from './tasks.errors';
import { TaskChanges, TasksRepository } from './tasks.repository';
import { taskSubject, toTaskEvent, toTaskListItem, toTaskView } from './views';

/**
 * Tasks of co-delivery and co-monitoring initiatives. Every change moves the initiative's
 * counters (`stats.tasks`, `stats.openSlots`) and its `skills` in the same transaction as the
 * task and its event; an initiative that ends closes its open tasks.
 */
@Injectable()
export class TasksService implements OnModuleInit {
  private readonly outbox: Outbox;

  constructor(
    private readonly tasks: TasksRepository,
    private readonly initiatives: InitiativesRepository,
    private readonly initiativeAccess: InitiativeAccess,
    private readonly initiativeChanges: InitiativeChangeListeners,
    @InjectConnection() private readonly connection: Connection,
  ) {
    this.outbox = new Outbox(connection);
  }

  onModuleInit(): void {
    this.initiativeChanges.register((change) => this.followInitiative(change));
  }

  async create(meta: RequestMeta, payload: CreateTaskPayload): Promise<TaskView> {
    const caller = callerOf(meta);
    signedIn(caller);
    const initiative = await this.creatable(caller, payload);
    const created = await withTransaction(this.connection, (session) =>
      this.insertInTransaction(initiative._id, payload, null, session),
    );
    return toTaskView(created);
  }

  /**
   * Checks a new task before its transaction (the shift, the caller against the initiative, its
   * mode); the initiative it goes to.
   */
  async creatable(caller: Caller, payload: CreateTaskPayload): Promise<Initiative> {
    const problems = timeWindowProblems(shiftOf(payload), TASK_TIME_RULES, new Date());
    if (problems.length) throw new TasksError(TasksErrorCode.InvalidSchedule, problems);
    const initiative = await this.initiativeAccess.readable(caller, payload.initiativeId);
    const asTaskOf = {
      organizationId: initiative.organizationId,
      initiativeStatus: initiative.status,
    };
    if (!caller.ability.can('create', taskSubject(asTaskOf))) {
      throw new TasksError(TasksErrorCode.NotAllowed);
    }
    if (!MODES_WITH_TASKS.includes(initiative.mode)) {
      throw new TasksError(TasksErrorCode.ModeHasNoTasks);
    }
    return initiative;
  }

  /**
   * Inserts a task checked by `creatable` in the caller's transaction, with the initiative's
   * counters and its event (a report's hand-off links the report in the same transaction).
   */
  async insertInTransaction(
    initiativeId: Types.ObjectId,
    payload: CreateTaskPayload,
    sourceReportId: Types.ObjectId | null,
    session: ClientSession,
  ): Promise<Task> {
    const window = shiftOf(payload);
    const current = await this.initiatives.findById(initiativeId, session);
    if (!current || !ACTIVE_INITIATIVE_STATUSES.includes(current.status)) {
      throw new TasksError(TasksErrorCode.InitiativeEnded);
    }
    if (current.stats.tasks >= INITIATIVE_LIMITS.maxTasks) {
      throw new TasksError(TasksErrorCode.TooManyTasks);
    }
    const task = await this.tasks.insert(
      {
        initiativeId: current._id,
        organizationId: current.organizationId,
        region: current.region,
        initiativeStatus: current.status,
        title: payload.title,
        description: payload.description ?? null,
        requiredSkills: payload.requiredSkills ?? [],
        slots: payload.slots,
        startsAt: window.startsAt as Date,
        endsAt: window.endsAt as Date,
        ...(payload.location ? { location: toGeoJson(payload.location) } : {}),
        urgency: payload.urgency ?? 'normal',
        autoAccept: payload.autoAccept ?? false,
        ...(sourceReportId ? { sourceReportId } : {}),
      },
      session,
    );
    await this.moveInitiative(task, { tasks: 1, openSlots: task.slots }, session);
    await this.emit(EventSubjects.initiatives.taskCreated, task, session);
    return task;
  }

  async get(meta: RequestMeta, taskId: string): Promise<TaskView> {
    return toTaskView(await this.readable(callerOf(meta), taskId));
  }

  async list(meta: RequestMeta, query: ListTasksPayload): Promise<TaskPage> {
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const after =
      query.cursor === undefined ? null : decodeCursor(CursorKind.Schedule, query.cursor);
    if (query.cursor !== undefined && !after) throw new TasksError(TasksErrorCode.InvalidCursor);
    const caller = callerOf(meta);
    const initiative = await this.initiativeAccess.readable(caller, query.initiativeId);
    const asTaskOf = {
      organizationId: initiative.organizationId,
      initiativeStatus: initiative.status,
    };
    if (!caller.ability.can('read', taskSubject(asTaskOf))) {
      throw new TasksError(TasksErrorCode.TaskNotFound);
    }
    const rows = await this.tasks.page(initiative._id, query.status, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toTaskListItem),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(CursorKind.Schedule, { value: last.startsAt.getTime(), id: last._id })
          : null,
    };
  }

  /** Open tasks of active initiatives change; `slots` never drops below `filled`. */
  async update(meta: RequestMeta, payload: UpdateTaskPayload): Promise<TaskView> {
    const caller = callerOf(meta);
    signedIn(caller);
    const task = await this.readable(caller, payload.taskId);
    this.authorize(caller, task);
    this.assertChangeable(task);
    const requested = payload.changes;
    if (Object.values(requested).every((value) => value === undefined)) {
      throw new TasksError(TasksErrorCode.NothingToChange);
    }
    const now = new Date();
    const updated = await withTransaction(this.connection, async (session) => {
      // Checked on the task as the transaction reads it: a slot taken since the first read
      // counts, and a concurrent edit of other fields stays.
      const current = await this.tasks.findById(task._id, session);
      if (!current) throw new TasksError(TasksErrorCode.TaskNotFound);
      this.assertChangeable(current);
      if (requested.slots !== undefined && requested.slots < current.filled) {
        throw new TasksError(TasksErrorCode.SlotsBelowFilled);
      }
      const changes = changesFor(current, requested, now);
      const delta = changes.set.slots === undefined ? 0 : changes.set.slots - current.slots;
      const after = await this.tasks.update(
        current._id,
        { ...changes, openSlotsDelta: delta },
        session,
      );
      if (!after) throw new TasksError(TasksErrorCode.SlotsBelowFilled);
      await this.moveInitiative(after, { tasks: 0, openSlots: delta }, session);
      await this.emit(EventSubjects.initiatives.taskUpdated, after, session);
      return after;
    });
    return toTaskView(updated);
  }

  async close(meta: RequestMeta, taskId: string): Promise<TaskView> {
    const caller = callerOf(meta);
    signedIn(caller);
    const task = await this.readable(caller, taskId);
    this.authorize(caller, task);
    this.assertChangeable(task);
    const closed = await withTransaction(this.connection, async (session) => {
      const after = await this.tasks.close(task._id, new Date(), session);
      if (!after) throw new TasksError(TasksErrorCode.TaskClosed);
      await this.moveInitiative(after, { tasks: 0, openSlots: -after.openSlots }, session);
      await this.emit(EventSubjects.initiatives.taskClosed, after, session);
      return after;
    });
    return toTaskView(closed);
  }

  /**
   * Inside an initiative's change: its tasks take its region and status, and when it ends,
   * its open tasks close (one `task.closed` each). Its counters are the initiative's to reset.
   */
  private async followInitiative(change: InitiativeChange): Promise<void> {
    const { after, at, session } = change;
    await this.tasks.followInitiative(
      after._id,
      { region: after.region, initiativeStatus: after.status },
      session,
    );
    if (ACTIVE_INITIATIVE_STATUSES.includes(after.status)) return;
    const closed = await this.tasks.closeOpen(after._id, at, session);
    for (const task of closed) await this.emit(EventSubjects.initiatives.taskClosed, task, session);
  }

  /** The task, if the caller may read it; `not_found` otherwise, as if absent. */
  private async readable(caller: Caller, id: string): Promise<Task> {
    const objectId = parseObjectId(id);
    const task = objectId ? await this.tasks.findById(objectId) : null;
    if (!task || !caller.ability.can('read', taskSubject(task))) {
      throw new TasksError(TasksErrorCode.TaskNotFound);
    }
    return task;
  }

  private authorize(caller: Caller, task: Task): void {
    if (!caller.ability.can('update', taskSubject(task))) {
      throw new TasksError(TasksErrorCode.NotAllowed);
    }
  }

  private assertChangeable(task: Task): void {
    if (!ACTIVE_INITIATIVE_STATUSES.includes(task.initiativeStatus)) {
      throw new TasksError(TasksErrorCode.InitiativeEnded);
    }
    if (task.status !== 'open') throw new TasksError(TasksErrorCode.TaskClosed);
  }

  /** The initiative's counters by `$inc`, and its skills from its open tasks now. */
  private async moveInitiative(
    task: Task,
    counters: { tasks: number; openSlots: number },
    session: ClientSession,
  ): Promise<void> {
    const skills = await this.tasks.openTaskSkills(task.initiativeId, session);
    if (skills.length > INITIATIVE_LIMITS.maxSkills) {
      throw new TasksError(TasksErrorCode.TooManySkills);
    }
    const moved = await this.initiatives.applyTaskChange(
      task.initiativeId,
      ACTIVE_INITIATIVE_STATUSES,
      { ...counters, skills },
      session,
    );
    // Thrown: the initiative ended meanwhile, and this transaction must not commit.
    if (!moved) throw new TasksError(TasksErrorCode.InitiativeEnded);
  }

  private emit(subject: string, task: Task, session: ClientSession): Promise<void> {
    return this.outbox.add(
      newEvent(subject, 'initiatives', toTaskEvent(task, task.updatedAt)),
      session,
    );
  }
}

function shiftOf(payload: Pick<CreateTaskPayload, 'startsAt' | 'endsAt'>) {
  return { startsAt: parseDateTime(payload.startsAt), endsAt: parseDateTime(payload.endsAt) };
}

/** What an update sets, after checking the shift as it will be. */
function changesFor(
  task: Task,
  requested: Partial<TaskFields>,
  now: Date,
): Omit<TaskChanges, 'openSlotsDelta'> {
  const set: TaskChanges['set'] = {};
  const unset: TaskChanges['unset'] = [];
  const window = { startsAt: task.startsAt as Date | null, endsAt: task.endsAt as Date | null };
  const changedDates: ('startsAt' | 'endsAt')[] = [];
  for (const field of ['startsAt', 'endsAt'] as const) {
    const value = requested[field];
    if (value === undefined) continue;
    const date = parseDateTime(value);
    window[field] = date;
    if (date) set[field] = date;
    changedDates.push(field);
  }
  const problems = timeWindowProblems(window, TASK_TIME_RULES, now, changedDates);
  if (problems.length) throw new TasksError(TasksErrorCode.InvalidSchedule, problems);

  if (requested.title !== undefined) set.title = requested.title;
  if (requested.description !== undefined) set.description = requested.description;
  if (requested.requiredSkills !== undefined) set.requiredSkills = requested.requiredSkills;
  if (requested.slots !== undefined) set.slots = requested.slots;
  if (requested.urgency !== undefined) set.urgency = requested.urgency;
  if (requested.autoAccept !== undefined) set.autoAccept = requested.autoAccept;
  if (requested.location === null) unset.push('location');
  else if (requested.location !== undefined) set.location = toGeoJson(requested.location);
  return { set, unset };
}
