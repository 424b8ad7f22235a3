import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ClientSession, Connection, Types } from 'mongoose';
import {
  APPLICATION_LIMITS,
  EventSubjects,
  PAGE_LIMIT_DEFAULT,
  type ApplicationStatus,
  type ApplicationView,
  type ApplyPayload,
  type ListMyApplicationsPayload,
  type ListTaskApplicationsPayload,
  type MyApplicationPage,
  type RequestMeta,
  type TaskApplicationPage,
} from '@spilno/contracts';
import type { Logger } from '@spilno/config';
import { errorSummary, newEvent, Outbox, SERVICE_LOGGER, withTransaction } from '@spilno/messaging';
import { Caller, callerOf, signedIn } from '../common/caller';
import { isDuplicateKeyOn } from '../common/duplicate-key';
import { parseObjectId } from '../common/object-id';
import { CursorKind, decodeCursor, encodeCursor } from '../common/page-cursor';
import { InitiativesRepository } from '../initiatives/initiatives.repository';
import { isErasedUserId } from '../privacy/erased-user';
import { Task } from '../tasks/schemas/task.schema';
import { TasksRepository } from '../tasks/tasks.repository';
import { taskSubject } from '../tasks/views';
import {
  APPLICATION_STEPS,
  ApplicationStep,
  leavesVolunteers,
  slotEffect,
  submittedEvent,
} from './application-lifecycle';
import { ApplicationRequestsRepository } from './application-requests.repository';
import { ApplicationsError, ApplicationsErrorCode } from './applications.errors';
import { ApplicationsRepository } from './applications.repository';
import { Application } from './schemas/application.schema';
import { VolunteerRecordsRepository } from './volunteer-records.repository';
import { VolunteersRepository } from './volunteers/volunteers.repository';
import {
  applicationSubject,
  toApplicantView,
  toApplicationEvent,
  toApplicationView,
} from './views';

/**
 * Applications to tasks: applying, the lifecycle, the waitlist, hours. Every change that moves
 * a slot, the initiative's counters or the volunteer's record does so in the transaction of the
 * application and its event. Capacity: a slot is taken by one conditional `$inc` on the task
 * (`filled` never passes `slots`); write conflicts between simultaneous transactions are
 * retried by `withTransaction` (TransientTransactionError), so a race ends in a 409 or a
 * waitlist place, never a 5xx. A volunteer's transactions serialise on their record.
 */
@Injectable()
export class ApplicationsService {
  private readonly outbox: Outbox;

  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly records: VolunteerRecordsRepository,
    private readonly requests: ApplicationRequestsRepository,
    private readonly volunteers: VolunteersRepository,
    private readonly tasks: TasksRepository,
    private readonly initiatives: InitiativesRepository,
    @InjectConnection() private readonly connection: Connection,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.outbox = new Outbox(connection);
  }

  /**
   * `pending`; or, on an `autoAccept` task, `accepted` when a slot is free and `waitlisted`
   * when not. With an idempotency key, a repeat answers the first answer.
   */
  async apply(meta: RequestMeta, payload: ApplyPayload): Promise<ApplicationView> {
    const caller = callerOf(meta);
    const { userId } = signedIn(caller);
    const task = await this.readableTask(caller, payload.taskId);
    const mine = { organizationId: task.organizationId, userId };
    if (!caller.ability.can('create', applicationSubject(mine))) {
      throw new ApplicationsError(ApplicationsErrorCode.NotAllowed);
    }
    const message = payload.message ?? null;
    const contact = payload.contact ?? null;
    const key = payload.idempotencyKey;
    const requestHash = hashOf([task._id.toHexString(), message, contact]);
    let answer: ApplicationView;
    try {
      answer = await withTransaction(this.connection, async (session) => {
        // The task first: on an autoAccept task taking a slot writes the document every
        // applicant writes until the slots are gone; in the first statement no other
        // applicant's commit can come between this transaction's snapshot and its write.
        const { placed, status } = await this.placeOn(task, session);
        // Only an accepted application commits the volunteer to a shift: then their other
        // transactions must not decide on overlaps at the same time.
        if (status === 'accepted') await this.records.serialise(userId, session);
        if (key !== undefined) {
          const earlier = await this.requests.find(userId, key, session);
          if (earlier) throw new ReplayedAnswer(earlier.requestHash, earlier.answer);
        }
        // The task follows its initiative's status in the initiative's own transactions.
        if (placed.initiativeStatus !== 'published') {
          throw new ApplicationsError(ApplicationsErrorCode.InitiativeNotPublished);
        }
        if (await this.overlapsCommittedShift(userId, placed, session)) {
          throw new ApplicationsError(ApplicationsErrorCode.ShiftOverlaps);
        }
        const application = await this.applications.insert(
          {
            taskId: placed._id,
            initiativeId: placed.initiativeId,
            organizationId: placed.organizationId,
            userId,
            status,
            message,
            contact,
            decidedAt: status === 'pending' ? null : new Date(),
          },
          session,
        );
        if (status === 'accepted') await this.countIn(application, session);
        await this.emit(submittedEvent(status), application, null, placed, session);
        const view = toApplicationView(application);
        if (key !== undefined) {
          await this.requests.insert({ userId, key, requestHash, answer: view }, session);
        }
        return view;
      });
    } catch (e) {
      if (e instanceof ReplayedAnswer) {
        if (e.requestHash !== requestHash) {
          throw new ApplicationsError(ApplicationsErrorCode.IdempotencyKeyReused);
        }
        return e.answer;
      }
      if (isDuplicateKeyOn(e, 'taskId')) {
        // The same key sent twice at once: the first request's answer, once it committed.
        const earlier = key === undefined ? null : await this.requests.find(userId, key);
        if (earlier?.requestHash === requestHash) return earlier.answer;
        if (earlier) throw new ApplicationsError(ApplicationsErrorCode.IdempotencyKeyReused);
        throw new ApplicationsError(ApplicationsErrorCode.AlreadyApplied);
      }
      throw e;
    }
    if (answer.status === 'waitlisted') await this.fillFreeSlots(task._id);
    return answer;
  }

  /**
   * Where a new application lands: on an autoAccept task a free slot (`accepted`) or, when none
   * is free, the waitlist; else `pending`; the task after. 409 when the task closed.
   */
  private async placeOn(
    task: Task,
    session: ClientSession,
  ): Promise<{ placed: Task; status: ApplicationStatus }> {
    if (task.autoAccept) {
      const taken = await this.tasks.takeSlot(task._id, session, { autoAccept: true });
      if (taken) return { placed: taken, status: 'accepted' };
    }
    const current = await this.tasks.findById(task._id, session);
    if (!current || current.status !== 'open') {
      throw new ApplicationsError(ApplicationsErrorCode.TaskClosed);
    }
    if (!current.autoAccept) return { placed: current, status: 'pending' };
    // autoAccept was switched on since the first read: a free slot first.
    if (!task.autoAccept) return this.placeOn(current, session);
    return { placed: current, status: 'waitlisted' };
  }

  async get(meta: RequestMeta, applicationId: string): Promise<ApplicationView> {
    return toApplicationView(await this.readable(callerOf(meta), applicationId));
  }

  /**
   * One step of the lifecycle. Accepting takes a slot (409 when full, or when the shift
   * overlaps another accepted one); rejecting or withdrawing an accepted application gives the
   * slot back and promotes the first waitlisted volunteer (FIFO) in the same transaction.
   */
  async step(
    meta: RequestMeta,
    applicationId: string,
    step: ApplicationStep,
    hours?: number,
  ): Promise<ApplicationView> {
    const caller = callerOf(meta);
    signedIn(caller);
    const rule = APPLICATION_STEPS[step];
    const application = await this.readable(caller, applicationId);
    if (!caller.ability.can(rule.action, applicationSubject(application))) {
      throw new ApplicationsError(ApplicationsErrorCode.NotAllowed);
    }
    if (!rule.from.includes(application.status)) {
      throw new ApplicationsError(ApplicationsErrorCode.WrongStatus);
    }
    const { updated, released } = await withTransaction(this.connection, async (session) => {
      const at = new Date();
      const current = await this.applications.findById(application._id, session);
      // Thrown, not returned: someone took another step since the first read.
      if (!current || !rule.from.includes(current.status)) {
        throw new ApplicationsError(ApplicationsErrorCode.WrongStatus);
      }
      await this.records.serialise(current.userId, session);
      let task = await this.tasks.findById(current.taskId, session);
      if (!task) throw new ApplicationsError(ApplicationsErrorCode.TaskNotFound);
      const effect = slotEffect(current.status, rule.to);
      if (effect === 'take') task = await this.takeSlotFor(current.userId, task, session);
      const after = await this.applications.transition(
        current._id,
        current.status,
        {
          set: {
            status: rule.to,
            [rule.stamp]: at,
            ...(step === 'complete' ? { hours: hours ?? 0 } : {}),
          },
          deactivate: rule.to === 'withdrawn',
        },
        session,
      );
      if (!after) throw new ApplicationsError(ApplicationsErrorCode.WrongStatus);
      if (effect === 'take') await this.countIn(after, session);
      if (leavesVolunteers(current.status, rule.to)) await this.countOut(after, session);
      if (effect === 'release') task = await this.releaseSlot(task, session);
      if (step === 'complete') {
        const verified = after.hours ?? 0;
        await this.initiatives.incrementStats(after.initiativeId, { hours: verified }, session);
        await this.records.addHours(after.userId, verified, session);
      }
      await this.emit(rule.event, after, current.status, task, session);
      if (effect === 'release' && task.status === 'open') {
        await this.promoteWaitlisted(task, session);
      }
      return { updated: after, released: effect === 'release' };
    });
    if (released) await this.fillFreeSlots(updated.taskId);
    return toApplicationView(updated);
  }

  /** A task's applications, oldest first, each with what the volunteer shares by applying. */
  async listForTask(
    meta: RequestMeta,
    query: ListTaskApplicationsPayload,
  ): Promise<TaskApplicationPage> {
    const caller = callerOf(meta);
    signedIn(caller);
    const after = this.cursorOf(CursorKind.ApplicationQueue, query.cursor);
    const task = await this.readableTask(caller, query.taskId);
    const anyOfItsApplications = { organizationId: task.organizationId, userId: '' };
    if (!caller.ability.can('review', applicationSubject(anyOfItsApplications))) {
      throw new ApplicationsError(ApplicationsErrorCode.NotAllowed);
    }
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const rows = await this.applications.queuePage(task._id, query.status, after, limit + 1);
    const page = rows.slice(0, limit);
    const people = await this.volunteers.findByIds(
      page.map((a) => a.userId).filter((id) => !isErasedUserId(id)),
    );
    const byId = new Map(people.map((p) => [p._id, p]));
    const last = page[page.length - 1];
    return {
      items: page.map((application) => ({
        ...toApplicationView(application),
        volunteer: isErasedUserId(application.userId)
          ? null
          : toApplicantView(application.userId, byId.get(application.userId)),
      })),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(CursorKind.ApplicationQueue, {
              value: last.createdAt.getTime(),
              id: last._id,
            })
          : null,
    };
  }

  /** The caller's applications, newest first, with task and initiative titles and hours. */
  async listMine(meta: RequestMeta, query: ListMyApplicationsPayload): Promise<MyApplicationPage> {
    const { userId } = signedIn(callerOf(meta));
    const after = this.cursorOf(CursorKind.MyApplications, query.cursor);
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const rows = await this.applications.userPage(userId, query.status, after, limit + 1);
    const page = rows.slice(0, limit);
    const tasks = await this.tasks.findByIds(uniqueIds(page.map((a) => a.taskId)));
    const initiatives = await this.initiatives.findTitles(
      uniqueIds(page.map((a) => a.initiativeId)),
    );
    const taskById = new Map(tasks.map((t) => [t._id.toHexString(), t]));
    const titleById = new Map(initiatives.map((i) => [i._id.toHexString(), i.title]));
    const record = await this.records.find(userId);
    const last = page[page.length - 1];
    return {
      items: page.map((application) => {
        const view = toApplicationView(application);
        const task = taskById.get(view.taskId);
        return {
          ...view,
          task: {
            id: view.taskId,
            title: task?.title ?? '',
            startsAt: task?.startsAt.toISOString() ?? view.createdAt,
            endsAt: task?.endsAt.toISOString() ?? view.createdAt,
            status: task?.status ?? 'closed',
          },
          initiative: { id: view.initiativeId, title: titleById.get(view.initiativeId) ?? '' },
        };
      }),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(CursorKind.MyApplications, {
              value: last.createdAt.getTime(),
              id: last._id,
            })
          : null,
      verifiedHours: record?.hours ?? 0,
      completedShifts: record?.completedShifts ?? 0,
    };
  }

  /** The task, if the caller may read it (its initiative published, or theirs). */
  private async readableTask(caller: Caller, id: string): Promise<Task> {
    const objectId = parseObjectId(id);
    const task = objectId ? await this.tasks.findById(objectId) : null;
    if (!task || !caller.ability.can('read', taskSubject(task))) {
      throw new ApplicationsError(ApplicationsErrorCode.TaskNotFound);
    }
    return task;
  }

  /** The application, if the caller may read it (theirs, or of their organization). */
  private async readable(caller: Caller, id: string): Promise<Application> {
    const objectId = parseObjectId(id);
    const application = objectId ? await this.applications.findById(objectId) : null;
    if (!application || !caller.ability.can('read', applicationSubject(application))) {
      throw new ApplicationsError(ApplicationsErrorCode.ApplicationNotFound);
    }
    return application;
  }

  private cursorOf(kind: CursorKind, cursor: string | undefined) {
    if (cursor === undefined) return null;
    const after = decodeCursor(kind, cursor);
    if (!after) throw new ApplicationsError(ApplicationsErrorCode.InvalidCursor);
    return after;
  }

  /** Whether the task's shift overlaps a shift the volunteer is committed to (another task). */
  private async overlapsCommittedShift(
    userId: string,
    task: Task,
    session: ClientSession,
  ): Promise<boolean> {
    const taskIds = (await this.applications.committedTaskIds(userId, session)).filter(
      (id) => !id.equals(task._id),
    );
    const committed = await this.tasks.findByIds(taskIds, session);
    return committed.some(
      (other) =>
        other.startsAt.getTime() < task.endsAt.getTime() &&
        other.endsAt.getTime() > task.startsAt.getTime(),
    );
  }

  /** Accepting: an open task, no overlapping commitment, a free slot; the task after. */
  private async takeSlotFor(userId: string, task: Task, session: ClientSession): Promise<Task> {
    if (task.status !== 'open') throw new ApplicationsError(ApplicationsErrorCode.TaskClosed);
    if (await this.overlapsCommittedShift(userId, task, session)) {
      throw new ApplicationsError(ApplicationsErrorCode.ShiftOverlaps);
    }
    const taken = await this.tasks.takeSlot(task._id, session);
    if (!taken) throw new ApplicationsError(ApplicationsErrorCode.TaskFull);
    return taken;
  }

  /** The slot back on the task, and on the initiative's open slots while the task is open. */
  private async releaseSlot(task: Task, session: ClientSession): Promise<Task> {
    const released = await this.tasks.releaseSlot(task._id, session);
    if (!released) return task;
    if (released.status === 'open') {
      await this.initiatives.incrementStats(released.initiativeId, { openSlots: 1 }, session);
    }
    return released;
  }

  /** A slot taken (of an open task): one open slot fewer; one volunteer more if their first. */
  private async countIn(application: Application, session: ClientSession): Promise<void> {
    const already = await this.applications.holdsAnotherSlot(application, session);
    await this.initiatives.incrementStats(
      application.initiativeId,
      { openSlots: -1, volunteers: already ? 0 : 1 },
      session,
    );
  }

  /** The person no longer holds a slot through this application: maybe one volunteer fewer. */
  private async countOut(application: Application, session: ClientSession): Promise<void> {
    if (await this.applications.holdsAnotherSlot(application, session)) return;
    await this.initiatives.incrementStats(application.initiativeId, { volunteers: -1 }, session);
  }

  /**
   * Gives free slots of an open task to waitlisted volunteers, first come first served; those
   * committed to an overlapping shift keep their place in the queue.
   */
  private async promoteWaitlisted(task: Task, session: ClientSession): Promise<void> {
    if (task.openSlots <= 0) return;
    const queue = await this.applications.waitlisted(
      task._id,
      APPLICATION_LIMITS.promotionCandidates,
      session,
    );
    let current = task;
    for (const candidate of queue) {
      if (current.openSlots <= 0) return;
      await this.records.serialise(candidate.userId, session);
      if (await this.overlapsCommittedShift(candidate.userId, current, session)) continue;
      const taken = await this.tasks.takeSlot(current._id, session);
      if (!taken) return;
      current = taken;
      const promoted = await this.applications.transition(
        candidate._id,
        'waitlisted',
        { set: { status: 'accepted', decidedAt: new Date() }, deactivate: false },
        session,
      );
      // Read in this transaction a moment ago: its status cannot have changed.
      if (!promoted) throw new ApplicationsError(ApplicationsErrorCode.WrongStatus);
      await this.countIn(promoted, session);
      await this.emit(
        EventSubjects.initiatives.applicationPromoted,
        promoted,
        'waitlisted',
        current,
        session,
      );
    }
  }

  /**
   * After a commit that waitlisted someone or gave a slot back. Waitlisting does not write the
   * task (so 100 applicants to a full task do not queue on one document), so a volunteer
   * waitlisted from a snapshot taken before a slot was given back, and a promotion whose
   * snapshot did not yet hold that volunteer, can both commit: a free slot beside a queue.
   * Whichever of the two committed last runs this after its commit, sees both, and promotes.
   * Best effort: the answer already committed, and the next such commit heals what a failure
   * here leaves.
   */
  private async fillFreeSlots(taskId: Types.ObjectId): Promise<void> {
    try {
      const task = await this.tasks.findById(taskId);
      if (!task || task.status !== 'open' || task.openSlots <= 0) return;
      await withTransaction(this.connection, async (session) => {
        const current = await this.tasks.findById(taskId, session);
        if (current?.status === 'open') await this.promoteWaitlisted(current, session);
      });
    } catch (e) {
      this.logger.warn(
        { taskId: taskId.toHexString(), err: errorSummary(e) },
        'could not promote waitlisted volunteers into free slots',
      );
    }
  }

  private emit(
    subject: string,
    application: Application,
    previousStatus: ApplicationStatus | null,
    task: Task,
    session: ClientSession,
  ): Promise<void> {
    return this.outbox.add(
      newEvent(subject, 'initiatives', toApplicationEvent(application, previousStatus, task)),
      session,
    );
  }
}

/** Thrown out of the transaction (which must not commit) when a key was used before. */
class ReplayedAnswer extends Error {
  constructor(
    readonly requestHash: string,
    readonly answer: ApplicationView,
  ) {
    super('replayed');
  }
}

function hashOf(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function uniqueIds(ids: Types.ObjectId[]): Types.ObjectId[] {
  const byHex = new Map(ids.map((id) => [id.toHexString(), id]));
  return [...byHex.values()];
}
