/**
 * Everything the matching service says to people, in Ukrainian and English: the reasons of a
 * match, why a plan leaves slots open, and notification texts. Two perspectives: the volunteer
 * reading their own recommendations ("you are free ..."), and an organizer reading about a
 * candidate ("free ...").
 */
import type { Locale, TaskUrgency, UnfilledReason, Weekday } from '@spilno/contracts';
import { kyivTime } from '../index/week-time';

export type Perspective = 'volunteer' | 'organizer';

const DAYS: Record<Locale, Record<Weekday, string>> = {
  en: { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' },
  uk: { mon: 'Пн', tue: 'Вт', wed: 'Ср', thu: 'Чт', fri: 'Пт', sat: 'Сб', sun: 'Нд' },
};

const WEEKDAY_ORDER: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function dayName(day: Weekday, locale: Locale): string {
  return DAYS[locale][day];
}

export function skillLevel(name: string, level: number, locale: Locale): string {
  return locale === 'uk' ? `${name}, рівень ${level}` : `${name}, level ${level}`;
}

export function freeAt(
  day: Weekday,
  from: string,
  to: string,
  locale: Locale,
  perspective: Perspective,
): string {
  const when = `${dayName(day, locale)} ${from}-${to}`;
  if (locale === 'uk') return perspective === 'volunteer' ? `ви вільні ${when}` : `має час ${when}`;
  return perspective === 'volunteer' ? `you are free ${when}` : `free ${when}`;
}

/** Between two exact places. */
export function distanceAway(km: number, locale: Locale, perspective: Perspective): string {
  if (km < 1) {
    if (locale === 'uk') return perspective === 'volunteer' ? 'менше 1 км від вас' : 'менше 1 км';
    return 'less than 1 km away';
  }
  const n = Math.round(km);
  if (locale === 'uk') return perspective === 'volunteer' ? `${n} км від вас` : `${n} км від місця`;
  return `${n} km away`;
}

/** When a place is a region's centroid: the region, or a rough distance. */
export function roughDistance(
  km: number,
  sameRegion: boolean,
  locale: Locale,
  perspective: Perspective,
): string {
  if (sameRegion) {
    if (locale === 'uk')
      return perspective === 'volunteer' ? 'у вашій області' : 'в області завдання';
    return perspective === 'volunteer' ? 'in your region' : "in the task's region";
  }
  const n = Math.round(km);
  return locale === 'uk' ? `приблизно ${n} км` : `about ${n} km away`;
}

export function urgencyReason(urgency: TaskUrgency, locale: Locale): string | null {
  if (urgency === 'critical') return locale === 'uk' ? 'критично терміново' : 'critical';
  if (urgency === 'high') return locale === 'uk' ? 'терміново' : 'urgent';
  return null;
}

export function startsIn(hours: number, locale: Locale): string {
  if (hours < 1) return locale === 'uk' ? 'починається протягом години' : 'starts within an hour';
  const n = Math.floor(hours);
  return locale === 'uk' ? `починається через ${n} год` : `starts in ${n} h`;
}

export function unfilledWhy(reason: UnfilledReason, missing: number, locale: Locale): string {
  switch (reason) {
    case 'no_candidates':
      return locale === 'uk'
        ? 'немає контактних волонтерів із потрібними навичками, вільних і поблизу'
        : 'no contactable volunteer nearby has the skills and the time';
    case 'too_few_candidates':
      return locale === 'uk'
        ? `бракує ${missing}: замало контактних волонтерів із потрібними навичками поблизу`
        : `${missing} short: too few contactable volunteers nearby have the skills and the time`;
    case 'candidates_assigned_elsewhere':
      return locale === 'uk'
        ? `бракує ${missing}: придатні волонтери краще підходять до інших завдань плану`
        : `${missing} short: the volunteers who could come fit other tasks of the plan better`;
    default:
      return assertNever(reason);
  }
}

/** A shift in local time: "Sat 10:00-14:00", or "Sat 22:00 - Sun 06:00" across days. */
export function shiftText(startsAt: Date, endsAt: Date, locale: Locale): string {
  const a = kyivTime(startsAt);
  const b = kyivTime(endsAt);
  const clock = (t: { hour: number; minute: number }) =>
    `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
  const date = (t: { day: number; month: number }) =>
    `${String(t.day).padStart(2, '0')}.${String(t.month).padStart(2, '0')}`;
  const day = (t: { weekday: number }) => dayName(WEEKDAY_ORDER[t.weekday] ?? 'mon', locale);
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  return sameDay
    ? `${day(a)} ${date(a)} ${clock(a)}-${clock(b)}`
    : `${day(a)} ${date(a)} ${clock(a)} - ${day(b)} ${date(b)} ${clock(b)}`;
}

export function notificationTitle(
  kind: 'urgent_task' | 'slot_freed',
  taskTitle: string,
  locale: Locale,
): string {
  if (kind === 'slot_freed') {
    return locale === 'uk' ? `Звільнилося місце: ${taskTitle}` : `A place opened up: ${taskTitle}`;
  }
  return locale === 'uk'
    ? `Терміново потрібна допомога: ${taskTitle}`
    : `Urgent help needed: ${taskTitle}`;
}

function assertNever(value: never): never {
  throw new Error(`unmapped phrase: ${String(value)}`);
}
