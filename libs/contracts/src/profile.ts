/**
 * Profiles and the skills taxonomy (users service): payloads, answers, events and the rules
 * both the gateway and the users service validate with (each with its own class-validator
 * classes; the users service also checks skill codes against its taxonomy).
 */
import type { FieldError } from './errors';
import type { RegionCode } from './regions';
import type { AccountView, Locale, UserRegisteredEvent } from './users';

export const PROFILE_LIMITS = {
  displayNameMaxLength: 80,
  districtMaxLength: 80,
  earliestBirthYear: 1900,
  /** Volunteers are at least 14 (the year they turn 14 counts). */
  minimumAge: 14,
  maxLanguages: 10,
  maxSkills: 30,
  maxAvailabilityWindows: 21,
  maxHoursPerWeek: 80,
  skillCodeMaxLength: 40,
} as const;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const SKILL_LEVELS = [1, 2, 3] as const;
/** 1 beginner, 2 experienced, 3 expert or certified. */
export type SkillLevel = (typeof SKILL_LEVELS)[number];

/** Lower-case snake case, e.g. `driving_licence_c`. */
export const SKILL_CODE_PATTERN = /^[a-z][a-z0-9_]*$/;
/** `HH:MM`, 00:00..23:59: when a window starts. */
export const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
/** `HH:MM`, also `24:00`: when a window ends (a window may run to midnight). */
export const END_OF_WINDOW_PATTERN = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export interface UserSkill {
  /** A code of the taxonomy (`GET /skills`). */
  code: string;
  level: SkillLevel;
}

/** A weekly window the person can usually help in, local time (Europe/Kyiv). */
export interface AvailabilityWindow {
  day: Weekday;
  from: string;
  to: string;
}

/** Rounded to 2 decimals (about 1 km) when stored: matching needs distances, not addresses. */
export interface GeoPoint {
  lat: number;
  lng: number;
}

/** The fields a person edits about themself (`PATCH /me`). */
export interface ProfileFields {
  displayName: string;
  locale: Locale;
  region: RegionCode | null;
  /** The hromada, free text. */
  district: string | null;
  birthYear: number | null;
  /** ISO 639-1 codes, unique. */
  languages: string[];
  /** Unique codes. */
  skills: UserSkill[];
  /** No two windows of a day overlap. */
  availability: AvailabilityWindow[];
  maxHoursPerWeek: number | null;
  /** Organizers may see more of the profile and propose tasks. */
  contactable: boolean;
  /** May appear in person-level research datasets (anonymised). */
  researchConsent: boolean;
  location: GeoPoint | null;
}

/** The fields `null` clears; the others cannot be cleared, only changed. */
export const NULLABLE_PROFILE_FIELDS = [
  'region',
  'district',
  'birthYear',
  'maxHoursPerWeek',
  'location',
] as const satisfies readonly (keyof ProfileFields)[];

/** `users.profile.update.v1` (caller in `meta`): any subset; `null` clears a nullable field. */
export type UpdateProfilePayload = Partial<ProfileFields>;

/** The whole own profile (`GET /me`, `PATCH /me`). Never a password hash or a token. */
export interface ProfileView extends AccountView, ProfileFields {
  /** ISO-8601 UTC. */
  updatedAt: string;
}

/** `users.user.get.v1`: another person, by id. */
export interface GetUserPayload {
  /** At most `MAX_USER_ID_LENGTH`; an id of any other form is simply not found. */
  id: string;
}

/** Ids are opaque but short; a longer one names nobody (the gateway answers 404 itself). */
export const MAX_USER_ID_LENGTH = 64;

/**
 * Another person as the caller may see them (CASL field rules): `id` always, the rest only
 * when readable: a citizen sees `{ id, displayName }`, organizers see more of `contactable`
 * volunteers, the person themself and admins see everything.
 */
export type UserView = Pick<ProfileView, 'id'> & Partial<Omit<ProfileView, 'id'>>;

/** The profile as other services see it: no email, no roles, no secrets. */
export interface UserProfileSnapshot extends ProfileFields {
  userId: string;
  /** ISO-8601 UTC. */
  updatedAt: string;
}

/** `evt.users.user.updated.v1`: the whole profile after the change, so consumers just replace. */
export type UserUpdatedEvent = UserProfileSnapshot;

/**
 * `evt.users.user.registered.v1` as the users service emits it: the registration plus the
 * profile's defaults, so read models start complete.
 */
export type UserRegisteredWithProfileEvent = UserRegisteredEvent & UserProfileSnapshot;

export const SKILL_GROUPS = [
  'medical',
  'psychological_support',
  'construction_repair',
  'logistics_driving',
  'it',
  'education',
  'translation',
  'cooking',
  'animal_care',
  'legal',
  'admin',
] as const;
export type SkillGroup = (typeof SKILL_GROUPS)[number];

/** One skill of the taxonomy (`GET /skills`, `users.skill.list.v1`). */
export interface SkillView {
  code: string;
  name: { uk: string; en: string };
  group: SkillGroup;
  groupName: { uk: string; en: string };
}

/** The latest birth year a volunteer may have this year. */
export function latestBirthYear(now: Date = new Date()): number {
  return now.getUTCFullYear() - PROFILE_LIMITS.minimumAge;
}

/**
 * What is wrong with a list of windows as a whole: a window that does not end after it starts,
 * or two windows of one day that overlap (touching is fine: 10:00-12:00 and 12:00-14:00).
 * Entries of the wrong shape are left to the per-field checks.
 */
export function availabilityProblems(windows: readonly unknown[]): FieldError[] {
  const valid = windows
    .map((w, index) => ({ w, index }))
    .filter((e): e is { w: AvailabilityWindow; index: number } => isWindowShaped(e.w));
  const problems: FieldError[] = valid
    .filter(({ w }) => w.from >= w.to)
    .map(({ index }) => ({
      field: `availability.${index}.to`,
      message: 'to must be later than from',
    }));
  for (const day of WEEKDAYS) {
    const ofDay = valid.filter(({ w }) => w.day === day && w.from < w.to);
    ofDay.sort((a, b) => (a.w.from < b.w.from ? -1 : a.w.from > b.w.from ? 1 : 0));
    // Against the earlier window reaching furthest, so a long one overlapping several is seen.
    let reach = ofDay[0];
    for (const window of ofDay.slice(1)) {
      if (window.w.from < reach.w.to) {
        problems.push({
          field: `availability.${window.index}`,
          message: `overlaps availability.${reach.index} on ${day} (${reach.w.from}-${reach.w.to})`,
        });
      }
      if (window.w.to > reach.w.to) reach = window;
    }
  }
  return problems;
}

function isWindowShaped(w: unknown): w is AvailabilityWindow {
  if (typeof w !== 'object' || w === null) return false;
  const { day, from, to } = w as Record<string, unknown>;
  return (
    WEEKDAYS.includes(day as Weekday) &&
    typeof from === 'string' &&
    TIME_OF_DAY_PATTERN.test(from) &&
    typeof to === 'string' &&
    END_OF_WINDOW_PATTERN.test(to)
  );
}

/** ISO 639-1 (two-letter language codes), lower case. */
export const ISO_639_1_CODES: readonly string[] = (
  'aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy ' +
  'da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht ' +
  'hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky ' +
  'la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny ' +
  'oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss ' +
  'st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo ' +
  'za zh zu'
).split(' ');
