/**
 * Initiatives and tasks (initiatives service): the vocabulary, the limits both the gateway and
 * the service validate with (each with its own class-validator classes), payloads, answers and
 * events. Plain types and pure functions: no Nest, no mongoose, no class-validator.
 */
import type { FieldError } from './errors';
import type { AvailabilityWindow, GeoPoint, UserSkill } from './profile';
import type { RegionCode } from './regions';

/** Linders' typology: the data model, not a tag. */
export const INITIATIVE_MODES = ['co-design', 'co-delivery', 'co-monitoring'] as const;
export type InitiativeMode = (typeof INITIATIVE_MODES)[number];

/** Modes whose work is done in tasks with shifts and slots (co-monitoring: report hand-offs). */
export const MODES_WITH_TASKS: readonly InitiativeMode[] = ['co-delivery', 'co-monitoring'];

export const INITIATIVE_CATEGORIES = [
  'reconstruction',
  'shelter',
  'humanitarian_aid',
  'elderly_care',
  'blood_donation',
  'animal_care',
  'mental_health',
  'education',
  'environment',
  'infrastructure',
  'healthcare',
  'digital',
  'other',
] as const;
export type InitiativeCategory = (typeof INITIATIVE_CATEGORIES)[number];

/** `draft -> published -> completed | cancelled`, and `draft -> cancelled`. */
export const INITIATIVE_STATUSES = ['draft', 'published', 'completed', 'cancelled'] as const;
export type InitiativeStatus = (typeof INITIATIVE_STATUSES)[number];

/** Statuses in which an initiative still changes: edits, new tasks. */
export const ACTIVE_INITIATIVE_STATUSES: readonly InitiativeStatus[] = ['draft', 'published'];

export const TASK_URGENCIES = ['low', 'normal', 'high', 'critical'] as const;
export type TaskUrgency = (typeof TASK_URGENCIES)[number];

export const TASK_STATUSES = ['open', 'closed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

const DAY_MS = 86_400_000;

export const INITIATIVE_LIMITS = {
  titleMinLength: 3,
  titleMaxLength: 160,
  descriptionMaxLength: 10_000,
  districtMaxLength: 80,
  maxTags: 10,
  tagMaxLength: 40,
  /** Dates may lie at most this far in the past when set (a typo guard, not history). */
  maxPastMs: DAY_MS,
  /** ... and at most this far in the future. */
  maxFutureMs: 5 * 366 * DAY_MS,
  /** Tasks per initiative, closed ones included. */
  maxTasks: 500,
  /** Distinct skills its open tasks require together (keeps search answers small). */
  maxSkills: 50,
} as const;

export const TASK_LIMITS = {
  titleMinLength: 3,
  titleMaxLength: 160,
  descriptionMaxLength: 5000,
  maxRequiredSkills: 10,
  /** Skill codes are lower snake case (`SKILL_CODE_PATTERN`); the taxonomy lives in users. */
  skillCodeMaxLength: 40,
  minSlots: 1,
  maxSlots: 10_000,
  maxPastMs: DAY_MS,
  maxFutureMs: 2 * 366 * DAY_MS,
  /** A shift lasts at most this long. */
  maxShiftMs: 30 * DAY_MS,
} as const;

export const SEARCH_LIMITS = {
  qMaxLength: 200,
  radiusKmMin: 0.1,
  radiusKmDefault: 25,
  radiusKmMax: 500,
  /** `skills=a,b,c`: at most this many codes. */
  maxSkills: 10,
} as const;

/** List items carry the first characters of the description, not all of it. */
export const EXCERPT_LENGTH = 280;

/** A full date-time with a zone (`Z` or `+02:00`); dates without a time are ambiguous. */
export const ISO_DATE_TIME_PATTERN =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Ids are 24 hex digits; anything else names nothing (404). */
export const OBJECT_ID_PATTERN = /^[0-9a-f]{24}$/i;

/** Free text: no control characters but line breaks and tabs. */
export const MULTILINE_TEXT_PATTERN = /^(?:[^\p{Cc}]|[\t\n\r])*$/u;
/** One-line text: no control characters at all. */
export const SINGLE_LINE_TEXT_PATTERN = /^[^\p{Cc}]*$/u;

// ---------------------------------------------------------------------------------------------
// Time rules (the gateway checks what a body alone shows; the service checks them all again)

export interface TimeWindow {
  startsAt: Date | null;
  endsAt: Date | null;
}

export interface TimeRules {
  maxPastMs: number;
  maxFutureMs: number;
  /** For tasks: the longest shift. */
  maxLengthMs?: number;
  /** Both ends required (tasks). */
  required: boolean;
}

export const INITIATIVE_TIME_RULES: TimeRules = {
  maxPastMs: INITIATIVE_LIMITS.maxPastMs,
  maxFutureMs: INITIATIVE_LIMITS.maxFutureMs,
  required: false,
};

export const TASK_TIME_RULES: TimeRules = {
  maxPastMs: TASK_LIMITS.maxPastMs,
  maxFutureMs: TASK_LIMITS.maxFutureMs,
  maxLengthMs: TASK_LIMITS.maxShiftMs,
  required: true,
};

/** Parses an ISO date-time with a zone; null for anything else (also impossible dates). */
export function parseDateTime(value: string): Date | null {
  if (!ISO_DATE_TIME_PATTERN.test(value)) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  // `new Date` rolls 2025-02-30 over to March; a round trip of the date part catches it.
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(value);
  const shift = offset
    ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000
    : 0;
  const local = new Date(date.getTime() + shift);
  return local.getUTCFullYear() === year &&
    local.getUTCMonth() + 1 === month &&
    local.getUTCDate() === day
    ? date
    : null;
}

/**
 * What is wrong with a window: the order of its ends, its length, and (for the ends named in
 * `changed`: the values a request sets) how far in the past or future they lie.
 */
export function timeWindowProblems(
  window: TimeWindow,
  rules: TimeRules,
  now: Date,
  changed: readonly ('startsAt' | 'endsAt')[] = ['startsAt', 'endsAt'],
): FieldError[] {
  const problems: FieldError[] = [];
  for (const field of ['startsAt', 'endsAt'] as const) {
    const value = window[field];
    if (value === null) {
      if (rules.required) problems.push({ field, message: `${field} is required` });
      continue;
    }
    if (!changed.includes(field)) continue;
    if (value.getTime() < now.getTime() - rules.maxPastMs) {
      problems.push({ field, message: `${field} must not lie more than 1 day in the past` });
    } else if (value.getTime() > now.getTime() + rules.maxFutureMs) {
      problems.push({ field, message: `${field} lies too far in the future` });
    }
  }
  const { startsAt, endsAt } = window;
  if (startsAt && endsAt) {
    if (endsAt.getTime() <= startsAt.getTime()) {
      problems.push({ field: 'endsAt', message: 'endsAt must be later than startsAt' });
    } else if (
      rules.maxLengthMs !== undefined &&
      endsAt.getTime() - startsAt.getTime() > rules.maxLengthMs
    ) {
      problems.push({
        field: 'endsAt',
        message: `a shift lasts at most ${Math.round(rules.maxLengthMs / DAY_MS)} days`,
      });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Answers

/**
 * Counters kept on the initiative, each changed with `$inc` in the transaction of the change
 * that moves it:
 * - `tasks`: tasks ever created (closed ones too); `openSlots`: the sum of `slots - filled` over
 *   open tasks (task create/update/close; an accepted application takes one: -1, a freed slot
 *   gives one back: +1);
 * - `volunteers`: people with an accepted application (+1 on the first accepted application of
 *   a person to the initiative); `hours`: verified hours of completed applications;
 * - `proposals`, `reports`: co-design proposals and co-monitoring reports;
 * - `raised`: confirmed donations, integer minor units of UAH.
 */
export interface InitiativeStats {
  tasks: number;
  openSlots: number;
  volunteers: number;
  hours: number;
  proposals: number;
  reports: number;
  raised: number;
}

export const EMPTY_INITIATIVE_STATS: InitiativeStats = {
  tasks: 0,
  openSlots: 0,
  volunteers: 0,
  hours: 0,
  proposals: 0,
  reports: 0,
  raised: 0,
};

interface InitiativeFieldsView {
  id: string;
  organizationId: string;
  title: string;
  mode: InitiativeMode;
  category: InitiativeCategory;
  region: RegionCode;
  district: string | null;
  location: GeoPoint | null;
  /** ISO-8601 UTC, or null. */
  startsAt: string | null;
  endsAt: string | null;
  tags: string[];
  status: InitiativeStatus;
  /** Skills the initiative's open tasks require (what `skills=` searches). */
  skills: string[];
  stats: InitiativeStats;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
}

/** `GET /initiatives/:id` and every write's answer. */
export interface InitiativeView extends InitiativeFieldsView {
  description: string;
}

/** An item of a search page: the description's first `EXCERPT_LENGTH` characters only. */
export interface InitiativeListItem extends InitiativeFieldsView {
  excerpt: string;
  /** Only in `near=` searches: from the search point, in kilometres. */
  distanceKm?: number;
}

export interface InitiativePage {
  items: InitiativeListItem[];
  nextCursor: string | null;
}

interface TaskFieldsView {
  id: string;
  initiativeId: string;
  organizationId: string;
  title: string;
  requiredSkills: string[];
  slots: number;
  /** Slots taken by accepted applications, 0..slots. */
  filled: number;
  startsAt: string;
  endsAt: string;
  location: GeoPoint | null;
  /** The initiative's region. */
  region: RegionCode;
  urgency: TaskUrgency;
  autoAccept: boolean;
  status: TaskStatus;
  /** The co-monitoring report this task was made from, if any. */
  sourceReportId: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface TaskView extends TaskFieldsView {
  description: string | null;
}

export interface TaskListItem extends TaskFieldsView {
  excerpt: string | null;
}

export interface TaskPage {
  items: TaskListItem[];
  nextCursor: string | null;
}

// ---------------------------------------------------------------------------------------------
// Payloads (`{ meta, data }`; the caller is in `meta`)

export interface InitiativeFields {
  title: string;
  description: string;
  category: InitiativeCategory;
  region: RegionCode;
  district?: string | null;
  location?: GeoPoint | null;
  /** ISO-8601 date-times with a zone. */
  startsAt?: string | null;
  endsAt?: string | null;
  tags?: string[];
}

/** `initiatives.initiative.create.v1` */
export interface CreateInitiativePayload extends InitiativeFields {
  organizationId: string;
  mode: InitiativeMode;
}

/** `initiatives.initiative.update.v1`: `null` clears district, location, startsAt, endsAt. */
export interface UpdateInitiativePayload {
  initiativeId: string;
  changes: Partial<InitiativeFields>;
}

/** `initiatives.initiative.get.v1`, `.publish.v1`, `.complete.v1`, `.cancel.v1` */
export interface InitiativeIdPayload {
  initiativeId: string;
}

/** `initiatives.initiative.search.v1` */
export interface SearchInitiativesPayload {
  mode?: InitiativeMode;
  category?: InitiativeCategory;
  region?: RegionCode;
  status?: InitiativeStatus;
  organizationId?: string;
  /** Initiatives with an open task requiring any of these. */
  skills?: string[];
  q?: string;
  near?: GeoPoint;
  /** Only with `near`; default 25, at most 500. */
  radiusKm?: number;
  limit?: number;
  cursor?: string;
}

export interface TaskFields {
  title: string;
  description?: string | null;
  requiredSkills?: string[];
  slots: number;
  startsAt: string;
  endsAt: string;
  location?: GeoPoint | null;
  /** Default `normal`. */
  urgency?: TaskUrgency;
  /** Default false. */
  autoAccept?: boolean;
}

/** `initiatives.task.create.v1` */
export interface CreateTaskPayload extends TaskFields {
  initiativeId: string;
}

/** `initiatives.task.update.v1`: `null` clears description and location. */
export interface UpdateTaskPayload {
  taskId: string;
  changes: Partial<TaskFields>;
}

/** `initiatives.task.get.v1`, `initiatives.task.close.v1` */
export interface TaskIdPayload {
  taskId: string;
}

/** `initiatives.task.list.v1`: ordered by shift start, then id. */
export interface ListTasksPayload {
  initiativeId: string;
  status?: TaskStatus;
  limit?: number;
  cursor?: string;
}

// ---------------------------------------------------------------------------------------------
// Events (no personal data: initiatives and tasks belong to organizations, not people)

/**
 * `evt.initiatives.initiative.published.v1`, `.completed.v1`, `.cancelled.v1`, `.updated.v1`:
 * the initiative as it is after the change (no description: consumers show titles).
 */
export interface InitiativeEvent {
  initiativeId: string;
  organizationId: string;
  title: string;
  mode: InitiativeMode;
  category: InitiativeCategory;
  region: RegionCode;
  district: string | null;
  location: GeoPoint | null;
  startsAt: string | null;
  endsAt: string | null;
  tags: string[];
  skills: string[];
  status: InitiativeStatus;
  publishedAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  /** When the change happened (ISO-8601 UTC). */
  changedAt: string;
}

/**
 * `evt.initiatives.task.created.v1`, `.updated.v1`, `.closed.v1`: the task after the change.
 * `initiativeStatus` tells whether the task is public (its initiative published); an
 * initiative's publication, completion or cancellation is its own event, and completing or
 * cancelling one closes its open tasks (a `task.closed` each).
 */
export interface TaskEvent {
  taskId: string;
  initiativeId: string;
  organizationId: string;
  title: string;
  requiredSkills: string[];
  slots: number;
  filled: number;
  startsAt: string;
  endsAt: string;
  location: GeoPoint | null;
  region: RegionCode;
  urgency: TaskUrgency;
  autoAccept: boolean;
  status: TaskStatus;
  initiativeStatus: InitiativeStatus;
  sourceReportId: string | null;
  changedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Participation (co-delivery): applications to tasks, hours

/**
 * `pending -> accepted | rejected | waitlisted`, `waitlisted -> accepted` (a coordinator, or a
 * promotion when a slot frees), `accepted -> checked_in -> completed | no_show` (also
 * `accepted -> no_show`), `accepted -> rejected`, and `withdrawn` by the volunteer from any
 * status before completion.
 */
export const APPLICATION_STATUSES = [
  'pending',
  'accepted',
  'rejected',
  'waitlisted',
  'checked_in',
  'completed',
  'no_show',
  'withdrawn',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** Statuses that hold a slot of the task and count the person among the initiative's volunteers. */
export const SLOT_HOLDING_STATUSES: readonly ApplicationStatus[] = [
  'accepted',
  'checked_in',
  'completed',
];

/** Statuses whose shift the volunteer is committed to: another shift may not overlap them. */
export const SHIFT_COMMITTED_STATUSES: readonly ApplicationStatus[] = ['accepted', 'checked_in'];

export const APPLICATION_LIMITS = {
  messageMaxLength: 1000,
  /** What the volunteer chooses to share with the organizer (a phone, a messenger handle). */
  contactMaxLength: 200,
  maxHours: 24,
  /** Hours in quarter hours: sums of multiples of 0.25 stay exact in binary floating point. */
  hoursStep: 0.25,
  /** Waitlisted applications looked at for a promotion when a slot frees. */
  promotionCandidates: 20,
} as const;

/** `Idempotency-Key`: 1..200 visible ASCII characters (a UUID fits). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Whether `hours` is 0..24 in quarter hours. */
export function isValidHours(hours: unknown): hours is number {
  return (
    typeof hours === 'number' &&
    Number.isFinite(hours) &&
    hours >= 0 &&
    hours <= APPLICATION_LIMITS.maxHours &&
    Number.isInteger(hours / APPLICATION_LIMITS.hoursStep)
  );
}

/** `initiatives.application.create.v1` (the volunteer is the caller in `meta`). */
export interface ApplyPayload {
  taskId: string;
  message?: string | null;
  contact?: string | null;
  /** The `Idempotency-Key` header: a repeat with the same body answers the first answer. */
  idempotencyKey?: string;
}

/** `initiatives.application.get.v1`, `.accept.v1`, `.reject.v1`, `.withdraw.v1`, `.check-in.v1`, `.no-show.v1` */
export interface ApplicationIdPayload {
  applicationId: string;
}

/** `initiatives.application.complete.v1` */
export interface CompleteApplicationPayload extends ApplicationIdPayload {
  hours: number;
}

/** `initiatives.application.list.v1`: a task's applications, oldest first (the queue order). */
export interface ListTaskApplicationsPayload {
  taskId: string;
  status?: ApplicationStatus;
  limit?: number;
  cursor?: string;
}

/** `initiatives.application.list-mine.v1`: the caller's applications, newest first. */
export interface ListMyApplicationsPayload {
  status?: ApplicationStatus;
  limit?: number;
  cursor?: string;
}

export interface ApplicationView {
  id: string;
  taskId: string;
  initiativeId: string;
  organizationId: string;
  /** Null once the volunteer's account was erased. */
  userId: string | null;
  status: ApplicationStatus;
  message: string | null;
  contact: string | null;
  /** Verified hours, set on completion. */
  hours: number | null;
  createdAt: string;
  updatedAt: string;
  decidedAt: string | null;
  checkedInAt: string | null;
  completedAt: string | null;
  withdrawnAt: string | null;
}

/**
 * The volunteer as the task's organizers see them: applying shares the organizer-readable
 * profile (api.md: organizers see more of volunteers who applied to their tasks); never email,
 * birth year or location. Null fields when the profile is not (yet) known here.
 */
export interface ApplicantView {
  id: string;
  displayName: string | null;
  skills: UserSkill[];
  languages: string[];
  region: RegionCode | null;
  district: string | null;
  availability: AvailabilityWindow[];
  contactable: boolean;
}

export interface TaskApplicationItem extends ApplicationView {
  /** Null once the volunteer's account was erased. */
  volunteer: ApplicantView | null;
}

export interface TaskApplicationPage {
  items: TaskApplicationItem[];
  nextCursor: string | null;
}

export interface MyApplicationItem extends ApplicationView {
  task: { id: string; title: string; startsAt: string; endsAt: string; status: TaskStatus };
  initiative: { id: string; title: string };
}

export interface MyApplicationPage {
  items: MyApplicationItem[];
  nextCursor: string | null;
  /** The caller's record: verified hours and completed shifts over all applications. */
  verifiedHours: number;
  completedShifts: number;
}

/**
 * `evt.initiatives.application.<transition>.v1`: one subject per transition (submitted,
 * accepted, rejected, waitlisted, withdrawn, promoted, checked-in, completed, no-show), each with
 * the status after it, so a consumer of `evt.initiatives.application.>` may read `status` alone.
 * Applying emits `submitted` (pending), `accepted` (autoAccept, a free slot) or `waitlisted`; a
 * promotion from the waitlist emits `promoted` (status `accepted`). No names, no messages.
 */
export interface ApplicationEvent {
  applicationId: string;
  taskId: string;
  initiativeId: string;
  organizationId: string;
  userId: string;
  status: ApplicationStatus;
  previousStatus: ApplicationStatus | null;
  /** Verified hours, on `completed`. */
  hours: number | null;
  /** The task's capacity after the change. */
  slots: number;
  filled: number;
  changedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Co-design: proposals and votes

export const PROPOSAL_STATUSES = [
  'new',
  'under_review',
  'accepted',
  'rejected',
  'implemented',
] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** What a coordinator may set (`PATCH /proposals/:id`). */
export const PROPOSAL_REVIEW_STATUSES = [
  'under_review',
  'accepted',
  'rejected',
  'implemented',
] as const;
export type ProposalReviewStatus = (typeof PROPOSAL_REVIEW_STATUSES)[number];

/** Proposals people may still vote on (and withdraw a vote from). */
export const VOTABLE_PROPOSAL_STATUSES: readonly ProposalStatus[] = ['new', 'under_review'];

export const PROPOSAL_SORTS = ['votes', 'new'] as const;
export type ProposalSort = (typeof PROPOSAL_SORTS)[number];

export const PROPOSAL_LIMITS = {
  titleMinLength: 3,
  titleMaxLength: 160,
  bodyMinLength: 1,
  bodyMaxLength: 5000,
  responseMaxLength: 2000,
} as const;

/** `initiatives.proposal.create.v1` */
export interface CreateProposalPayload {
  initiativeId: string;
  title: string;
  body: string;
}

/** `initiatives.proposal.list.v1`: default sort `new`. */
export interface ListProposalsPayload {
  initiativeId: string;
  sort?: ProposalSort;
  limit?: number;
  cursor?: string;
}

/** `initiatives.proposal.get.v1`, `initiatives.vote.cast.v1`, `initiatives.vote.withdraw.v1` */
export interface ProposalIdPayload {
  proposalId: string;
}

/** `initiatives.proposal.review.v1` */
export interface ReviewProposalPayload extends ProposalIdPayload {
  status: ProposalReviewStatus;
  response?: string | null;
}

/** A person as anyone may see them: id and display name (null when not known here). */
export interface PersonRef {
  id: string;
  displayName: string | null;
}

export interface ProposalView {
  id: string;
  initiativeId: string;
  organizationId: string;
  title: string;
  body: string;
  status: ProposalStatus;
  response: string | null;
  respondedAt: string | null;
  votes: number;
  /** Null once the author's account was erased. */
  author: PersonRef | null;
  /** Whether the caller voted for it (false for anonymous callers). */
  voted: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ProposalPage {
  items: ProposalView[];
  nextCursor: string | null;
}

/** `POST /proposals/:id/votes` */
export interface VoteView {
  proposalId: string;
  votes: number;
  voted: boolean;
}

/** `evt.initiatives.proposal.created.v1` */
export interface ProposalCreatedEvent {
  proposalId: string;
  initiativeId: string;
  organizationId: string;
  userId: string;
  createdAt: string;
}

// ---------------------------------------------------------------------------------------------
// Co-monitoring: reports

export const REPORT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type ReportSeverity = (typeof REPORT_SEVERITIES)[number];

export const REPORT_STATUSES = ['new', 'verified', 'rejected', 'resolved'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const REPORT_REVIEW_STATUSES = ['verified', 'rejected', 'resolved'] as const;
export type ReportReviewStatus = (typeof REPORT_REVIEW_STATUSES)[number];

export const REPORT_LIMITS = {
  titleMinLength: 3,
  titleMaxLength: 160,
  descriptionMinLength: 1,
  descriptionMaxLength: 5000,
  responseMaxLength: 2000,
  maxEvidenceUrls: 5,
  evidenceUrlMaxLength: 2048,
  /** `observedAt` at most this long ago. */
  maxObservedAgeMs: 365 * DAY_MS,
  /** ... and at most this far ahead (clock skew of the reporter's device). */
  observedClockSkewMs: 5 * 60_000,
  /** The public sees places rounded to 2 decimals (about 1 km). */
  publicLocationDecimals: 2,
} as const;

/** What is wrong with an `observedAt` (in the future, or over a year ago); null when fine. */
export function observedAtProblem(observedAt: Date, now: Date): string | null {
  if (observedAt.getTime() > now.getTime() + REPORT_LIMITS.observedClockSkewMs) {
    return 'observedAt must not lie in the future';
  }
  if (observedAt.getTime() < now.getTime() - REPORT_LIMITS.maxObservedAgeMs) {
    return 'observedAt must lie within the last year';
  }
  return null;
}

/** A place as the public sees it: rounded to about 1 km. */
export function approximateLocation(point: GeoPoint): GeoPoint {
  const factor = 10 ** REPORT_LIMITS.publicLocationDecimals;
  return {
    lat: Math.round(point.lat * factor) / factor,
    lng: Math.round(point.lng * factor) / factor,
  };
}

/** `initiatives.report.create.v1` */
export interface CreateReportPayload {
  initiativeId: string;
  title: string;
  description: string;
  severity: ReportSeverity;
  location: GeoPoint;
  /** ISO-8601 with a zone; not in the future, not over a year ago. */
  observedAt: string;
  /** https only. */
  evidenceUrls?: string[];
}

/** `initiatives.report.list.v1`: newest first. */
export interface ListReportsPayload {
  initiativeId: string;
  status?: ReportStatus;
  severity?: ReportSeverity;
  limit?: number;
  cursor?: string;
}

/** `initiatives.report.get.v1` */
export interface ReportIdPayload {
  reportId: string;
}

/** `initiatives.report.review.v1` */
export interface ReviewReportPayload extends ReportIdPayload {
  status: ReportReviewStatus;
  response?: string | null;
}

/** `initiatives.report.hand-off.v1`: a co-delivery task made from a verified report. */
export interface ReportTaskPayload extends CreateTaskPayload {
  reportId: string;
}

/**
 * A report as the caller may see it. Never who reported it (reporters may be reporting on the
 * organization itself); `mine` tells the reporter their own. The public sees verified and
 * resolved ones only, `location` rounded to about 1 km (`locationPrecision: approximate`).
 */
export interface ReportView {
  id: string;
  initiativeId: string;
  organizationId: string;
  title: string;
  description: string;
  severity: ReportSeverity;
  location: GeoPoint;
  locationPrecision: 'exact' | 'approximate';
  observedAt: string;
  evidenceUrls: string[];
  status: ReportStatus;
  response: string | null;
  reviewedAt: string | null;
  /** The co-delivery task made from it. */
  taskId: string | null;
  mine: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ReportPage {
  items: ReportView[];
  nextCursor: string | null;
}

/** `evt.initiatives.report.verified.v1`: no reporter, no text; the place rounded to ~1 km. */
export interface ReportVerifiedEvent {
  reportId: string;
  initiativeId: string;
  organizationId: string;
  severity: ReportSeverity;
  location: GeoPoint;
  observedAt: string;
  verifiedAt: string;
}
