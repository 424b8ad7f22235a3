/** Applications as answers and as event payloads. */
import { subject } from '@casl/ability';
import type {
  ApplicantView,
  ApplicationEvent,
  ApplicationStatus,
  ApplicationView,
} from '@spilno/contracts';
import { isErasedUserId } from '../privacy/erased-user';
import type { Task } from '../tasks/schemas/task.schema';
import { Application } from './schemas/application.schema';
import type { Volunteer } from './volunteers/volunteer.schema';

/** The application as CASL conditions read it (ids as strings). */
export function applicationSubject(application: Pick<Application, 'organizationId' | 'userId'>) {
  return subject('Application', {
    organizationId: application.organizationId.toHexString(),
    userId: application.userId,
  });
}

export function toApplicationView(application: Application): ApplicationView {
  return {
    id: application._id.toHexString(),
    taskId: application.taskId.toHexString(),
    initiativeId: application.initiativeId.toHexString(),
    organizationId: application.organizationId.toHexString(),
    userId: isErasedUserId(application.userId) ? null : application.userId,
    status: application.status,
    message: application.message ?? null,
    contact: application.contact ?? null,
    hours: application.hours ?? null,
    createdAt: application.createdAt.toISOString(),
    updatedAt: application.updatedAt.toISOString(),
    decidedAt: iso(application.decidedAt),
    checkedInAt: iso(application.checkedInAt),
    completedAt: iso(application.completedAt),
    withdrawnAt: iso(application.withdrawnAt),
  };
}

/** What the task's organizers see of an applicant: the organizer-readable profile. */
export function toApplicantView(userId: string, volunteer: Volunteer | undefined): ApplicantView {
  return {
    id: userId,
    displayName: volunteer?.displayName ?? null,
    skills: volunteer?.skills.map((s) => ({ code: s.code, level: s.level })) ?? [],
    languages: volunteer?.languages ?? [],
    region: volunteer?.region ?? null,
    district: volunteer?.district ?? null,
    availability:
      volunteer?.availability.map((w) => ({ day: w.day, from: w.from, to: w.to })) ?? [],
    contactable: volunteer?.contactable ?? false,
  };
}

/** Ids, the status change, hours and the task's capacity: no names, no messages. */
export function toApplicationEvent(
  application: Application,
  previousStatus: ApplicationStatus | null,
  task: Pick<Task, 'slots' | 'filled'>,
): ApplicationEvent {
  return {
    applicationId: application._id.toHexString(),
    taskId: application.taskId.toHexString(),
    initiativeId: application.initiativeId.toHexString(),
    organizationId: application.organizationId.toHexString(),
    userId: application.userId,
    status: application.status,
    previousStatus,
    hours: application.hours ?? null,
    slots: task.slots,
    filled: task.filled,
    changedAt: application.updatedAt.toISOString(),
  };
}

function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
