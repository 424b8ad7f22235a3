import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, Query, QueryFilter, Types } from 'mongoose';
import type {
  GeoPoint,
  InitiativeCategory,
  InitiativeMode,
  InitiativeStatus,
  RegionCode,
} from '@spilno/contracts';
import { toGeoJson } from '../common/geo';
import type { CursorPosition } from '../common/page-cursor';
import { GeoPointEntry } from '../common/schemas/geo-point.schema';
import { Initiative, Visibility } from './schemas/initiative.schema';

export interface NewInitiative {
  organizationId: Types.ObjectId;
  title: string;
  description: string;
  mode: InitiativeMode;
  category: InitiativeCategory;
  region: RegionCode;
  district: string | null;
  location?: GeoPointEntry;
  startsAt: Date | null;
  endsAt: Date | null;
  tags: string[];
  searchText: string;
  rankedAt: Date;
}

/** Fields to set and paths to remove, as the service decided them. */
export interface InitiativeChanges {
  set: Partial<Omit<Initiative, '_id' | 'organizationId' | 'mode' | 'createdAt' | 'updatedAt'>> & {
    /** Reset when an initiative ends (its open tasks close with it). */
    'stats.openSlots'?: number;
  };
  unset?: 'location'[];
}

/** Equality filters of a search; all given ones apply. */
export interface InitiativeFilters {
  visibility?: Visibility;
  status?: InitiativeStatus;
  organizationId?: Types.ObjectId;
  mode?: InitiativeMode;
  category?: InitiativeCategory;
  region?: RegionCode;
  /** Any of them. */
  skills?: string[];
  /** A `$search` string of normalised words. */
  text?: string;
}

export interface NearFilter {
  point: GeoPoint;
  maxMeters: number;
  minMeters: number;
}

/** Counters of `stats` that applications, proposals and reports move. */
export type ParticipationCounter = 'openSlots' | 'volunteers' | 'hours' | 'proposals' | 'reports';

/** The search field is for the text index only; reads never need it. */
const WITHOUT_SEARCH_TEXT = { searchText: 0 } as const;

/** The only code that touches the initiatives collection. */
@Injectable()
export class InitiativesRepository implements OnModuleInit {
  constructor(@InjectModel(Initiative.name) private readonly initiatives: Model<Initiative>) {}

  /** Waits for the indexes: `$text` and `$near` fail without theirs (no answers before). */
  async onModuleInit(): Promise<void> {
    await this.initiatives.init();
  }

  async insert(initiative: NewInitiative): Promise<Initiative> {
    const created = await this.initiatives.create(initiative);
    return created.toObject();
  }

  findById(id: Types.ObjectId, session?: ClientSession): Promise<Initiative | null> {
    return this.initiatives
      .findById(id, WITHOUT_SEARCH_TEXT, { session })
      .lean<Initiative>()
      .exec();
  }

  /** Applies `changes` if the status is one of `from`; the initiative after, or null. */
  update(
    id: Types.ObjectId,
    from: readonly InitiativeStatus[],
    changes: InitiativeChanges,
    session: ClientSession,
  ): Promise<Initiative | null> {
    const update: mongoose.UpdateQuery<Initiative> = { $set: changes.set };
    if (changes.unset?.length) {
      update.$unset = Object.fromEntries(changes.unset.map((path) => [path, 1]));
    }
    return this.initiatives
      .findOneAndUpdate({ _id: id, status: mongoose.trusted({ $in: [...from] }) }, update, {
        session,
        returnDocument: 'after',
        runValidators: true,
        projection: WITHOUT_SEARCH_TEXT,
      })
      .lean<Initiative>()
      .exec();
  }

  /** Titles of initiatives by id (for lists of applications). */
  findTitles(ids: Types.ObjectId[]): Promise<Pick<Initiative, '_id' | 'title'>[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.initiatives
      .find({ _id: mongoose.trusted({ $in: ids }) }, { title: 1 })
      .lean<Pick<Initiative, '_id' | 'title'>[]>()
      .exec();
  }

  /**
   * `$inc` of the participation counters (applications, proposals, reports), if the status is
   * one of `from` (any when not given). Leaves `updatedAt` alone. False when it did not match.
   */
  async incrementStats(
    id: Types.ObjectId,
    inc: Partial<Record<ParticipationCounter, number>>,
    session: ClientSession,
    from?: readonly InitiativeStatus[],
  ): Promise<boolean> {
    const changes = Object.entries(inc).filter(([, by]) => by !== 0);
    const filter: QueryFilter<Initiative> = { _id: id };
    if (from) filter.status = mongoose.trusted({ $in: [...from] });
    if (changes.length === 0) {
      return (await this.initiatives.exists(filter).session(session)) !== null;
    }
    const result = await this.initiatives
      .updateOne(
        filter,
        { $inc: Object.fromEntries(changes.map(([counter, by]) => [`stats.${counter}`, by])) },
        { session, timestamps: false },
      )
      .exec();
    return result.matchedCount === 1;
  }

  /**
   * What a task change does to its initiative, if the status is one of `from`: `$inc` of the
   * task counters, the skills of its open tasks. Leaves `updatedAt` alone (the initiative
   * itself did not change). False when the status did not match.
   */
  async applyTaskChange(
    id: Types.ObjectId,
    from: readonly InitiativeStatus[],
    change: { tasks: number; openSlots: number; skills: string[] },
    session: ClientSession,
  ): Promise<boolean> {
    const result = await this.initiatives
      .updateOne(
        { _id: id, status: mongoose.trusted({ $in: [...from] }) },
        {
          $inc: { 'stats.tasks': change.tasks, 'stats.openSlots': change.openSlots },
          $set: { skills: change.skills },
        },
        { session, timestamps: false },
      )
      .exec();
    return result.matchedCount === 1;
  }

  /**
   * A page in the default order, newest first: `rankedAt` descending, then `_id` descending,
   * strictly after `after`. The query is exposed so tests can `explain()` the very query.
   */
  rankedPageQuery(
    filters: InitiativeFilters,
    after: CursorPosition | null,
    limit: number,
  ): Query<Initiative[], Initiative> {
    const conditions = this.filterOf(filters);
    if (after) {
      const at = new Date(after.value);
      // The bound on rankedAt lets the index walk start at the cursor; the $or breaks ties.
      conditions.rankedAt = mongoose.trusted({ $lte: at });
      conditions.$or = [
        { rankedAt: mongoose.trusted({ $lt: at }) },
        { _id: mongoose.trusted({ $lt: after.id }) },
      ];
    }
    return this.initiatives
      .find(conditions, WITHOUT_SEARCH_TEXT)
      .sort({ rankedAt: -1, _id: -1 })
      .limit(limit)
      .lean<Initiative[]>() as unknown as Query<Initiative[], Initiative>;
  }

  rankedPage(
    filters: InitiativeFilters,
    after: CursorPosition | null,
    limit: number,
  ): Promise<Initiative[]> {
    return this.rankedPageQuery(filters, after, limit).exec();
  }

  /** Up to `count` initiatives at `near.minMeters`..`near.maxMeters`, nearest first. */
  nearest(filters: InitiativeFilters, near: NearFilter, count: number): Promise<Initiative[]> {
    const conditions = this.filterOf(filters);
    conditions.location = mongoose.trusted({
      $near: {
        $geometry: toGeoJson(near.point),
        $minDistance: near.minMeters,
        $maxDistance: near.maxMeters,
      },
    });
    return this.initiatives
      .find(conditions, WITHOUT_SEARCH_TEXT)
      .limit(count)
      .lean<Initiative[]>()
      .exec();
  }

  private filterOf(filters: InitiativeFilters): QueryFilter<Initiative> {
    const conditions: QueryFilter<Initiative> = {};
    if (filters.visibility) conditions.visibility = filters.visibility;
    if (filters.status) conditions.status = filters.status;
    if (filters.organizationId) conditions.organizationId = filters.organizationId;
    if (filters.mode) conditions.mode = filters.mode;
    if (filters.category) conditions.category = filters.category;
    if (filters.region) conditions.region = filters.region;
    if (filters.skills?.length === 1) conditions.skills = filters.skills[0];
    else if (filters.skills?.length) conditions.skills = mongoose.trusted({ $in: filters.skills });
    if (filters.text) conditions.$text = mongoose.trusted({ $search: filters.text });
    return conditions;
  }
}
