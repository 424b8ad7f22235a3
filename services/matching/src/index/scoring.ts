/**
 * How well a volunteer fits a task, in 0..1: a weighted sum of
 * - skill fit (0.35): each required skill counts by the volunteer's level (1..3 of 3); a task
 *   requiring no skill is open to anyone (a flat 0.4);
 * - availability (0.20): how much of the shift (at most 8 hours of it) the person's weekly
 *   windows cover; no windows given: 0.5;
 * - distance (0.20): e^(-km/30) (3 km: 0.90, 30 km: 0.37); an unknown place: 0.3;
 * - urgency (0.15): low 0.1, normal 0.4, high 0.75, critical 1;
 * - how soon the shift starts (0.10): e^(-hours/72).
 * Hard rules come first (`MatchingIndex`): reach, no overlapping commitment, weekly hours.
 */
import type { TaskUrgency } from '@spilno/contracts';
import { overlapMinutes } from './week-time';

export const WEIGHTS = { skill: 0.35, availability: 0.2, distance: 0.2, urgency: 0.15, soon: 0.1 };

export const URGENCY_SCORE: Record<TaskUrgency, number> = {
  low: 0.1,
  normal: 0.4,
  high: 0.75,
  critical: 1,
};

export const NO_SKILL_REQUIRED = 0.4;
const UNKNOWN_AVAILABILITY = 0.5;
const UNKNOWN_DISTANCE = 0.3;
const DISTANCE_SCALE_KM = 30;
const SOON_SCALE_HOURS = 72;
/** Availability is measured against the shift, or 8 hours of a longer one. */
export const COUNTED_SHIFT_MINUTES = 480;
const HOUR_MS = 3_600_000;

/** What the score reads of a volunteer. */
export interface ScoredVolunteer {
  skillIds: Int32Array;
  levels: Int32Array;
  windows: Int32Array;
}

/** What the score reads of a task. */
export interface ScoredTask {
  skillIds: Int32Array;
  intervals: Int32Array;
  /** Minutes of `intervals` (the shift's first week). */
  weekLength: number;
  urgencyScore: number;
  startMs: number;
}

export function levelOf(volunteer: ScoredVolunteer, skillId: number): number {
  const ids = volunteer.skillIds;
  for (let i = 0; i < ids.length; i++) if (ids[i] === skillId) return volunteer.levels[i]!;
  return 0;
}

export function skillFit(volunteer: ScoredVolunteer, task: ScoredTask): number {
  const required = task.skillIds;
  if (required.length === 0) return NO_SKILL_REQUIRED;
  let levels = 0;
  for (let i = 0; i < required.length; i++) levels += levelOf(volunteer, required[i]!);
  return 0.4 + (0.6 * levels) / (3 * required.length);
}

export function availabilityFit(volunteer: ScoredVolunteer, task: ScoredTask): number {
  if (volunteer.windows.length === 0) return UNKNOWN_AVAILABILITY;
  const counted = Math.min(task.weekLength, COUNTED_SHIFT_MINUTES);
  if (counted === 0) return 0;
  return Math.min(1, overlapMinutes(task.intervals, volunteer.windows) / counted);
}

export function distanceFit(km: number): number {
  return Number.isNaN(km) ? UNKNOWN_DISTANCE : Math.exp(-km / DISTANCE_SCALE_KM);
}

export function soonFit(task: ScoredTask, nowMs: number): number {
  const hours = Math.max(0, (task.startMs - nowMs) / HOUR_MS);
  return Math.exp(-hours / SOON_SCALE_HOURS);
}

/** The score in 0..1; `km` is NaN when a place is unknown. */
export function scoreOf(
  volunteer: ScoredVolunteer,
  task: ScoredTask,
  km: number,
  nowMs: number,
): number {
  return (
    WEIGHTS.skill * skillFit(volunteer, task) +
    WEIGHTS.availability * availabilityFit(volunteer, task) +
    WEIGHTS.distance * distanceFit(km) +
    WEIGHTS.urgency * task.urgencyScore +
    WEIGHTS.soon * soonFit(task, nowMs)
  );
}

/** Scores as answers show them (3 decimals), and as plans add them up (integer thousandths). */
export function roundScore(score: number): number {
  return Math.round(score * 1000) / 1000;
}

export function scoreWeight(score: number): number {
  return Math.round(score * 1000);
}
