/** Matches as answers: the task as a recommendation shows it, a candidate as organizers see them. */
import type { CandidateView, MatchedTaskView } from '@spilno/contracts';
import type { TaskEntry, VolunteerEntry } from '../index/matching-index';

export function toMatchedTaskView(task: TaskEntry): MatchedTaskView {
  const r = task.record;
  return {
    id: r._id,
    initiativeId: r.initiativeId,
    organizationId: r.organizationId,
    title: r.title,
    requiredSkills: [...r.requiredSkills],
    slots: r.slots,
    filled: r.filled,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    location: r.location ? { lat: r.location.lat, lng: r.location.lng } : null,
    region: task.region,
    urgency: r.urgency,
  };
}

/** Only what a contactable volunteer lets organizers see: id, display name, skills. */
export function toCandidateUser(volunteer: VolunteerEntry): CandidateView['user'] {
  const r = volunteer.record;
  return {
    id: r._id,
    displayName: r.displayName,
    skills: r.skills.map((s) => ({ code: s.code, level: s.level })),
  };
}
