/**
 * Matching (matching service): recommendations, candidates, assignment plans and the outreach
 * inbox. Plain types and constants: the gateway and the matching service each validate with
 * their own class-validator classes that implement these payloads.
 */
import type { GeoPoint, UserSkill } from './profile';
import type { RegionCode } from './regions';
import type { TaskUrgency } from './initiatives';

export const MATCHING_LIMITS = {
  /** `GET /me/recommendations` and `GET /tasks/:id/candidates`: `limit` default and max. */
  rankingLimitDefault: 20,
  rankingLimitMax: 100,
  /** `POST /initiatives/:id/assignment-plan`: at most this many `taskIds` (an initiative's tasks). */
  planMaxTaskIds: 500,
  /**
   * How far a volunteer is matched to a task: places further apart are not candidates, unless
   * both lie in one region (a region's centroid stands in for an unknown exact place).
   */
  reachKm: 100,
  /** Outreach: notifications one person gets per day (Europe/Kyiv calendar day), at most. */
  notificationsPerDay: 3,
  /** Outreach: people notified per open slot of a task, and per trigger at most. */
  notifiedPerOpenSlot: 3,
  notifiedPerTrigger: 30,
  /** Outreach: matches scoring below this are not worth a notification. */
  outreachMinScore: 0.35,
} as const;

export const NOTIFICATION_KINDS = ['urgent_task', 'slot_freed'] as const;
/** `urgent_task`: an urgent task was published; `slot_freed`: a place on one opened up again. */
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The task as a recommendation shows it (what `GET /tasks/:id` shows, without the text). */
export interface MatchedTaskView {
  id: string;
  initiativeId: string;
  organizationId: string;
  title: string;
  requiredSkills: string[];
  slots: number;
  filled: number;
  /** ISO-8601 UTC. */
  startsAt: string;
  endsAt: string;
  location: GeoPoint | null;
  region: RegionCode;
  urgency: TaskUrgency;
}

/** One item of `GET /me/recommendations`, best first. */
export interface RecommendationView {
  task: MatchedTaskView;
  initiative: { id: string; title: string };
  /** 0..1, 3 decimals: skill fit (levels count), availability, distance, urgency, how soon. */
  score: number;
  /** Why, in the caller's locale: "first aid, level 2", "you are free Sat 10:00-14:00", ... */
  reasons: string[];
}

/** A candidate as the task's organizers see them: what a contactable volunteer allows. */
export interface CandidateView {
  user: { id: string; displayName: string; skills: UserSkill[] };
  score: number;
  reasons: string[];
}

export interface PlannedAssignment {
  taskId: string;
  userId: string;
  score: number;
}

export const UNFILLED_REASONS = [
  'no_candidates',
  'too_few_candidates',
  'candidates_assigned_elsewhere',
] as const;
/**
 * Why slots stay open: nobody contactable and free within reach has the skills; fewer such
 * people than open slots; or enough, but the plan gives them to tasks they fit better.
 */
export type UnfilledReason = (typeof UNFILLED_REASONS)[number];

export interface UnfilledTask {
  taskId: string;
  /** Open slots the plan leaves open. */
  missing: number;
  reason: UnfilledReason;
  /** Contactable volunteers who could take the task (before the plan shares them out). */
  eligible: number;
  /** The reason in the caller's locale. */
  why: string;
}

/** `POST /initiatives/:id/assignment-plan`: a suggestion; nobody is assigned by it. */
export interface AssignmentPlanView {
  assignments: PlannedAssignment[];
  unfilled: UnfilledTask[];
  /** Sum of the assignments' scores. */
  totalScore: number;
}

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  taskId: string | null;
  initiativeId: string | null;
  title: string;
  body: string;
  /** ISO-8601 UTC. */
  createdAt: string;
  readAt: string | null;
}

export interface NotificationPage {
  items: NotificationView[];
  nextCursor: string | null;
}

// ---------------------------------------------------------------------------------------------
// Payloads (`{ meta, data }`; the caller is in `meta`)

/** `matching.recommendation.list.v1` */
export interface RecommendationsPayload {
  limit?: number;
}

/** `matching.candidate.list.v1` */
export interface CandidatesPayload {
  taskId: string;
  limit?: number;
}

/** `matching.assignment-plan.create.v1`: the initiative's open tasks, or only `taskIds`. */
export interface AssignmentPlanPayload {
  initiativeId: string;
  taskIds?: string[];
}

/** `matching.notification.list.v1`: the caller's notifications, newest first. */
export interface ListNotificationsPayload {
  unread?: boolean;
  limit?: number;
  cursor?: string;
}

/** `matching.notification.read.v1` */
export interface NotificationIdPayload {
  notificationId: string;
}
