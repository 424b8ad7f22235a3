/**
 * The application lifecycle (api.md, Participation): which step starts from which statuses,
 * where it ends, who may take it and the event it emits. Pure data, checked once here.
 */
import {
  EventSubjects,
  SHIFT_COMMITTED_STATUSES,
  SLOT_HOLDING_STATUSES,
  type ApplicationStatus,
} from '@spilno/contracts';

export type ApplicationStep = 'accept' | 'reject' | 'withdraw' | 'checkIn' | 'complete' | 'noShow';

export interface StepRule {
  from: readonly ApplicationStatus[];
  to: ApplicationStatus;
  /** The CASL action on the Application: coordinators `review`, the volunteer `withdraw`s. */
  action: 'review' | 'withdraw';
  event: string;
  /** The timestamp the step sets. */
  stamp: 'decidedAt' | 'withdrawnAt' | 'checkedInAt' | 'completedAt';
}

export const APPLICATION_STEPS: Record<ApplicationStep, StepRule> = {
  accept: {
    from: ['pending', 'waitlisted'],
    to: 'accepted',
    action: 'review',
    event: EventSubjects.initiatives.applicationAccepted,
    stamp: 'decidedAt',
  },
  reject: {
    from: ['pending', 'waitlisted', 'accepted'],
    to: 'rejected',
    action: 'review',
    event: EventSubjects.initiatives.applicationRejected,
    stamp: 'decidedAt',
  },
  withdraw: {
    from: ['pending', 'waitlisted', 'accepted', 'checked_in'],
    to: 'withdrawn',
    action: 'withdraw',
    event: EventSubjects.initiatives.applicationWithdrawn,
    stamp: 'withdrawnAt',
  },
  checkIn: {
    from: ['accepted'],
    to: 'checked_in',
    action: 'review',
    event: EventSubjects.initiatives.applicationCheckedIn,
    stamp: 'checkedInAt',
  },
  complete: {
    from: ['checked_in'],
    to: 'completed',
    action: 'review',
    event: EventSubjects.initiatives.applicationCompleted,
    stamp: 'completedAt',
  },
  noShow: {
    from: ['accepted', 'checked_in'],
    to: 'no_show',
    action: 'review',
    event: EventSubjects.initiatives.applicationNoShow,
    stamp: 'decidedAt',
  },
};

/** The event of a new application, by the status it starts in. */
export function submittedEvent(status: ApplicationStatus): string {
  if (status === 'accepted') return EventSubjects.initiatives.applicationAccepted;
  if (status === 'waitlisted') return EventSubjects.initiatives.applicationWaitlisted;
  return EventSubjects.initiatives.applicationSubmitted;
}

/** Holds a slot of its task and counts among the initiative's volunteers. */
export function holdsSlot(status: ApplicationStatus): boolean {
  return SLOT_HOLDING_STATUSES.includes(status);
}

/** The volunteer is committed to the shift: no other accepted shift may overlap it. */
export function commitsShift(status: ApplicationStatus): boolean {
  return SHIFT_COMMITTED_STATUSES.includes(status);
}

/**
 * What a step does to the task's capacity: `take` a slot (accepting), `release` it (rejecting or
 * withdrawing an accepted one; a waitlisted volunteer may then be promoted), or nothing (a no-show
 * keeps the slot: the shift's capacity was committed to them).
 */
export function slotEffect(
  from: ApplicationStatus,
  to: ApplicationStatus,
): 'take' | 'release' | null {
  if (!holdsSlot(from) && holdsSlot(to)) return 'take';
  if (holdsSlot(from) && (to === 'rejected' || to === 'withdrawn')) return 'release';
  return null;
}

/** Whether the person leaves the initiative's distinct volunteers with this application. */
export function leavesVolunteers(from: ApplicationStatus, to: ApplicationStatus): boolean {
  return holdsSlot(from) && !holdsSlot(to);
}
