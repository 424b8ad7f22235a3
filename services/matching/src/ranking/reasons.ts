/**
 * The reasons of a match, as a person reads them, in the reader's locale and order: the
 * required skills the volunteer has (with levels), when they are free during the shift, how
 * far, how urgent, how soon. A factor that says nothing (no skill required, no window given,
 * an unknown place, a normal urgency, a shift days away) gives no reason.
 */
import type { Locale } from '@spilno/contracts';
import type { TaskEntry, VolunteerEntry } from '../index/matching-index';
import { clockOf, longestOverlap, weekdayOf } from '../index/week-time';
import {
  distanceAway,
  freeAt,
  roughDistance,
  skillLevel,
  startsIn,
  urgencyReason,
  type Perspective,
} from './phrases';

const HOUR_MS = 3_600_000;
/** A shift starting sooner than this says so. */
const SOON_HOURS = 48;

export interface ReasonContext {
  locale: Locale;
  perspective: Perspective;
  now: Date;
  skillName: (code: string, locale: Locale) => string;
}

export function reasonsFor(
  volunteer: VolunteerEntry,
  task: TaskEntry,
  km: number,
  context: ReasonContext,
): string[] {
  const { locale, perspective } = context;
  const reasons: string[] = [];
  for (const code of task.record.requiredSkills) {
    const level = volunteer.record.skills.find((s) => s.code === code)?.level;
    if (level) reasons.push(skillLevel(context.skillName(code, locale), level, locale));
  }
  const free = longestOverlap(task.intervals, volunteer.windows);
  if (free) {
    const [from, to] = free;
    reasons.push(freeAt(weekdayOf(from), clockOf(from), clockOf(to, true), locale, perspective));
  }
  if (!Number.isNaN(km)) {
    reasons.push(
      volunteer.exact && task.exact
        ? distanceAway(km, locale, perspective)
        : roughDistance(km, volunteer.regionIx === task.regionIx, locale, perspective),
    );
  }
  const urgent = urgencyReason(task.record.urgency, locale);
  if (urgent) reasons.push(urgent);
  const hours = (task.startMs - context.now.getTime()) / HOUR_MS;
  if (hours < SOON_HOURS) reasons.push(startsIn(Math.max(0, hours), locale));
  return reasons;
}
