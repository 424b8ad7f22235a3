/**
 * Other services' events as changes of the read model. Each event is checked field by field: a
 * malformed one throws (the durable consumer dead-letters it), so nothing half-read is stored.
 * Events this model does not need are `ignored`.
 */
import {
  APPLICATION_STATUSES,
  EventEnvelope,
  EventSubjects,
  INITIATIVE_STATUSES,
  isRegionCode,
  LOCALES,
  PROFILE_LIMITS,
  SKILL_CODE_PATTERN,
  TASK_STATUSES,
  TASK_URGENCIES,
  WEEKDAYS,
  type ApplicationEvent,
  type GeoPoint,
  type InitiativeEvent,
  type TaskEvent,
  type UserErasedEvent,
  type UserProfileSnapshot,
  type UserRegisteredWithProfileEvent,
} from '@spilno/contracts';
import type { ApplicationRecord, InitiativeRecord, TaskRecord, VolunteerRecord } from './records';

export type ReadModelChange =
  | { kind: 'profile'; volunteer: VolunteerRecord }
  | { kind: 'erased'; userId: string; erasedAt: Date }
  | { kind: 'initiative'; initiative: InitiativeRecord }
  | { kind: 'task'; task: TaskRecord }
  | {
      kind: 'application';
      application: ApplicationRecord;
      previousStatus: ApplicationRecord['status'] | null;
      capacity: { slots: number; filled: number };
    }
  | { kind: 'ignored' };

const INITIATIVE_EVENTS: readonly string[] = [
  EventSubjects.initiatives.initiativePublished,
  EventSubjects.initiatives.initiativeUpdated,
  EventSubjects.initiatives.initiativeCompleted,
  EventSubjects.initiatives.initiativeCancelled,
];
const TASK_EVENTS: readonly string[] = [
  EventSubjects.initiatives.taskCreated,
  EventSubjects.initiatives.taskUpdated,
  EventSubjects.initiatives.taskClosed,
];
const APPLICATION_PREFIX = 'evt.initiatives.application.';

export function changeOf(event: EventEnvelope): ReadModelChange {
  const type = event.type;
  if (type === EventSubjects.users.userRegistered || type === EventSubjects.users.userUpdated) {
    return { kind: 'profile', volunteer: volunteerOf(event.data) };
  }
  if (type === EventSubjects.users.userErased) return erasedOf(event);
  if (INITIATIVE_EVENTS.includes(type)) {
    return { kind: 'initiative', initiative: initiativeOf(event.data) };
  }
  if (TASK_EVENTS.includes(type)) return { kind: 'task', task: taskOf(event.data) };
  if (type.startsWith(APPLICATION_PREFIX)) return applicationOf(event.data);
  return { kind: 'ignored' };
}

class MalformedEvent extends Error {
  constructor(what: string) {
    super(`the event carries no valid ${what}`);
    this.name = 'MalformedEvent';
  }
}

type Fields = Record<string, unknown>;

function fieldsOf(data: unknown): Fields {
  if (typeof data !== 'object' || data === null) throw new MalformedEvent('data');
  return data as Fields;
}

function text(d: Fields, key: string): string {
  const value = d[key];
  if (typeof value !== 'string' || value === '') throw new MalformedEvent(key);
  return value;
}

function date(d: Fields, key: string): Date {
  const value = d[key];
  const parsed = typeof value === 'string' ? new Date(value) : null;
  if (!parsed || Number.isNaN(parsed.getTime())) throw new MalformedEvent(key);
  return parsed;
}

function count(d: Fields, key: string): number {
  const value = d[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new MalformedEvent(key);
  }
  return value;
}

function oneOf<T extends string>(d: Fields, key: string, allowed: readonly T[]): T {
  const value = d[key];
  if (!allowed.includes(value as T)) throw new MalformedEvent(key);
  return value as T;
}

function pointOf(value: unknown): GeoPoint | null {
  const p = value as Partial<GeoPoint> | null | undefined;
  return typeof p?.lat === 'number' &&
    typeof p.lng === 'number' &&
    Number.isFinite(p.lat) &&
    Number.isFinite(p.lng)
    ? { lat: p.lat, lng: p.lng }
    : null;
}

function regionOf(d: Fields): TaskRecord['region'] {
  const region = d.region;
  if (!isRegionCode(region)) throw new MalformedEvent('region');
  return region;
}

/** `user.registered` (with the profile's defaults) and `user.updated` (the whole profile). */
function volunteerOf(data: unknown): VolunteerRecord {
  const d = fieldsOf(data) as Fields &
    Partial<UserProfileSnapshot & UserRegisteredWithProfileEvent>;
  const skills = Array.isArray(d.skills) ? d.skills : [];
  const windows = Array.isArray(d.availability) ? d.availability : [];
  const max = d.maxHoursPerWeek;
  return {
    _id: text(d, 'userId'),
    displayName: text(d, 'displayName').slice(0, PROFILE_LIMITS.displayNameMaxLength),
    locale: LOCALES.includes(d.locale as never) ? (d.locale as VolunteerRecord['locale']) : 'uk',
    skills: skills
      .filter(
        (s) =>
          typeof s?.code === 'string' &&
          SKILL_CODE_PATTERN.test(s.code) &&
          [1, 2, 3].includes(s.level),
      )
      .map((s) => ({ code: s.code, level: s.level }))
      .slice(0, PROFILE_LIMITS.maxSkills),
    availability: windows
      .filter(
        (w) => WEEKDAYS.includes(w?.day) && typeof w.from === 'string' && typeof w.to === 'string',
      )
      .map((w) => ({ day: w.day, from: w.from, to: w.to }))
      .slice(0, PROFILE_LIMITS.maxAvailabilityWindows),
    region: isRegionCode(d.region) ? d.region : null,
    location: pointOf(d.location),
    contactable: d.contactable === true,
    maxHoursPerWeek: typeof max === 'number' && Number.isFinite(max) && max >= 0 ? max : null,
    profileUpdatedAt: date(d, d.updatedAt === undefined ? 'registeredAt' : 'updatedAt'),
  };
}

function erasedOf(event: EventEnvelope): ReadModelChange {
  const d = fieldsOf(event.data) as Fields & Partial<UserErasedEvent>;
  const erasedAt = new Date(typeof d.erasedAt === 'string' ? d.erasedAt : event.occurredAt);
  if (Number.isNaN(erasedAt.getTime())) throw new MalformedEvent('erasedAt');
  return { kind: 'erased', userId: text(d, 'userId'), erasedAt };
}

function initiativeOf(data: unknown): InitiativeRecord {
  const d = fieldsOf(data) as Fields & Partial<InitiativeEvent>;
  return {
    _id: text(d, 'initiativeId'),
    organizationId: text(d, 'organizationId'),
    title: text(d, 'title'),
    status: oneOf(d, 'status', INITIATIVE_STATUSES),
    region: regionOf(d),
    location: pointOf(d.location),
    changedAt: date(d, 'changedAt'),
  };
}

function taskOf(data: unknown): TaskRecord {
  const d = fieldsOf(data) as Fields & Partial<TaskEvent>;
  const skills = d.requiredSkills;
  if (!Array.isArray(skills) || !skills.every((s) => typeof s === 'string')) {
    throw new MalformedEvent('requiredSkills');
  }
  return {
    _id: text(d, 'taskId'),
    initiativeId: text(d, 'initiativeId'),
    organizationId: text(d, 'organizationId'),
    title: text(d, 'title'),
    requiredSkills: [...new Set(skills)],
    slots: count(d, 'slots'),
    filled: count(d, 'filled'),
    startsAt: date(d, 'startsAt'),
    endsAt: date(d, 'endsAt'),
    location: pointOf(d.location),
    region: regionOf(d),
    urgency: oneOf(d, 'urgency', TASK_URGENCIES),
    status: oneOf(d, 'status', TASK_STATUSES),
    initiativeStatus: oneOf(d, 'initiativeStatus', INITIATIVE_STATUSES),
    changedAt: date(d, 'changedAt'),
  };
}

function applicationOf(data: unknown): ReadModelChange {
  const d = fieldsOf(data) as Fields & Partial<ApplicationEvent>;
  const previous = d.previousStatus;
  return {
    kind: 'application',
    application: {
      _id: text(d, 'applicationId'),
      userId: text(d, 'userId'),
      taskId: text(d, 'taskId'),
      initiativeId: text(d, 'initiativeId'),
      status: oneOf(d, 'status', APPLICATION_STATUSES),
      changedAt: date(d, 'changedAt'),
    },
    previousStatus:
      previous === null || previous === undefined
        ? null
        : oneOf(d, 'previousStatus', APPLICATION_STATUSES),
    capacity: { slots: count(d, 'slots'), filled: count(d, 'filled') },
  };
}
