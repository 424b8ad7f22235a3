/**
 * The read model in memory, indexed for matching. Candidate generation never scans every
 * volunteer or task: it reads buckets around a place, nearest cell first.
 * - Tasks that take volunteers (open, not full, initiative published) are in buckets per
 *   (geo cell, required skill); whether a shift already started is checked at query time.
 * - Contactable volunteers (only they are offered to organizers or notified) are in buckets
 *   per (geo cell, region, skill, level in it, weekday with a window), each bucket holding the
 *   fields a search reads side by side. A search for a task's best volunteers reads those free
 *   on the shift's days first, best levels first, and stops where even a perfect volunteer
 *   could no longer enter the best `limit` (bounds on skill, hours in common, distance).
 * - Within reach means within `MATCHING_LIMITS.reachKm`, or in the same region (so the cells of
 *   each region are known too). Every known person keeps a record for their own
 *   recommendations, contactable or not.
 *
 * The index is a `ReadModelStore`: the follower of the event stream applies events to it with
 * the same reducer that writes MongoDB, and the boot loads it from MongoDB.
 */
import {
  MATCHING_LIMITS,
  REGION_CODES,
  regionByCode,
  SHIFT_COMMITTED_STATUSES,
  type GeoPoint,
  type InitiativeStatus,
  type RegionCode,
} from '@spilno/contracts';
import type { ReadModelStore } from '../read-model/read-model.reducer';
import type { ReadModelContents } from '../read-model/read-model.repository';
import type {
  ApplicationRecord,
  InitiativeRecord,
  TaskRecord,
  VolunteerRecord,
} from '../read-model/records';
import { KM_PER_DEGREE, longitudeScale, TASK_GRID, VOLUNTEER_GRID, type GeoGrid } from './geo-grid';
import {
  COUNTED_SHIFT_MINUTES,
  distanceFit,
  NO_SKILL_REQUIRED,
  scoreOf,
  soonFit,
  URGENCY_SCORE,
  WEIGHTS,
  type ScoredTask,
  type ScoredVolunteer,
} from './scoring';
import { intervalsLength, shiftWeekIntervals, weekOf, windowIntervals } from './week-time';

/**
 * Interned skill ids: 0 is "any" (every volunteer; no skill required). Bucket keys stay small
 * integers (V8 hashes those fastest): the taxonomy has a few dozen skills; beyond 1022
 * distinct codes (only malformed data could get there), codes share one id.
 */
const SKILL_SPACE = 1024;
const ANY_SKILL = 0;
/** Volunteer buckets are per (cell, region, skill): `place = cell * REGION_SLOTS + region + 1`. */
const REGION_SLOTS = 32;
/** Volunteers with no place at all (no location, no region). */
const NOWHERE = VOLUNTEER_GRID.count * REGION_SLOTS;
/** Every indexed task, by skill: for volunteers with no place. */
const EVERYWHERE = TASK_GRID.count;
/** Flags of a volunteer, by index (the hot path of a search reads typed arrays, not objects). */
const HAS_WINDOWS = 1;
const HAS_APPLICATIONS = 2;
/** Skill buckets are searched best level first; "any skill" has level 0. */
const SKILL_LEVELS_DOWN = [3, 2, 1] as const;
const ANY_LEVEL = [0] as const;
/**
 * Volunteer buckets are also per weekday (0..6) a person has windows on, so a search reads
 * those free on the shift's days first; then those who gave no window (availability 0.5),
 * then everyone with windows (the others are free on other days only: availability 0).
 */
const NO_WINDOWS = 7;
const WITH_WINDOWS = 8;
const DAY_SLOTS = 9;
/** Hours of the week as bits, in 6 words: an upper bound of availability, by index. */
const HOUR_WORDS = 6;
const HOUR_MS = 3_600_000;
/** `reachKm` in degrees of latitude, squared: most pairs are decided without a square root. */
const REACH_DEGREES_SQUARED = (MATCHING_LIMITS.reachKm / KM_PER_DEGREE) ** 2;
/** A shift over a day counts as one working day towards weekly hours. */
const LONG_SHIFT_LOAD_HOURS = 8;

const COMMITTED: readonly string[] = SHIFT_COMMITTED_STATUSES;

export class VolunteerEntry implements ScoredVolunteer {
  skillIds: Int32Array = new Int32Array(0);
  levels: Int32Array = new Int32Array(0);
  windows: Int32Array = new Int32Array(0);
  lat = NaN;
  lng = NaN;
  /** The place is the person's own point, not their region's centroid. */
  exact = false;
  regionIx = -1;
  /** Its cell in the volunteer grid (-1: no place), and in the task grid. */
  cell = -1;
  taskCell = -1;
  keys: number[] = [];
  /** Where the buckets hold it (its region's cells count it there). */
  indexedAt: { regionIx: number; cell: number } | null = null;
  readonly applications = new Map<string, ApplicationRecord>();
  /** Tasks applied to, in any status: never recommended or offered again. */
  readonly applied = new Set<string>();
  /** Tasks of accepted or checked-in applications: their shifts are taken. */
  readonly committed = new Set<string>();
  /** The same, resolved to the index's tasks (what the hot path reads). */
  appliedIx: number[] = [];
  committedTasks: TaskEntry[] = [];
  /** Some applied task was not in the index when resolved: ask `applied` too. */
  unresolved = false;

  constructor(
    public record: VolunteerRecord,
    readonly ix: number,
  ) {}

  get id(): string {
    return this.record._id;
  }

  hasPlace(): boolean {
    return this.cell >= 0;
  }
}

export class TaskEntry implements ScoredTask {
  skillIds: Int32Array = new Int32Array(0);
  intervals: Int32Array = new Int32Array(0);
  weekLength = 0;
  urgencyScore = 0;
  startMs = 0;
  endMs = 0;
  loadHours = 0;
  /** The Kyiv week it starts in (weekly hours count per week). */
  week = 0;
  /** The hours of the week the shift touches, as bits (`hourMask`). */
  hourMask: Int32Array = new Int32Array(HOUR_WORDS);
  /** The weekdays (0 = Monday) the shift touches. */
  days: number[] = [];
  lat = NaN;
  lng = NaN;
  /** cos(lat): distances near the task are measured with it (equirectangular). */
  lngScale = 1;
  /** The place is the task's (or its initiative's) point, not its region's centroid. */
  exact = false;
  regionIx = -1;
  /** Its cell in the task grid, and in the volunteer grid. */
  cell = -1;
  volunteerCell = -1;
  region: RegionCode;
  initiativeStatus: InitiativeStatus;
  keys: number[] = [];
  indexedAt: { regionIx: number; cell: number } | null = null;

  constructor(
    public record: TaskRecord,
    readonly ix: number,
  ) {
    this.region = record.region;
    this.initiativeStatus = record.initiativeStatus;
  }

  get id(): string {
    return this.record._id;
  }

  /** Open, not full, and public: volunteers may take it (if its shift has not started). */
  takesVolunteers(): boolean {
    const r = this.record;
    return r.status === 'open' && r.filled < r.slots && this.initiativeStatus === 'published';
  }
}

export interface Ranked<T> {
  entry: T;
  score: number;
  /** NaN when a place is unknown. */
  km: number;
}

/** The best `limit` items by score (ties: the smaller id first), kept in a min-heap. */
class TopK<T extends { id: string }> {
  private readonly heap: Ranked<T>[] = [];

  constructor(private readonly limit: number) {}

  /** Whether `a` ranks below `b`. */
  private static worse<T extends { id: string }>(a: Ranked<T>, b: Ranked<T>): boolean {
    return a.score < b.score || (a.score === b.score && a.entry.id > b.entry.id);
  }

  /** The lowest score an offer needs to enter (the heap is full). */
  floor(): number {
    return this.heap.length < this.limit ? -Infinity : this.heap[0]!.score;
  }

  offer(item: Ranked<T>): void {
    const heap = this.heap;
    if (heap.length < this.limit) {
      heap.push(item);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!TopK.worse(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
      return;
    }
    if (this.limit === 0 || !TopK.worse(heap[0]!, item)) return;
    heap[0] = item;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && TopK.worse(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && TopK.worse(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }

  /** Best first. */
  sorted(): Ranked<T>[] {
    return [...this.heap].sort((a, b) => (TopK.worse(a, b) ? 1 : TopK.worse(b, a) ? -1 : 0));
  }
}

function removeFrom(bucket: number[] | undefined, ix: number): void {
  if (!bucket) return;
  const at = bucket.indexOf(ix);
  if (at < 0) return;
  bucket[at] = bucket[bucket.length - 1]!;
  bucket.pop();
}

/**
 * The volunteers of one bucket with what a search reads of them, side by side (a search
 * reads a bucket in order instead of jumping to each volunteer): index, lat, lng, region,
 * weekly hours (Infinity: no limit).
 */
class VolunteerBucket {
  static readonly STRIDE = 5;
  data = new Float64Array(2 * VolunteerBucket.STRIDE);
  size = 0;

  add(ix: number, lat: number, lng: number, region: number, maxHours: number): void {
    const stride = VolunteerBucket.STRIDE;
    if ((this.size + 1) * stride > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const at = this.size++ * stride;
    this.data[at] = ix;
    this.data[at + 1] = lat;
    this.data[at + 2] = lng;
    this.data[at + 3] = region;
    this.data[at + 4] = maxHours;
  }

  remove(ix: number): void {
    const stride = VolunteerBucket.STRIDE;
    for (let at = 0; at < this.size * stride; at += stride) {
      if (this.data[at] !== ix) continue;
      const last = --this.size * stride;
      this.data.copyWithin(at, last, last + stride);
      return;
    }
  }
}

function addCount<K>(counts: Map<K, number>, key: K, delta: number): void {
  const left = (counts.get(key) ?? 0) + delta;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}

export class MatchingIndex implements ReadModelStore {
  private readonly volunteers = new Map<string, VolunteerEntry>();
  private readonly volunteersByIx: (VolunteerEntry | undefined)[] = [];
  private readonly freeVolunteerIx: number[] = [];
  private readonly tasks = new Map<string, TaskEntry>();
  private readonly tasksByIx: (TaskEntry | undefined)[] = [];
  private readonly tasksByInitiative = new Map<string, Set<string>>();
  private readonly initiatives = new Map<string, InitiativeRecord>();
  private readonly applications = new Map<string, ApplicationRecord>();
  /** Volunteers by place, then skill, level in it and day (`volunteerSlot`). */
  private readonly volunteerBuckets = new Map<number, Map<number, VolunteerBucket>>();
  private readonly taskBuckets = new Map<number, number[]>();
  /** Per region, the cells its indexed volunteers (tasks) are in, and how many: the same-region rule. */
  private readonly volunteerRegionCells = new Map<number, Map<number, number>>();
  private readonly taskRegionCells = new Map<number, Map<number, number>>();
  /** Per cell, the region slots of its indexed volunteers, and how many. */
  private readonly cellRegions = new Map<number, Map<number, number>>();
  /**
   * Per volunteer index, in one word: the last search that met them (bits 2..31, so a search
   * meets each once) and their flags (bits 0..1: `HAS_WINDOWS`, `HAS_APPLICATIONS`).
   */
  private vState = new Uint32Array(1024);
  private volunteerSearch = 0;
  private vHours = new Int32Array(1024 * HOUR_WORDS);
  private cellStamps = new Uint32Array(Math.max(TASK_GRID.count, VOLUNTEER_GRID.count));
  private cellStamp = 0;
  private readonly skillIds = new Map<string, number>();
  /** Erased here before the stream's `user.erased` reached the follower: stale profiles stay out. */
  private readonly forgotten = new Set<string>();
  private taskStamps = new Uint32Array(1024);
  private stamp = 0;

  // --- what the index holds ---------------------------------------------------------------

  volunteer(userId: string): Promise<VolunteerRecord | null> {
    return Promise.resolve(this.volunteers.get(userId)?.record ?? null);
  }

  volunteerEntry(userId: string): VolunteerEntry | undefined {
    return this.volunteers.get(userId);
  }

  initiative(initiativeId: string): Promise<InitiativeRecord | null> {
    return Promise.resolve(this.initiatives.get(initiativeId) ?? null);
  }

  initiativeRecord(initiativeId: string): InitiativeRecord | undefined {
    return this.initiatives.get(initiativeId);
  }

  task(taskId: string): Promise<TaskRecord | null> {
    return Promise.resolve(this.tasks.get(taskId)?.record ?? null);
  }

  taskEntry(taskId: string): TaskEntry | undefined {
    return this.tasks.get(taskId);
  }

  tasksOf(initiativeId: string): TaskEntry[] {
    const ids = this.tasksByInitiative.get(initiativeId) ?? new Set<string>();
    return [...ids].flatMap((id) => this.tasks.get(id) ?? []);
  }

  application(applicationId: string): Promise<ApplicationRecord | null> {
    return Promise.resolve(this.applications.get(applicationId) ?? null);
  }

  get size(): { volunteers: number; contactable: number; tasks: number; openTasks: number } {
    let contactable = 0;
    for (const v of this.volunteers.values()) if (v.record.contactable) contactable++;
    let openTasks = 0;
    for (const t of this.tasks.values()) if (t.keys.length > 0) openTasks++;
    return { volunteers: this.volunteers.size, contactable, tasks: this.tasks.size, openTasks };
  }

  /** The records, sorted by id: to compare with MongoDB's copy. */
  contents(): ReadModelContents {
    const byId = <T extends { _id: string }>(items: Iterable<T>) =>
      [...items].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    return {
      volunteers: byId([...this.volunteers.values()].map((v) => v.record)),
      initiatives: byId(this.initiatives.values()),
      tasks: byId([...this.tasks.values()].map((t) => t.record)),
      applications: byId(this.applications.values()),
    };
  }

  // --- changes (ReadModelStore) -------------------------------------------------------------

  saveVolunteer(record: VolunteerRecord): Promise<void> {
    if (!this.forgotten.has(record._id)) this.putVolunteer(record);
    return Promise.resolve();
  }

  erase(userId: string): Promise<void> {
    this.forgotten.delete(userId);
    this.dropVolunteer(userId);
    return Promise.resolve();
  }

  /**
   * Removes a person at once, when their erasure committed here (the erasure consumer), before
   * the follower of the stream reaches `user.erased`; until it does, their older profile
   * events are not taken back in.
   */
  forget(userId: string): void {
    if (this.dropVolunteer(userId)) this.forgotten.add(userId);
  }

  saveInitiative(record: InitiativeRecord): Promise<void> {
    this.initiatives.set(record._id, record);
    for (const task of this.tasksOf(record._id)) this.reindexTask(task);
    return Promise.resolve();
  }

  saveTask(record: TaskRecord): Promise<void> {
    let entry = this.tasks.get(record._id);
    if (!entry) {
      entry = new TaskEntry(record, this.tasksByIx.length);
      this.tasksByIx.push(entry);
      this.tasks.set(record._id, entry);
      const ofInitiative = this.tasksByInitiative.get(record.initiativeId) ?? new Set<string>();
      ofInitiative.add(record._id);
      this.tasksByInitiative.set(record.initiativeId, ofInitiative);
    }
    entry.record = record;
    this.reindexTask(entry);
    return Promise.resolve();
  }

  saveApplication(record: ApplicationRecord): Promise<void> {
    const previous = this.applications.get(record._id);
    if (previous && previous.userId !== record.userId) {
      this.volunteers.get(previous.userId)?.applications.delete(record._id);
    }
    this.applications.set(record._id, record);
    const volunteer = this.volunteers.get(record.userId);
    if (volunteer) {
      volunteer.applications.set(record._id, record);
      this.refreshCommitments(volunteer);
    }
    return Promise.resolve();
  }

  /** Loads what MongoDB holds (boot, after a replay), replacing what is here. */
  load(contents: ReadModelContents): void {
    this.clear();
    for (const initiative of contents.initiatives) this.initiatives.set(initiative._id, initiative);
    for (const task of contents.tasks) void this.saveTask(task);
    for (const volunteer of contents.volunteers) this.putVolunteer(volunteer);
    for (const application of contents.applications) void this.saveApplication(application);
  }

  clear(): void {
    this.volunteers.clear();
    this.volunteersByIx.length = 0;
    this.freeVolunteerIx.length = 0;
    this.tasks.clear();
    this.tasksByIx.length = 0;
    this.tasksByInitiative.clear();
    this.initiatives.clear();
    this.applications.clear();
    this.volunteerBuckets.clear();
    this.taskBuckets.clear();
    this.volunteerRegionCells.clear();
    this.taskRegionCells.clear();
    this.cellRegions.clear();
    this.forgotten.clear();
  }

  // --- matching ---------------------------------------------------------------------------

  /** The best tasks for a person (open, started later than `now`, theirs to take). */
  rankTasksFor(volunteer: VolunteerEntry, now: Date, limit: number): Ranked<TaskEntry>[] {
    const top = new TopK<TaskEntry>(limit);
    const nowMs = now.getTime();
    // At a distance, no task scores more than this (skills, urgency, how soon all perfect).
    const beyond =
      WEIGHTS.skill +
      WEIGHTS.availability * (volunteer.windows.length > 0 ? 1 : 0.5) +
      WEIGHTS.urgency +
      WEIGHTS.soon;
    this.visitTasksFor(
      volunteer,
      now,
      (task, km) => top.offer({ entry: task, km, score: scoreOf(volunteer, task, km, nowMs) }),
      (km) => beyond + WEIGHTS.distance * distanceFit(km) + 1e-9 < top.floor(),
    );
    return top.sorted();
  }

  /**
   * The best contactable volunteers for a task (indexed or not), best first. Cells are searched
   * nearest first, and the search stops where even a perfect volunteer could not enter the
   * best `limit`; a volunteer who could not (their level in the skill found, availability
   * bounded by the hours in common) is not scored. With a `budget`, the search also stops after
   * that many eligible volunteers (nearest cells, free that day, best levels first): the best
   * of those, not necessarily the best of all (large plans only).
   */
  rankVolunteersFor(
    task: TaskEntry,
    now: Date,
    limit: number,
    exclude?: ReadonlySet<string>,
    budget = Infinity,
  ): Ranked<VolunteerEntry>[] {
    const top = new TopK<VolunteerEntry>(limit);
    let seen = 0;
    const nowMs = now.getTime();
    const fixed = WEIGHTS.urgency * task.urgencyScore + WEIGHTS.soon * soonFit(task, nowMs);
    const required = task.skillIds.length;
    const skillBound = (level: number) =>
      required === 0
        ? NO_SKILL_REQUIRED
        : 0.4 + (0.6 * (level + 3 * (required - 1))) / (3 * required);
    const counted = Math.min(task.weekLength, COUNTED_SHIFT_MINUTES);
    const state = this.vState;
    const hours = this.vHours;
    const shift = task.hourMask;
    this.scanVolunteers(
      task,
      now,
      (ix, km, level) => {
        if (++seen > budget) return true;
        let availability = 0.5;
        if ((state[ix]! & HAS_WINDOWS) !== 0) {
          let common = 0;
          for (let w = 0; w < HOUR_WORDS; w++)
            common += bitCount(hours[ix * HOUR_WORDS + w]! & shift[w]!);
          availability = counted === 0 ? 0 : Math.min(1, (common * 60) / counted);
        }
        const bound =
          fixed +
          WEIGHTS.skill * skillBound(level) +
          WEIGHTS.availability * availability +
          WEIGHTS.distance * distanceFit(km);
        if (bound + 1e-9 < top.floor()) return;
        const volunteer = this.volunteersByIx[ix]!;
        if (exclude?.has(volunteer.id)) return;
        top.offer({ entry: volunteer, km, score: scoreOf(volunteer, task, km, nowMs) });
      },
      (km, level, availability) =>
        fixed +
          WEIGHTS.skill * skillBound(level) +
          WEIGHTS.availability * availability +
          WEIGHTS.distance * distanceFit(km) +
          1e-9 <
        top.floor(),
    );
    return top.sorted();
  }

  /**
   * Whether a volunteer is a candidate for a task, pair by pair (the rule candidate generation
   * applies through its buckets): contactable, with a required skill (or none is required),
   * the shift ahead, within reach, free. The distance (NaN: no place), or null.
   */
  candidateKm(volunteer: VolunteerEntry, task: TaskEntry, now: Date): number | null {
    if (!volunteer.record.contactable || task.startMs <= now.getTime()) return null;
    const required = task.skillIds;
    if (required.length > 0 && !required.some((id) => volunteer.skillIds.includes(id))) {
      return null;
    }
    const km = this.reach(volunteer, task);
    return km === null || this.isBusy(volunteer, task) ? null : km;
  }

  /** Every contactable volunteer who could take the task, with the distance. */
  visitVolunteersFor(
    task: TaskEntry,
    now: Date,
    visit: (volunteer: VolunteerEntry, km: number) => void,
    farEnough?: (km: number) => boolean,
  ): void {
    this.scanVolunteers(
      task,
      now,
      (ix, km) => visit(this.volunteersByIx[ix]!, km),
      farEnough && ((km) => farEnough(km)),
    );
  }

  /**
   * The search behind candidates: the buckets of the task's skills in the cells within reach
   * (every region there) and in the other cells of its region (that region only), nearest cell
   * first, then the volunteers with no place. `farEnough(km)`: nothing at `km` or further
   * matters any more. Reads typed arrays only, until `visit` wants the volunteer.
   */
  private scanVolunteers(
    task: TaskEntry,
    now: Date,
    visit: (ix: number, km: number, level: number) => boolean | void,
    skip?: (km: number, level: number, availability: number) => boolean,
  ): void {
    if (task.startMs <= now.getTime() || task.cell < 0) return;
    /** `visit` answered true: the search is over. */
    let over = false;
    if (this.vState.length < this.volunteersByIx.length)
      this.growVolunteerArrays(this.volunteersByIx.length);
    this.volunteerSearch = (this.volunteerSearch + 1) & 0x3fffffff;
    if (this.volunteerSearch === 0) {
      for (let i = 0; i < this.vState.length; i++) this.vState[i]! &= 3;
      this.volunteerSearch = 1;
    }
    const mark = this.volunteerSearch << 2;
    const state = this.vState;
    const { lat, lng, lngScale, regionIx, loadHours } = task;
    const skills = task.skillIds.length > 0 ? task.skillIds : Int32Array.of(ANY_SKILL);
    const levels = task.skillIds.length > 0 ? SKILL_LEVELS_DOWN : ANY_LEVEL;
    const days = task.days;
    const scan = (place: number, km: number) => {
      const placeless = place === NOWHERE;
      buckets = this.volunteerBuckets.get(place);
      if (!buckets) return;
      // Free on the shift's days first, then without windows (0.5), then the rest (0).
      for (const level of levels) {
        if (skip?.(km, level, 1)) continue;
        for (let s = 0; s < skills.length; s++) {
          for (let d = 0; d < days.length; d++) {
            scanBucket(volunteerSlot(skills[s]!, level, days[d]!), placeless, level);
          }
        }
      }
      for (const [availability, day] of [
        [0.5, NO_WINDOWS],
        [0, WITH_WINDOWS],
      ] as const) {
        for (const level of levels) {
          if (skip?.(km, level, availability)) continue;
          for (let s = 0; s < skills.length; s++) {
            scanBucket(volunteerSlot(skills[s]!, level, day), placeless, level);
          }
        }
      }
    };
    const stride = VolunteerBucket.STRIDE;
    let buckets: Map<number, VolunteerBucket> | undefined;
    const scanBucket = (key: number, placeless: boolean, level: number) => {
      const bucket = buckets?.get(key);
      if (!bucket || over) return;
      const data = bucket.data;
      const end = bucket.size * stride;
      for (let at = 0; at < end && !over; at += stride) {
        const ix = data[at]! | 0;
        const seen = state[ix]!;
        if ((seen & ~3) === mark) continue;
        state[ix] = mark | (seen & 3);
        let distance = NaN;
        if (!placeless) {
          const x = (data[at + 2]! - lng) * lngScale;
          const y = data[at + 1]! - lat;
          const squared = x * x + y * y;
          if (squared > REACH_DEGREES_SQUARED && data[at + 3] !== regionIx) continue;
          distance = Math.sqrt(squared) * KM_PER_DEGREE;
        }
        if ((seen & HAS_APPLICATIONS) !== 0) {
          if (this.isBusy(this.volunteersByIx[ix]!, task)) continue;
        } else if (loadHours > data[at + 4]!) {
          continue;
        }
        if (visit(ix, distance, level) === true) {
          over = true;
          return;
        }
      }
    };
    const slot = regionIx + 1;
    const best = levels[0]!;
    for (const { cell, km, inReach } of this.searchCells(
      VOLUNTEER_GRID,
      task,
      task.volunteerCell,
      this.volunteerRegionCells.get(regionIx),
    )) {
      if (over || skip?.(km, best, 1)) break;
      if (!inReach) {
        scan(cell * REGION_SLOTS + slot, km);
        continue;
      }
      for (const present of this.cellRegions.get(cell)?.keys() ?? []) {
        scan(cell * REGION_SLOTS + present, km);
      }
    }
    if (!over) scan(NOWHERE, NaN);
  }

  /** Every task the person could take, with the distance (nearest cell first). */
  visitTasksFor(
    volunteer: VolunteerEntry,
    now: Date,
    visit: (task: TaskEntry, km: number) => void,
    farEnough?: (km: number) => boolean,
  ): void {
    const stamp = this.nextStamp();
    if (this.taskStamps.length < this.tasksByIx.length) {
      this.taskStamps = new Uint32Array(this.tasksByIx.length * 2);
    }
    const stamps = this.taskStamps;
    const nowMs = now.getTime();
    const skills = [...volunteer.skillIds, ANY_SKILL];
    const scan = (place: number) => {
      for (const skill of skills) {
        const bucket = this.taskBuckets.get(place * SKILL_SPACE + skill);
        if (!bucket) continue;
        for (let i = 0; i < bucket.length; i++) {
          const ix = bucket[i]!;
          if (stamps[ix] === stamp) continue;
          stamps[ix] = stamp;
          const task = this.tasksByIx[ix]!;
          if (task.startMs <= nowMs) continue;
          const km = this.reach(volunteer, task);
          if (km === null || this.isBusy(volunteer, task)) continue;
          visit(task, km);
        }
      }
    };
    if (!volunteer.hasPlace()) {
      scan(EVERYWHERE);
      return;
    }
    const cells = this.searchCells(
      TASK_GRID,
      volunteer,
      volunteer.taskCell,
      this.taskRegionCells.get(volunteer.regionIx),
    );
    for (const { cell, km } of cells) {
      if (farEnough?.(km)) break;
      scan(cell);
    }
  }

  /**
   * The cells to search around a place, nearest first with their distance: those within reach,
   * and those of its region where the other side has entries (the same-region rule).
   */
  private searchCells(
    grid: GeoGrid,
    from: { lat: number; lng: number },
    cell: number,
    regionCells: Map<number, number> | undefined,
  ): { cell: number; km: number; inReach: boolean }[] {
    const scale = longitudeScale(from.lat);
    this.cellStamp = (this.cellStamp + 1) >>> 0 || 1;
    const cells: { cell: number; km: number; inReach: boolean }[] = [];
    for (const near of grid.cellsInReach(cell)) {
      this.cellStamps[near] = this.cellStamp;
      cells.push({ cell: near, km: grid.kmToCell(from.lat, from.lng, scale, near), inReach: true });
    }
    for (const other of regionCells?.keys() ?? []) {
      if (this.cellStamps[other] === this.cellStamp) continue;
      cells.push({
        cell: other,
        km: grid.kmToCell(from.lat, from.lng, scale, other),
        inReach: false,
      });
    }
    return cells.sort((a, b) => a.km - b.km);
  }

  /** A task's entry for scoring without indexing it (outreach for a task just changed). */
  entryFor(record: TaskRecord): TaskEntry {
    const entry = new TaskEntry(record, -1);
    this.profileTask(entry);
    return entry;
  }

  /**
   * Kilometres between the two (NaN when the person has no place), or null when out of reach:
   * further than `reachKm` and not in one region. Equirectangular at the task's latitude:
   * within a fraction of a percent of the great circle at these distances, and cheap.
   */
  reach(volunteer: VolunteerEntry, task: TaskEntry): number | null {
    if (!volunteer.hasPlace()) return NaN;
    const x = (volunteer.lng - task.lng) * task.lngScale;
    const y = volunteer.lat - task.lat;
    const squared = x * x + y * y;
    if (squared > REACH_DEGREES_SQUARED && volunteer.regionIx !== task.regionIx) return null;
    return Math.sqrt(squared) * KM_PER_DEGREE;
  }

  /**
   * Whether the person cannot take the task: applied to it already, committed to an
   * overlapping shift, or over their weekly hours with it.
   */
  isBusy(volunteer: VolunteerEntry, task: TaskEntry): boolean {
    if (volunteer.applied.size > 0) {
      const applied =
        task.ix >= 0 && !volunteer.unresolved
          ? volunteer.appliedIx.includes(task.ix)
          : volunteer.applied.has(task.id);
      if (applied) return true;
    }
    const max = volunteer.record.maxHoursPerWeek;
    let weekHours = 0;
    for (const other of volunteer.committedTasks) {
      if (other.startMs < task.endMs && other.endMs > task.startMs) return true;
      if (other.week === task.week) weekHours += other.loadHours;
    }
    return max !== null && weekHours + task.loadHours > max;
  }

  /** The interned id of a skill code (codes are few; ids keep buckets and scores integer). */
  skillId(code: string): number {
    let id = this.skillIds.get(code);
    if (id === undefined) {
      id = Math.min(this.skillIds.size + 1, SKILL_SPACE - 1);
      this.skillIds.set(code, id);
    }
    return id;
  }

  // --- internals --------------------------------------------------------------------------

  private nextStamp(): number {
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) {
      this.taskStamps.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  private putVolunteer(record: VolunteerRecord): void {
    let entry = this.volunteers.get(record._id);
    if (entry) {
      this.unbucketVolunteer(entry);
      entry.record = record;
    } else {
      const ix = this.freeVolunteerIx.pop() ?? this.volunteersByIx.length;
      entry = new VolunteerEntry(record, ix);
      this.volunteersByIx[ix] = entry;
      this.volunteers.set(record._id, entry);
      this.growVolunteerArrays(ix + 1);
    }
    const skills = record.skills.filter((s) => s.level >= 1);
    entry.skillIds = Int32Array.from(skills.map((s) => this.skillId(s.code)));
    entry.levels = Int32Array.from(skills.map((s) => s.level));
    entry.windows = windowIntervals(record.availability);
    const place = placeOf(record.location, record.region);
    entry.lat = place?.lat ?? NaN;
    entry.lng = place?.lng ?? NaN;
    entry.exact = record.location !== null;
    entry.cell = place ? VOLUNTEER_GRID.cellOf(place.lat, place.lng) : -1;
    entry.taskCell = place ? TASK_GRID.cellOf(place.lat, place.lng) : -1;
    entry.regionIx = record.region ? REGION_CODES.indexOf(record.region) : -1;
    const ix = entry.ix;
    this.vHours.set(hourMask(entry.windows), ix * HOUR_WORDS);
    entry.keys = [];
    if (record.contactable) {
      const place = entry.cell >= 0 ? entry.cell * REGION_SLOTS + entry.regionIx + 1 : NOWHERE;
      const levels = [...entry.levels, 0];
      const days =
        entry.windows.length === 0 ? [NO_WINDOWS] : [...daysOf(entry.windows), WITH_WINDOWS];
      [...entry.skillIds, ANY_SKILL].forEach((skill, i) => {
        const buckets = this.volunteerBuckets.get(place) ?? new Map<number, VolunteerBucket>();
        this.volunteerBuckets.set(place, buckets);
        for (const day of days) {
          const slot = volunteerSlot(skill, levels[i]!, day);
          entry.keys.push(place * SLOT_SPACE + slot);
          let bucket = buckets.get(slot);
          if (!bucket) {
            bucket = new VolunteerBucket();
            buckets.set(slot, bucket);
          }
          bucket.add(ix, entry.lat, entry.lng, entry.regionIx, record.maxHoursPerWeek ?? Infinity);
        }
      });
      this.count(this.volunteerRegionCells, entry);
      if (entry.cell >= 0) {
        const regions = this.cellRegions.get(entry.cell) ?? new Map<number, number>();
        addCount(regions, entry.regionIx + 1, 1);
        this.cellRegions.set(entry.cell, regions);
      }
    }
    this.refreshCommitments(entry);
  }

  /** Whether the person was here. */
  private dropVolunteer(userId: string): boolean {
    const entry = this.volunteers.get(userId);
    if (!entry) return false;
    // The reducer keeps applications of known people only: theirs are all on their entry.
    for (const id of entry.applications.keys()) this.applications.delete(id);
    this.unbucketVolunteer(entry);
    this.volunteers.delete(userId);
    this.volunteersByIx[entry.ix] = undefined;
    this.freeVolunteerIx.push(entry.ix);
    return true;
  }

  private refreshCommitments(volunteer: VolunteerEntry): void {
    volunteer.applied.clear();
    volunteer.committed.clear();
    volunteer.appliedIx = [];
    volunteer.committedTasks = [];
    volunteer.unresolved = false;
    for (const application of volunteer.applications.values()) {
      const task = this.tasks.get(application.taskId);
      const committed = COMMITTED.includes(application.status);
      volunteer.applied.add(application.taskId);
      if (committed) volunteer.committed.add(application.taskId);
      if (!task) {
        volunteer.unresolved = true;
        continue;
      }
      volunteer.appliedIx.push(task.ix);
      if (committed) volunteer.committedTasks.push(task);
    }
    const ix = volunteer.ix;
    this.vState[ix] =
      (this.vState[ix]! & ~3) |
      (volunteer.windows.length > 0 ? HAS_WINDOWS : 0) |
      (volunteer.applied.size > 0 ? HAS_APPLICATIONS : 0);
  }

  private unbucketVolunteer(entry: VolunteerEntry): void {
    for (const key of entry.keys) {
      const place = Math.floor(key / SLOT_SPACE);
      this.volunteerBuckets
        .get(place)
        ?.get(key - place * SLOT_SPACE)
        ?.remove(entry.ix);
    }
    entry.keys = [];
    const at = entry.indexedAt;
    if (at) {
      const regions = this.cellRegions.get(at.cell);
      if (regions) addCount(regions, at.regionIx + 1, -1);
    }
    this.uncount(this.volunteerRegionCells, entry);
  }

  private growVolunteerArrays(size: number): void {
    if (size <= this.vState.length) return;
    const grown = Math.max(size, this.vState.length * 2);
    const state = new Uint32Array(grown);
    state.set(this.vState);
    this.vState = state;
    const hours = new Int32Array(grown * HOUR_WORDS);
    hours.set(this.vHours);
    this.vHours = hours;
  }

  private reindexTask(entry: TaskEntry): void {
    this.unbucket(this.taskBuckets, entry.keys, entry.ix);
    this.uncount(this.taskRegionCells, entry);
    this.profileTask(entry);
    entry.keys = [];
    if (!entry.takesVolunteers() || entry.cell < 0) return;
    const skills = entry.skillIds.length > 0 ? entry.skillIds : Int32Array.of(ANY_SKILL);
    for (const skill of skills) {
      entry.keys.push(entry.cell * SKILL_SPACE + skill);
      entry.keys.push(EVERYWHERE * SKILL_SPACE + skill);
    }
    this.bucket(this.taskBuckets, entry.keys, entry.ix);
    this.count(this.taskRegionCells, entry);
  }

  /** Counts an indexed entry in its region's cells. */
  private count(
    regions: Map<number, Map<number, number>>,
    entry: { regionIx: number; cell: number; indexedAt: { regionIx: number; cell: number } | null },
  ): void {
    if (entry.cell < 0) return;
    entry.indexedAt = { regionIx: entry.regionIx, cell: entry.cell };
    if (entry.regionIx < 0) return;
    const cells = regions.get(entry.regionIx) ?? new Map<number, number>();
    addCount(cells, entry.cell, 1);
    regions.set(entry.regionIx, cells);
  }

  private uncount(
    regions: Map<number, Map<number, number>>,
    entry: { indexedAt: { regionIx: number; cell: number } | null },
  ): void {
    const at = entry.indexedAt;
    if (!at) return;
    entry.indexedAt = null;
    const cells = regions.get(at.regionIx);
    if (cells) addCount(cells, at.cell, -1);
  }

  /** What scoring and search read of a task, from its record and its initiative's. */
  private profileTask(entry: TaskEntry): void {
    const record = entry.record;
    const initiative = this.initiatives.get(record.initiativeId);
    entry.region = initiative?.region ?? record.region;
    entry.initiativeStatus = initiative?.status ?? record.initiativeStatus;
    entry.regionIx = REGION_CODES.indexOf(entry.region);
    const point = record.location ?? initiative?.location ?? null;
    const place = placeOf(point, entry.region);
    entry.lat = place?.lat ?? NaN;
    entry.lng = place?.lng ?? NaN;
    entry.lngScale = place ? longitudeScale(place.lat) : 1;
    entry.exact = point !== null;
    entry.cell = place ? TASK_GRID.cellOf(place.lat, place.lng) : -1;
    entry.volunteerCell = place ? VOLUNTEER_GRID.cellOf(place.lat, place.lng) : -1;
    entry.skillIds = Int32Array.from(record.requiredSkills.map((code) => this.skillId(code)));
    entry.startMs = record.startsAt.getTime();
    entry.endMs = record.endsAt.getTime();
    entry.intervals = shiftWeekIntervals(record.startsAt, record.endsAt);
    entry.weekLength = intervalsLength(entry.intervals);
    entry.hourMask = hourMask(entry.intervals);
    entry.days = daysOf(entry.intervals);
    const hours = (entry.endMs - entry.startMs) / HOUR_MS;
    entry.loadHours = hours > 24 ? LONG_SHIFT_LOAD_HOURS : hours;
    entry.week = weekOf(record.startsAt);
    entry.urgencyScore = URGENCY_SCORE[record.urgency];
  }

  private bucket(buckets: Map<number, number[]>, keys: readonly number[], ix: number): void {
    for (const key of keys) {
      const bucket = buckets.get(key);
      if (bucket) bucket.push(ix);
      else buckets.set(key, [ix]);
    }
  }

  private unbucket(buckets: Map<number, number[]>, keys: readonly number[], ix: number): void {
    for (const key of keys) removeFrom(buckets.get(key), ix);
  }
}

/** A person's or a task's place: the exact point, else its region's centroid. */
function placeOf(location: GeoPoint | null, region: RegionCode | null): GeoPoint | null {
  if (location) return location;
  return region ? (regionByCode(region)?.centroid ?? null) : null;
}

/** The hours of the week (0..167) that `[start, end)` minute pairs touch, as bits in 6 words. */
function hourMask(intervals: Int32Array): Int32Array {
  const mask = new Int32Array(HOUR_WORDS);
  for (let i = 0; i < intervals.length; i += 2) {
    const first = Math.floor(intervals[i]! / 60);
    const last = Math.ceil(intervals[i + 1]! / 60);
    for (let hour = first; hour < last && hour < 168; hour++) mask[hour >> 5]! |= 1 << (hour & 31);
  }
  return mask;
}

function bitCount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number;
}

/** A volunteer bucket within its place: skill, level in it, day. */
function volunteerSlot(skill: number, level: number, day: number): number {
  return (skill * 4 + level) * DAY_SLOTS + day;
}

const SLOT_SPACE = SKILL_SPACE * 4 * DAY_SLOTS;

/** The weekdays (0 = Monday) that `[start, end)` minute pairs of the week touch. */
function daysOf(intervals: Int32Array): number[] {
  const days = new Set<number>();
  for (let i = 0; i < intervals.length; i += 2) {
    const last = Math.min(6, Math.floor((intervals[i + 1]! - 1) / 1440));
    for (let day = Math.floor(intervals[i]! / 1440); day <= last; day++) days.add(day);
  }
  return [...days].sort((a, b) => a - b);
}
