/**
 * The users service's events as the people read model takes them: `user.registered` and
 * `user.updated` carry the whole profile (`UserProfileSnapshot`), `user.erased` the id. Only
 * the organizer-readable fields are kept. A malformed event throws (and is dead-lettered by
 * the consumer), so nothing half-read is stored.
 */
import {
  EventEnvelope,
  EventSubjects,
  isRegionCode,
  PROFILE_LIMITS,
  SKILL_CODE_PATTERN,
  WEEKDAYS,
  type UserErasedEvent,
  type UserProfileSnapshot,
} from '@spilno/contracts';
import type { Volunteer } from './volunteer.schema';

export type PeopleChange =
  | { kind: 'profile'; volunteer: Volunteer }
  | { kind: 'erased'; userId: string }
  | { kind: 'ignored' };

export function peopleChangeOf(event: EventEnvelope): PeopleChange {
  switch (event.type) {
    case EventSubjects.users.userRegistered:
    case EventSubjects.users.userUpdated:
      return { kind: 'profile', volunteer: volunteerOf(event.data) };
    case EventSubjects.users.userErased:
      return { kind: 'erased', userId: erasedUserOf(event.data) };
    default:
      return { kind: 'ignored' };
  }
}

function volunteerOf(data: unknown): Volunteer {
  const p = (data ?? {}) as Partial<UserProfileSnapshot>;
  const updatedAt = typeof p.updatedAt === 'string' ? new Date(p.updatedAt) : null;
  if (
    typeof p.userId !== 'string' ||
    p.userId === '' ||
    typeof p.displayName !== 'string' ||
    !updatedAt ||
    Number.isNaN(updatedAt.getTime())
  ) {
    throw new Error('the user event carries no valid userId, displayName and updatedAt');
  }
  return {
    _id: p.userId,
    displayName: p.displayName.slice(0, PROFILE_LIMITS.displayNameMaxLength),
    skills: (Array.isArray(p.skills) ? p.skills : [])
      .filter(
        (s) =>
          typeof s?.code === 'string' &&
          SKILL_CODE_PATTERN.test(s.code) &&
          [1, 2, 3].includes(s.level),
      )
      .map((s) => ({ code: s.code, level: s.level }))
      .slice(0, PROFILE_LIMITS.maxSkills),
    languages: (Array.isArray(p.languages) ? p.languages : [])
      .filter((l): l is string => typeof l === 'string')
      .slice(0, PROFILE_LIMITS.maxLanguages),
    region: typeof p.region === 'string' && isRegionCode(p.region) ? p.region : null,
    district:
      typeof p.district === 'string' ? p.district.slice(0, PROFILE_LIMITS.districtMaxLength) : null,
    availability: (Array.isArray(p.availability) ? p.availability : [])
      .filter(
        (w) => WEEKDAYS.includes(w?.day) && typeof w.from === 'string' && typeof w.to === 'string',
      )
      .map((w) => ({ day: w.day, from: w.from, to: w.to }))
      .slice(0, PROFILE_LIMITS.maxAvailabilityWindows),
    contactable: p.contactable === true,
    profileUpdatedAt: updatedAt,
  };
}

function erasedUserOf(data: unknown): string {
  const userId = (data as Partial<UserErasedEvent> | null)?.userId;
  if (typeof userId !== 'string' || userId === '') {
    throw new Error('the user.erased event carries no valid userId');
  }
  return userId;
}
