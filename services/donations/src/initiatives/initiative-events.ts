/**
 * The initiatives service's events as the donations read model takes them. A malformed event
 * throws (and is dead-lettered by the consumer), so nothing half-read is stored.
 */
import {
  EventSubjects,
  INITIATIVE_STATUSES,
  isValidHours,
  OBJECT_ID_PATTERN,
  type ApplicationEvent,
  type EventEnvelope,
  type InitiativeEvent,
  type InitiativeStatus,
} from '@spilno/contracts';
import { Types } from 'mongoose';
import type { InitiativeState } from './initiatives.repository';

/** `evt.initiatives.initiative.>`: published, updated, completed, cancelled. */
export const INITIATIVE_EVENT_SUBJECTS: readonly string[] = [
  EventSubjects.initiatives.initiativePublished,
  EventSubjects.initiatives.initiativeUpdated,
  EventSubjects.initiatives.initiativeCompleted,
  EventSubjects.initiatives.initiativeCancelled,
];

/** The state an initiative event carries; null for other subjects. */
export function initiativeStateOf(event: EventEnvelope): InitiativeState | null {
  if (!INITIATIVE_EVENT_SUBJECTS.includes(event.type)) return null;
  const e = (event.data ?? {}) as Partial<InitiativeEvent>;
  const changedAt = typeof e.changedAt === 'string' ? new Date(e.changedAt) : null;
  if (
    !isObjectId(e.initiativeId) ||
    !isObjectId(e.organizationId) ||
    typeof e.title !== 'string' ||
    !INITIATIVE_STATUSES.includes(e.status as InitiativeStatus) ||
    !changedAt ||
    Number.isNaN(changedAt.getTime())
  ) {
    throw new Error('the initiative event carries no valid ids, title, status and changedAt');
  }
  return {
    id: new Types.ObjectId(e.initiativeId),
    organizationId: new Types.ObjectId(e.organizationId),
    title: e.title,
    status: e.status as InitiativeStatus,
    changedAt,
  };
}

/** The verified hours a completed application adds to its initiative. */
export function completedHoursOf(event: EventEnvelope): {
  initiativeId: Types.ObjectId;
  hours: number;
} | null {
  if (event.type !== EventSubjects.initiatives.applicationCompleted) return null;
  const e = (event.data ?? {}) as Partial<ApplicationEvent>;
  if (!isObjectId(e.initiativeId) || !isValidHours(e.hours)) {
    throw new Error('the completed application event carries no valid initiativeId and hours');
  }
  return { initiativeId: new Types.ObjectId(e.initiativeId), hours: e.hours };
}

function isObjectId(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID_PATTERN.test(value);
}
