/**
 * How an event changes the read model, written once for both of its copies: the documents in
 * MongoDB (the durable consumer, in the event's transaction) and the in-memory index (each
 * replica's follower of the stream). Both apply the stream in its order with this function,
 * so both end in the same state; replaying the stream from zero rebuilds that state.
 *
 * - A profile replaces the person's record unless the stored one is newer.
 * - An erasure removes the person and their applications (and, in MongoDB, everything the
 *   personal-data registry declares).
 * - Initiatives and tasks are replaced by their latest event (the stream keeps their order:
 *   the initiatives service serialises changes of one task). An application's event carries
 *   its task's capacity after the change.
 * - Applications of people the model does not know are not kept: the person was erased (their
 *   events may still follow in the stream), or registered before the stream's retention.
 */
import type { ReadModelChange } from './read-model-events';
import type { ApplicationRecord, InitiativeRecord, TaskRecord, VolunteerRecord } from './records';

/** The read model's storage, in MongoDB (one transaction) or in memory. */
export interface ReadModelStore {
  volunteer(userId: string): Promise<VolunteerRecord | null>;
  saveVolunteer(volunteer: VolunteerRecord): Promise<void>;
  erase(userId: string, erasedAt: Date): Promise<void>;
  initiative(initiativeId: string): Promise<InitiativeRecord | null>;
  saveInitiative(initiative: InitiativeRecord): Promise<void>;
  task(taskId: string): Promise<TaskRecord | null>;
  saveTask(task: TaskRecord): Promise<void>;
  application(applicationId: string): Promise<ApplicationRecord | null>;
  saveApplication(application: ApplicationRecord): Promise<void>;
}

export type ReadModelEffect =
  | { kind: 'none' }
  | { kind: 'volunteer'; before: VolunteerRecord | null; after: VolunteerRecord }
  | { kind: 'erased'; userId: string }
  | { kind: 'initiative'; before: InitiativeRecord | null; after: InitiativeRecord }
  | { kind: 'task'; before: TaskRecord | null; after: TaskRecord }
  | {
      kind: 'application';
      before: ApplicationRecord | null;
      after: ApplicationRecord;
      previousStatus: ApplicationRecord['status'] | null;
      taskBefore: TaskRecord | null;
      taskAfter: TaskRecord | null;
    };

const NONE: ReadModelEffect = { kind: 'none' };

export async function applyChange(
  store: ReadModelStore,
  change: ReadModelChange,
): Promise<ReadModelEffect> {
  switch (change.kind) {
    case 'profile': {
      const before = await store.volunteer(change.volunteer._id);
      const stored = before?.profileUpdatedAt.getTime() ?? -Infinity;
      if (stored > change.volunteer.profileUpdatedAt.getTime()) return NONE;
      await store.saveVolunteer(change.volunteer);
      return { kind: 'volunteer', before, after: change.volunteer };
    }
    case 'erased':
      await store.erase(change.userId, change.erasedAt);
      return { kind: 'erased', userId: change.userId };
    case 'initiative': {
      const before = await store.initiative(change.initiative._id);
      await store.saveInitiative(change.initiative);
      return { kind: 'initiative', before, after: change.initiative };
    }
    case 'task': {
      const before = await store.task(change.task._id);
      await store.saveTask(change.task);
      return { kind: 'task', before, after: change.task };
    }
    case 'application': {
      const { application, capacity } = change;
      if (!(await store.volunteer(application.userId))) return NONE;
      const before = await store.application(application._id);
      await store.saveApplication(application);
      const taskBefore = await store.task(application.taskId);
      let taskAfter: TaskRecord | null = null;
      if (taskBefore) {
        taskAfter = { ...taskBefore, slots: capacity.slots, filled: capacity.filled };
        await store.saveTask(taskAfter);
      }
      return {
        kind: 'application',
        before,
        after: application,
        previousStatus: change.previousStatus,
        taskBefore,
        taskAfter,
      };
    }
    case 'ignored':
      return NONE;
    default:
      return assertNever(change);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled read-model change: ${JSON.stringify(value)}`);
}
