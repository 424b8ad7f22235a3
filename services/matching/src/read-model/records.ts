/**
 * The read model's records: what the matching service keeps of other services' facts, in the
 * same shape in MongoDB (one document each) and in memory (the index). Built by
 * `read-model.reducer.ts` from events only.
 */
import type {
  ApplicationStatus,
  AvailabilityWindow,
  GeoPoint,
  InitiativeStatus,
  Locale,
  RegionCode,
  TaskStatus,
  TaskUrgency,
  UserSkill,
} from '@spilno/contracts';

/** A person (`_id` = user id), from `user.registered` / `user.updated`; erased with them. */
export interface VolunteerRecord {
  _id: string;
  displayName: string;
  locale: Locale;
  skills: UserSkill[];
  availability: AvailabilityWindow[];
  region: RegionCode | null;
  location: GeoPoint | null;
  contactable: boolean;
  maxHoursPerWeek: number | null;
  /** The profile's `updatedAt` in the users service: an older snapshot never replaces it. */
  profileUpdatedAt: Date;
}

/** An initiative from its events (drafts emit none: their tasks carry `initiativeStatus`). */
export interface InitiativeRecord {
  _id: string;
  organizationId: string;
  title: string;
  status: InitiativeStatus;
  region: RegionCode;
  location: GeoPoint | null;
  changedAt: Date;
}

/** A task from its events; `slots`/`filled` also from its applications' events. */
export interface TaskRecord {
  _id: string;
  initiativeId: string;
  organizationId: string;
  title: string;
  requiredSkills: string[];
  slots: number;
  filled: number;
  startsAt: Date;
  endsAt: Date;
  location: GeoPoint | null;
  region: RegionCode;
  urgency: TaskUrgency;
  status: TaskStatus;
  /** As the task's last event saw it; the initiative's own events are newer when known. */
  initiativeStatus: InitiativeStatus;
  changedAt: Date;
}

/** A person's application (no message, no contact): load, overlaps, "already applied". */
export interface ApplicationRecord {
  _id: string;
  userId: string;
  taskId: string;
  initiativeId: string;
  status: ApplicationStatus;
  changedAt: Date;
}
