import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import {
  ACTIVE_INITIATIVE_STATUSES,
  EventSubjects,
  INITIATIVE_TIME_RULES,
  PAGE_LIMIT_DEFAULT,
  parseDateTime,
  SEARCH_LIMITS,
  timeWindowProblems,
  type CreateInitiativePayload,
  type InitiativeFields,
  type InitiativePage,
  type InitiativeStatus,
  type InitiativeView,
  type RequestMeta,
  type SearchInitiativesPayload,
  type UpdateInitiativePayload,
} from '@spilno/contracts';
import { PUBLIC_INITIATIVE_STATUSES } from '@spilno/auth';
import { newEvent, Outbox, withTransaction } from '@spilno/messaging';
import { Caller, callerOf, isMemberOf, signedIn } from '../common/caller';
import { distanceMeters, fromGeoJson, toGeoJson, toKilometres } from '../common/geo';
import { nearestPage } from '../common/nearest-page';
import { CursorKind, decodeCursor, encodeCursor, type CursorPosition } from '../common/page-cursor';
import { searchQueryOf, searchTextOf } from '../common/search-text';
import { InitiativeAccess } from './initiative-access';
import { InitiativeChangeListeners } from './initiative-changes';
import { InitiativesError, InitiativesErrorCode } from './initiatives.errors';
import {
  InitiativeChanges,
  InitiativeFilters,
  InitiativesRepository,
} from './initiatives.repository';
import { Initiative } from './schemas/initiative.schema';
import {
  initiativeSubject,
  toInitiativeEvent,
  toInitiativeListItem,
  toInitiativeView,
} from './views';

type Transition = 'publish' | 'complete' | 'cancel';

/** Where each lifecycle step may start, what it sets, the event it emits, its 409. */
const TRANSITIONS: Record<
  Transition,
  {
    from: readonly InitiativeStatus[];
    to: InitiativeStatus;
    event: string;
    wrongState: InitiativesErrorCode;
  }
> = {
  publish: {
    from: ['draft'],
    to: 'published',
    event: EventSubjects.initiatives.initiativePublished,
    wrongState: InitiativesErrorCode.NotADraft,
  },
  complete: {
    from: ['published'],
    to: 'completed',
    event: EventSubjects.initiatives.initiativeCompleted,
    wrongState: InitiativesErrorCode.NotPublished,
  },
  cancel: {
    from: ['draft', 'published'],
    to: 'cancelled',
    event: EventSubjects.initiatives.initiativeCancelled,
    wrongState: InitiativesErrorCode.AlreadyEnded,
  },
};

@Injectable()
export class InitiativesService {
  private readonly outbox: Outbox;

  constructor(
    private readonly initiatives: InitiativesRepository,
    private readonly access: InitiativeAccess,
    private readonly listeners: InitiativeChangeListeners,
    @InjectConnection() private readonly connection: Connection,
  ) {
    this.outbox = new Outbox(connection);
  }

  /** A draft of an organization the caller's token names as theirs (verified ones only). */
  async create(meta: RequestMeta, payload: CreateInitiativePayload): Promise<InitiativeView> {
    const caller = callerOf(meta);
    const principal = signedIn(caller);
    const window = { startsAt: dateOf(payload.startsAt), endsAt: dateOf(payload.endsAt) };
    const now = new Date();
    const problems = timeWindowProblems(window, INITIATIVE_TIME_RULES, now);
    if (problems.length) throw new InitiativesError(InitiativesErrorCode.InvalidSchedule, problems);
    const organizationId = new Types.ObjectId(payload.organizationId);
    // Admins may act on any initiative, but the token vouches only for its own organizations
    // being verified: creating needs a membership.
    const draft = initiativeSubject({ organizationId, status: 'draft' });
    if (
      !caller.ability.can('create', draft) ||
      !isMemberOf(principal, organizationId.toHexString())
    ) {
      throw new InitiativesError(InitiativesErrorCode.NotAMember);
    }
    const tags = payload.tags ?? [];
    const created = await this.initiatives.insert({
      organizationId,
      title: payload.title,
      description: payload.description,
      mode: payload.mode,
      category: payload.category,
      region: payload.region,
      district: payload.district ?? null,
      ...(payload.location ? { location: toGeoJson(payload.location) } : {}),
      ...window,
      tags,
      searchText: searchTextOf({ title: payload.title, description: payload.description, tags }),
      rankedAt: now,
    });
    return toInitiativeView(created);
  }

  async get(meta: RequestMeta, initiativeId: string): Promise<InitiativeView> {
    return toInitiativeView(await this.access.readable(callerOf(meta), initiativeId));
  }

  /** Drafts and published ones change; `evt.initiatives.initiative.updated.v1` says so. */
  async update(meta: RequestMeta, payload: UpdateInitiativePayload): Promise<InitiativeView> {
    const caller = callerOf(meta);
    signedIn(caller);
    const initiative = await this.access.readable(caller, payload.initiativeId);
    this.access.authorize(caller, 'update', initiative);
    if (!ACTIVE_INITIATIVE_STATUSES.includes(initiative.status)) {
      throw new InitiativesError(InitiativesErrorCode.NotEditable);
    }
    const now = new Date();
    // Computed from the initiative as the transaction reads it: a concurrent edit of other
    // fields is neither undone nor missing from the search text.
    const changesOf = (current: Initiative) => this.changesFor(current, payload.changes, now);
    return this.commit(initiative._id, ACTIVE_INITIATIVE_STATUSES, changesOf, now, {
      event: EventSubjects.initiatives.initiativeUpdated,
      wrongState: InitiativesErrorCode.NotEditable,
    });
  }

  async transition(
    meta: RequestMeta,
    initiativeId: string,
    transition: Transition,
  ): Promise<InitiativeView> {
    const caller = callerOf(meta);
    signedIn(caller);
    const initiative = await this.access.readable(caller, initiativeId);
    this.access.authorize(caller, 'publish', initiative);
    const step = TRANSITIONS[transition];
    if (!step.from.includes(initiative.status)) throw new InitiativesError(step.wrongState);
    const now = new Date();
    const set: InitiativeChanges['set'] = { status: step.to };
    if (step.to === 'published') {
      Object.assign(set, { visibility: 'public', publishedAt: now, rankedAt: now });
    } else {
      // An ended initiative closes its open tasks (the tasks module listens): nothing is open.
      Object.assign(set, {
        visibility: step.to === 'completed' ? 'public' : 'private',
        [step.to === 'completed' ? 'completedAt' : 'cancelledAt']: now,
        skills: [],
        'stats.openSlots': 0,
      });
    }
    return this.commit(initiative._id, step.from, () => ({ set }), now, step);
  }

  async search(meta: RequestMeta, query: SearchInitiativesPayload): Promise<InitiativePage> {
    if (query.radiusKm !== undefined && !query.near) {
      throw new InitiativesError(InitiativesErrorCode.RadiusWithoutNear);
    }
    if (query.q !== undefined && query.near) {
      throw new InitiativesError(InitiativesErrorCode.TextNearCombined);
    }
    const text = query.q === undefined ? undefined : searchQueryOf(query.q);
    if (text === null) throw new InitiativesError(InitiativesErrorCode.EmptyQuery);
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const kind = query.near ? CursorKind.Distance : CursorKind.Ranked;
    const after = query.cursor === undefined ? null : decodeCursor(kind, query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new InitiativesError(InitiativesErrorCode.InvalidCursor);
    }
    const scope = this.scopeOf(callerOf(meta), query);
    if (!scope) return { items: [], nextCursor: null };
    const filters: InitiativeFilters = {
      ...scope,
      mode: query.mode,
      category: query.category,
      region: query.region,
      skills: query.skills,
      text,
    };
    if (query.near) {
      const radiusKm = query.radiusKm ?? SEARCH_LIMITS.radiusKmDefault;
      return this.nearestPage(filters, query.near, radiusKm * 1000, after, limit);
    }
    const rows = await this.initiatives.rankedPage(filters, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => toInitiativeListItem(row)),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(CursorKind.Ranked, { value: last.rankedAt.getTime(), id: last._id })
          : null,
    };
  }

  /**
   * Which initiatives a search may show: public ones; every status of one organization to its
   * members (`organizationId=`), and any status to admins. Null when the requested status is
   * one the caller may not see (an empty page, as if there were none).
   */
  private scopeOf(caller: Caller, query: SearchInitiativesPayload): InitiativeFilters | null {
    const organizationId = query.organizationId
      ? new Types.ObjectId(query.organizationId)
      : undefined;
    const privileged = organizationId
      ? caller.ability.can('read', initiativeSubject({ organizationId, status: 'draft' }))
      : caller.ability.can('manage', 'all');
    if (query.status) {
      if (!privileged && !PUBLIC_INITIATIVE_STATUSES.includes(query.status)) return null;
      return { status: query.status, organizationId };
    }
    if (privileged && organizationId) return { organizationId };
    return { visibility: 'public', organizationId };
  }

  private async nearestPage(
    filters: InitiativeFilters,
    point: { lat: number; lng: number },
    maxMeters: number,
    after: CursorPosition | null,
    limit: number,
  ): Promise<InitiativePage> {
    const page = await nearestPage<Initiative>({
      fetch: (minMeters, count) =>
        this.initiatives.nearest(filters, { point, maxMeters, minMeters }, count),
      measure: (row) => ({
        row,
        distance: distanceMeters(point, fromGeoJson(row.location) ?? point),
        id: row._id,
      }),
      after: after ? { distance: after.value, id: after.id } : null,
      limit,
    });
    return {
      items: page.items.map((m) => toInitiativeListItem(m.row, toKilometres(m.distance))),
      nextCursor: page.last
        ? encodeCursor(CursorKind.Distance, { value: page.last.distance, id: page.last.id })
        : null,
    };
  }

  /** What an update sets, after checking the dates as they will be. */
  private changesFor(
    initiative: Initiative,
    requested: Partial<InitiativeFields>,
    now: Date,
  ): InitiativeChanges {
    const given = Object.entries(requested).filter(([, value]) => value !== undefined);
    if (given.length === 0) throw new InitiativesError(InitiativesErrorCode.NothingToChange);
    const set: InitiativeChanges['set'] = {};
    const unset: InitiativeChanges['unset'] = [];
    const window = { startsAt: initiative.startsAt, endsAt: initiative.endsAt };
    const changedDates: ('startsAt' | 'endsAt')[] = [];
    for (const field of ['startsAt', 'endsAt'] as const) {
      const value = requested[field];
      if (value === undefined) continue;
      window[field] = dateOf(value);
      set[field] = window[field];
      changedDates.push(field);
    }
    const problems = timeWindowProblems(window, INITIATIVE_TIME_RULES, now, changedDates);
    if (problems.length) throw new InitiativesError(InitiativesErrorCode.InvalidSchedule, problems);

    if (requested.title !== undefined) set.title = requested.title;
    if (requested.description !== undefined) set.description = requested.description;
    if (requested.category !== undefined) set.category = requested.category;
    if (requested.region !== undefined) set.region = requested.region;
    if (requested.district !== undefined) set.district = requested.district;
    if (requested.tags !== undefined) set.tags = requested.tags;
    if (requested.location === null) unset.push('location');
    else if (requested.location !== undefined) set.location = toGeoJson(requested.location);
    if (set.title !== undefined || set.description !== undefined || set.tags !== undefined) {
      set.searchText = searchTextOf({
        title: set.title ?? initiative.title,
        description: set.description ?? initiative.description,
        tags: set.tags ?? initiative.tags,
      });
    }
    return { set, unset };
  }

  /**
   * Applies the changes if the status is still one of `from`, lets the listeners follow, and
   * writes the event, all in one transaction.
   */
  private async commit(
    id: Types.ObjectId,
    from: readonly InitiativeStatus[],
    changesOf: (current: Initiative) => InitiativeChanges,
    at: Date,
    outcome: { event: string; wrongState: InitiativesErrorCode },
  ): Promise<InitiativeView> {
    const updated = await withTransaction(this.connection, async (session) => {
      const before = await this.initiatives.findById(id, session);
      // Thrown, not returned: someone changed the status since it was read.
      if (!before || !from.includes(before.status)) throw new InitiativesError(outcome.wrongState);
      const after = await this.initiatives.update(id, from, changesOf(before), session);
      if (!after) throw new InitiativesError(outcome.wrongState);
      await this.listeners.notify({ before, after, at, session });
      await this.outbox.add(
        newEvent(outcome.event, 'initiatives', toInitiativeEvent(after, at)),
        session,
      );
      return after;
    });
    return toInitiativeView(updated);
  }
}

function dateOf(value: string | null | undefined): Date | null {
  return value ? parseDateTime(value) : null;
}
