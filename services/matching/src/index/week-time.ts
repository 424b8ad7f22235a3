/**
 * Time as volunteers think of it: availability windows are weekly, in local time
 * (Europe/Kyiv), e.g. "Sat 10:00-14:00". A shift (UTC instants) is turned once, when its task
 * is indexed, into minutes of the local week (Monday 00:00 = 0 .. 10080), so that comparing it
 * with a person's windows is integer arithmetic. Outreach counts notifications per Kyiv
 * calendar day; weekly hours count per Kyiv week (Monday to Sunday).
 */
import { WEEKDAYS, type AvailabilityWindow, type Weekday } from '@spilno/contracts';

export const MINUTES_PER_DAY = 1440;
export const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const MINUTE_MS = 60_000;

function kyivFormat(): Intl.DateTimeFormat {
  const options: Intl.DateTimeFormatOptions = {
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  };
  // ICU data older than 2022 knows the zone only by its former name.
  for (const timeZone of ['Europe/Kyiv', 'Europe/Kiev']) {
    try {
      return new Intl.DateTimeFormat('en-US', { ...options, timeZone });
    } catch {
      continue;
    }
  }
  throw new Error('this runtime knows no Europe/Kyiv time zone');
}

const FORMAT = kyivFormat();
const WEEKDAY_INDEX: Record<string, number> = {
  Mon: 0,
  Tue: 1,
  Wed: 2,
  Thu: 3,
  Fri: 4,
  Sat: 5,
  Sun: 6,
};

export interface LocalTime {
  /** 0 = Monday .. 6 = Sunday. */
  weekday: number;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export function kyivTime(date: Date): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of FORMAT.formatToParts(date)) parts[part.type] = part.value;
  return {
    weekday: WEEKDAY_INDEX[parts.weekday ?? 'Mon'] ?? 0,
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

export function weekMinuteOf(time: LocalTime): number {
  return time.weekday * MINUTES_PER_DAY + time.hour * 60 + time.minute;
}

function isoDate(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

/** The Kyiv calendar day of an instant, `YYYY-MM-DD`: the outreach day. */
export function dayKey(date: Date): string {
  const t = kyivTime(date);
  return isoDate(t.year, t.month, t.day);
}

/** The Kyiv week of an instant, as the day number (since 1970) of its Monday. */
export function weekOf(date: Date): number {
  const t = kyivTime(date);
  return Date.UTC(t.year, t.month - 1, t.day - t.weekday) / 86_400_000;
}

/**
 * The shift as `[start, end)` pairs of local week minutes, over its first week at most (a
 * longer shift covers the whole week). A shift over the week's end is split in two. Clock
 * changes inside a shift shift its local end by an hour; windows are hours long, so it stays.
 */
export function shiftWeekIntervals(startsAt: Date, endsAt: Date): Int32Array {
  const length = Math.min(
    MINUTES_PER_WEEK,
    Math.max(0, Math.round((endsAt.getTime() - startsAt.getTime()) / MINUTE_MS)),
  );
  if (length === 0) return new Int32Array(0);
  if (length === MINUTES_PER_WEEK) return Int32Array.of(0, MINUTES_PER_WEEK);
  const start = weekMinuteOf(kyivTime(startsAt));
  const end = start + length;
  return end <= MINUTES_PER_WEEK
    ? Int32Array.of(start, end)
    : Int32Array.of(0, end - MINUTES_PER_WEEK, start, MINUTES_PER_WEEK);
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** A person's windows as sorted `[start, end)` pairs of week minutes. */
export function windowIntervals(windows: readonly AvailabilityWindow[]): Int32Array {
  const pairs = windows
    .map((w) => {
      const base = WEEKDAYS.indexOf(w.day) * MINUTES_PER_DAY;
      return [base + minutesOf(w.from), base + minutesOf(w.to)] as const;
    })
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  return Int32Array.from(pairs.flat());
}

/** Minutes two sets of sorted, non-overlapping intervals have in common. */
export function overlapMinutes(a: Int32Array, b: Int32Array): number {
  let total = 0;
  for (let i = 0; i < a.length; i += 2) {
    const aStart = a[i]!;
    const aEnd = a[i + 1]!;
    for (let j = 0; j < b.length; j += 2) {
      const start = aStart > b[j]! ? aStart : b[j]!;
      const end = aEnd < b[j + 1]! ? aEnd : b[j + 1]!;
      if (end > start) total += end - start;
    }
  }
  return total;
}

/** The longest common stretch of two interval sets, `[start, end)` in week minutes. */
export function longestOverlap(a: Int32Array, b: Int32Array): [number, number] | null {
  let best: [number, number] | null = null;
  for (let i = 0; i < a.length; i += 2) {
    for (let j = 0; j < b.length; j += 2) {
      const start = Math.max(a[i]!, b[j]!);
      const end = Math.min(a[i + 1]!, b[j + 1]!);
      if (end > start && (!best || end - start > best[1] - best[0])) best = [start, end];
    }
  }
  return best;
}

/** Minutes of the shift's first week (what availability is measured against). */
export function intervalsLength(intervals: Int32Array): number {
  let total = 0;
  for (let i = 0; i < intervals.length; i += 2) total += intervals[i + 1]! - intervals[i]!;
  return total;
}

export function weekdayOf(weekMinute: number): Weekday {
  return WEEKDAYS[Math.min(6, Math.floor(weekMinute / MINUTES_PER_DAY))] ?? 'mon';
}

/** `HH:MM` of a week minute; the end of a day is `24:00`. */
export function clockOf(weekMinute: number, isEnd = false): string {
  let minutes = weekMinute % MINUTES_PER_DAY;
  if (isEnd && minutes === 0 && weekMinute > 0) minutes = MINUTES_PER_DAY;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
