/**
 * Synthetic read models for the matching benchmark, seeded (the same numbers every run):
 * volunteers and open tasks across Ukraine's regions, weighted by population, around each
 * region's centroid; skills from the users service's taxonomy; weekly windows, weekly hours,
 * accepted shifts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  REGIONS,
  WEEKDAYS,
  type AvailabilityWindow,
  type GeoPoint,
  type RegionCode,
  type TaskUrgency,
} from '@spilno/contracts';
import type { ReadModelContents } from '../src/read-model/read-model.repository';
import type {
  ApplicationRecord,
  InitiativeRecord,
  TaskRecord,
  VolunteerRecord,
} from '../src/read-model/records';

/** mulberry32: a small, fast, seeded generator. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The taxonomy's skill codes (data of the users service, read as a file). */
export function skillCodes(): string[] {
  const file = path.resolve(__dirname, '../../users/src/skills/skills.json');
  const taxonomy = JSON.parse(readFileSync(file, 'utf8')) as { skills: { code: string }[] };
  return taxonomy.skills.map((s) => s.code);
}

/** Rough populations (millions, pre-2022) as weights; occupied areas get few. */
const WEIGHT: Partial<Record<RegionCode, number>> = {
  'UA-30': 3.0,
  'UA-12': 3.1,
  'UA-63': 2.6,
  'UA-46': 2.5,
  'UA-51': 2.4,
  'UA-32': 1.8,
  'UA-23': 1.7,
  'UA-53': 1.4,
  'UA-05': 1.5,
  'UA-14': 1.2,
  'UA-09': 0.3,
  'UA-43': 0.1,
  'UA-40': 0.05,
};

export interface World {
  contents: ReadModelContents;
  /** Ids of the open tasks and of every volunteer. */
  taskIds: string[];
  volunteerIds: string[];
}

export interface WorldOptions {
  volunteers: number;
  tasks: number;
  now: Date;
  seed: number;
  /** Only these regions (default: all, by population). */
  regions?: readonly RegionCode[];
  /** Share of contactable volunteers. */
  contactable?: number;
  /** Slots per task, 1..maxSlots. */
  maxSlots?: number;
  /** Share of volunteers with accepted shifts. */
  committed?: number;
}

const HOUR_MS = 3_600_000;
const URGENCIES: [TaskUrgency, number][] = [
  ['low', 0.2],
  ['normal', 0.5],
  ['high', 0.2],
  ['critical', 0.1],
];

export function world(options: WorldOptions): World {
  const rnd = random(options.seed);
  const skills = skillCodes();
  const regions = REGIONS.filter((r) => !options.regions || options.regions.includes(r.code));
  const weights = regions.map((r) => WEIGHT[r.code] ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const pickRegion = () => {
    let x = rnd() * total;
    for (let i = 0; i < regions.length; i++) {
      x -= weights[i]!;
      if (x <= 0) return regions[i]!;
    }
    return regions[regions.length - 1]!;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const near = (c: GeoPoint, spread: number): GeoPoint => ({
    lat: Math.round((c.lat + gaussian() * spread) * 100) / 100,
    lng: Math.round((c.lng + gaussian() * spread * 1.4) * 100) / 100,
  });
  const int = (low: number, high: number) => low + Math.floor(rnd() * (high - low + 1));
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const hex = (prefix: number, n: number) =>
    prefix.toString(16).padStart(4, '0') + n.toString(16).padStart(20, '0');
  const now = options.now.getTime();

  const initiatives: InitiativeRecord[] = [];
  const initiativeCount = Math.max(1, Math.round(options.tasks / 10));
  for (let i = 0; i < initiativeCount; i++) {
    const region = pickRegion();
    initiatives.push({
      _id: hex(1, i),
      organizationId: hex(2, i % 500),
      title: `Ініціатива ${i}`,
      status: 'published',
      region: region.code,
      location: rnd() < 0.5 ? near(region.centroid, 0.3) : null,
      changedAt: options.now,
    });
  }

  const tasks: TaskRecord[] = [];
  for (let i = 0; i < options.tasks; i++) {
    const initiative = initiatives[i % initiativeCount]!;
    const region = REGIONS.find((r) => r.code === initiative.region)!;
    const required = rnd() < 0.2 ? 0 : int(1, 3);
    const slots = int(1, options.maxSlots ?? 10);
    const start = now + int(2, 14 * 24) * HOUR_MS;
    const hours = rnd() < 0.05 ? int(25, 72) : int(2, 8);
    let u = rnd();
    const urgency = URGENCIES.find(([, share]) => (u -= share) <= 0)?.[0] ?? 'normal';
    tasks.push({
      _id: hex(3, i),
      initiativeId: initiative._id,
      organizationId: initiative.organizationId,
      title: `Завдання ${i}`,
      requiredSkills: [...new Set(Array.from({ length: required }, () => pick(skills)))],
      slots,
      filled: int(0, slots - 1),
      startsAt: new Date(start),
      endsAt: new Date(start + hours * HOUR_MS),
      location: rnd() < 0.8 ? near(region.centroid, 0.4) : null,
      region: initiative.region,
      urgency,
      status: 'open',
      initiativeStatus: 'published',
      changedAt: options.now,
    });
  }

  const volunteers: VolunteerRecord[] = [];
  const applications: ApplicationRecord[] = [];
  for (let i = 0; i < options.volunteers; i++) {
    const region = pickRegion();
    const place = rnd();
    const windows: AvailabilityWindow[] = [];
    for (const day of WEEKDAYS) {
      if (rnd() < 0.35) {
        const from = int(7, 17);
        const to = Math.min(24, from + int(2, 8));
        windows.push({
          day,
          from: `${String(from).padStart(2, '0')}:00`,
          to: to === 24 ? '24:00' : `${String(to).padStart(2, '0')}:00`,
        });
      }
    }
    const own = [...new Set(Array.from({ length: int(1, 4) }, () => pick(skills)))];
    const volunteer: VolunteerRecord = {
      _id: hex(4, i),
      displayName: `Волонтер ${i}`,
      locale: rnd() < 0.7 ? 'uk' : 'en',
      skills: own.map((code) => ({ code, level: int(1, 3) as 1 | 2 | 3 })),
      availability: windows,
      region: place < 0.95 ? region.code : null,
      location: place < 0.7 ? near(region.centroid, 0.5) : null,
      contactable: rnd() < (options.contactable ?? 0.6),
      maxHoursPerWeek: rnd() < 0.5 ? null : int(4, 40),
      profileUpdatedAt: options.now,
    };
    volunteers.push(volunteer);
    if (rnd() < (options.committed ?? 0.2)) {
      for (let k = int(1, 2); k > 0; k--) {
        const task = pick(tasks);
        applications.push({
          _id: hex(5, applications.length),
          userId: volunteer._id,
          taskId: task._id,
          initiativeId: task.initiativeId,
          status: 'accepted',
          changedAt: options.now,
        });
      }
    }
  }
  return {
    contents: { volunteers, initiatives, tasks, applications },
    taskIds: tasks.map((t) => t._id),
    volunteerIds: volunteers.map((v) => v._id),
  };
}
