/**
 * Chooses how a query reaches its candidate documents: an `_id` lookup, a bounded walk of a
 * secondary index (equality prefix, then a range or `$in` on the next field), or a scan. When
 * the index order already is the requested sort order, the walk yields documents sorted, so a
 * page of 20 stops after 20 matches instead of sorting the collection. A hint (index name, key
 * pattern or `$natural`) forces the choice. Scans count the index keys they read, for explain.
 */
import {
  Document,
  bsonTypeOf,
  canonicalTypeRank,
  compareValues,
  toJsNumber,
  valueKey,
} from '../bson/values';
import { ErrorCode, MongoError } from '../errors';
import { FieldRange, filterRanges } from '../query/matcher';
import { Collection } from './collection';
import { Index, IndexEntry } from './indexes';

type Bounds = FieldRange;

/** Work an index walk did, as explain's executionStats reports it (plain counters). */
export interface ScanCounters {
  /** Index entries read (the entry that ends a walk is not counted). */
  keysExamined: number;
  /** Positionings of the index cursor (one per walked block, one per `$in` value). */
  seeks: number;
  /** Multikey de-duplication: record ids tested, and those dropped as already seen. */
  dupsTested: number;
  dupsDropped: number;
}

/** Visits candidate `_id` keys until the visitor returns false, counting the work done. */
export type CandidateScan = (visit: (idKey: string) => boolean, counters: ScanCounters) => void;

/** How the candidates are read; explain turns this into IDHACK, IXSCAN or COLLSCAN. */
export type Access =
  | { kind: 'collscan'; forward: boolean }
  | { kind: 'ids'; ids: unknown[] }
  | {
      kind: 'ixscan';
      index: Index;
      /** Equality values of the index's leading fields. */
      eqs: unknown[];
      /** Range or `$in` on the field after the equalities. */
      bounds: Bounds | undefined;
      forward: boolean;
    };

export interface Plan {
  /** Candidate `_id` keys, in the order to examine them; null means a forward collection scan. */
  scan: CandidateScan | null;
  /** The candidates come out in the requested sort order. */
  sorted: boolean;
  index: string | null;
  access: Access;
}

/** A resolved hint: an index, or the collection in natural order (1) or reversed (-1). */
export type ResolvedHint = Index | { natural: 1 | -1 } | null;

const SCAN: Plan = {
  scan: null,
  sorted: false,
  index: null,
  access: { kind: 'collscan', forward: true },
};

function fromList(coll: Collection, ids: string[]): CandidateScan {
  return (visit, counters) => {
    for (const id of ids) {
      counters.seeks++;
      // Absent ids cost no key; a transaction adds its own writes and history separately.
      if (!coll.records.has(id)) continue;
      counters.keysExamined++;
      if (!visit(id)) return;
    }
  };
}

/** A value an index bound may use: equality on arrays, objects or regexes is left to scans. */
function boundable(v: unknown): boolean {
  const t = bsonTypeOf(v);
  return t !== 'array' && t !== 'object' && t !== 'regex' && t !== 'missing';
}

function sameKeyPattern(a: Document, b: Document): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k, i) => {
    if (kb[i] !== k) return false;
    const x = a[k];
    const y = b[k];
    if (typeof x === 'string' || typeof y === 'string') return x === y;
    return compareValues(x, y) === 0;
  });
}

/**
 * The index a `hint` names (by name or key pattern), `$natural` order, or null without a hint.
 * An unknown index fails as MongoDB's planner does (BadValue).
 */
export function resolveHint(coll: Collection, hint: unknown): ResolvedHint {
  if (hint === undefined || hint === null || hint === '') return null;
  if (typeof hint === 'string') {
    const byName = coll.indexes.get(hint);
    if (byName) return byName;
  } else if (typeof hint === 'object' && !Array.isArray(hint)) {
    const pattern = hint as Document;
    const keys = Object.keys(pattern);
    if (keys.length === 0) return null;
    if (keys.length === 1 && keys[0] === '$natural') {
      return { natural: toJsNumber(pattern.$natural) < 0 ? -1 : 1 };
    }
    for (const index of coll.indexes.values()) {
      if (sameKeyPattern(index.spec.key, pattern)) return index;
    }
  } else {
    throw new MongoError(ErrorCode.BadValue, 'hint must be a string or an object');
  }
  throw new MongoError(
    ErrorCode.BadValue,
    `error processing query: ns=${coll.ns}: planner returned error :: caused by :: hint provided does not correspond to an existing index`,
  );
}

function naturalPlan(coll: Collection, direction: 1 | -1): Plan {
  if (direction === 1) return SCAN;
  return {
    scan: (visit) => {
      const ids = [...coll.records.keys()];
      for (let i = ids.length - 1; i >= 0; i--) if (!visit(ids[i])) return;
    },
    sorted: false,
    index: null,
    access: { kind: 'collscan', forward: false },
  };
}

export function plan(
  coll: Collection,
  filter: Document,
  sort: Document | undefined,
  hint: ResolvedHint = null,
): Plan {
  if (hint && 'natural' in hint) return naturalPlan(coll, hint.natural);
  const ranges = filterRanges(filter);
  if (!hint) {
    const idBounds = ranges.get('_id');
    if (idBounds?.eq !== undefined && boundable(idBounds.eq)) {
      return {
        scan: fromList(coll, [valueKey(idBounds.eq)]),
        sorted: false,
        index: '_id_',
        access: { kind: 'ids', ids: [idBounds.eq] },
      };
    }
    if (idBounds?.in && idBounds.in.every(boundable)) {
      const unique = new Map(idBounds.in.map((v) => [valueKey(v), v]));
      return {
        scan: fromList(coll, [...unique.keys()]),
        sorted: false,
        index: '_id_',
        access: { kind: 'ids', ids: [...unique.values()] },
      };
    }
  }
  const sortFields = sort ? Object.keys(sort) : [];
  let best: {
    index: Index;
    eqCount: number;
    rangeField: boolean;
    sortDir: number;
    score: number;
  } | null = null;
  const candidates = hint ? [hint] : coll.indexes.values();
  for (const index of candidates) {
    if (
      !hint &&
      (index.kind !== 'regular' || index.spec.partialFilterExpression || index.spec.sparse)
    ) {
      continue;
    }
    let eqCount = 0;
    while (eqCount < index.fields.length) {
      const b = ranges.get(index.fields[eqCount]);
      if (!b || b.eq === undefined || !boundable(b.eq) || (index.multikey && b.eq === null)) break;
      eqCount++;
    }
    const next = ranges.get(index.fields[eqCount] ?? '');
    const rangeField =
      next !== undefined &&
      next.eq === undefined &&
      (next.in?.every(boundable) === true ||
        [next.gt, next.gte, next.lt, next.lte].some((v) => v !== undefined && boundable(v)));
    const sortDir = sortDirection(index, eqCount, sortFields, sort, rangeField && !!next?.in);
    const score = eqCount * 4 + (rangeField ? 2 : 0) + (sortDir !== 0 ? 1 : 0);
    if ((hint || score > 0) && (!best || score > best.score)) {
      best = { index, eqCount, rangeField, sortDir, score };
    }
  }
  if (!best) return SCAN;
  const { index, eqCount, rangeField, sortDir } = best;
  const eqs = index.fields.slice(0, eqCount).map((f) => ranges.get(f)?.eq);
  const bounds = rangeField
    ? oneSidedIfMultikey(index, index.fields[eqCount], ranges.get(index.fields[eqCount]) as Bounds)
    : undefined;
  const sorted = sortDir !== 0;
  const forward = sortDir >= 0;
  return {
    scan: (visit, counters) => {
      // A multikey index lists a document once per key; others list it once.
      if (!index.multikey) return walk(index, eqs, bounds, forward, visit, counters);
      const seen = new Set<string>();
      walk(
        index,
        eqs,
        bounds,
        forward,
        (id) => {
          counters.dupsTested++;
          if (seen.has(id)) {
            counters.dupsDropped++;
            return true;
          }
          seen.add(id);
          return visit(id);
        },
        counters,
      );
    },
    sorted,
    index: index.name,
    access: { kind: 'ixscan', index, eqs, bounds, forward },
  };
}

/**
 * On a multikey field two bounds cannot be intersected: `{a: {$gt: 1, $lt: 5}}` matches
 * `{a: [0, 10]}` although no key lies in (1, 5). Keep the lower bound only (the filter still
 * checks both), as MongoDB does.
 */
function oneSidedIfMultikey(index: Index, field: string, bounds: Bounds): Bounds {
  if (!index.multikeyFields.has(field) || bounds.in) return bounds;
  const hasLower = bounds.gt !== undefined || bounds.gte !== undefined;
  const hasUpper = bounds.lt !== undefined || bounds.lte !== undefined;
  if (!hasLower || !hasUpper) return bounds;
  return { gt: bounds.gt, gte: bounds.gte };
}

/**
 * +1 when walking the index forward yields `sort` order after the equality prefix, -1 when
 * walking it backward does, 0 when it cannot (also when a sorted field held an array: its
 * documents sort by their smallest or largest element, not by each key). An array in an
 * equality field does not matter: each document has one key in the equality's block.
 */
function sortDirection(
  index: Index,
  eqCount: number,
  sortFields: string[],
  sort: Document | undefined,
  inBounds: boolean,
): number {
  if (!sort || sortFields.length === 0 || inBounds) return 0;
  const rest = index.fields.slice(eqCount);
  if (sortFields.length > rest.length) return 0;
  if (rest.slice(0, sortFields.length).some((f) => index.multikeyFields.has(f))) return 0;
  let dir = 0;
  for (let i = 0; i < sortFields.length; i++) {
    if (sortFields[i] !== rest[i]) return 0;
    const s = Number(sort[sortFields[i]]) < 0 ? -1 : 1;
    const d = s * index.directions[eqCount + i];
    if (dir === 0) dir = d;
    else if (dir !== d) return 0;
  }
  return dir;
}

function walk(
  index: Index,
  eqs: unknown[],
  bounds: Bounds | undefined,
  forward: boolean,
  visit: (idKey: string) => boolean,
  counters: ScanCounters,
): void {
  const k = eqs.length;
  const prefixCmp = (e: IndexEntry): number => {
    for (let i = 0; i < k; i++) {
      const c = compareValues(e.key[i], eqs[i]);
      if (c !== 0) return c * index.directions[i];
    }
    return 0;
  };
  if (bounds?.in) {
    const values = [...bounds.in].sort(compareValues);
    let going = true;
    for (const v of values) {
      if (!going) return;
      walkBlock(index, [...eqs, v], forward, (id) => (going = visit(id)), counters);
    }
    return;
  }
  if (!bounds) {
    walkBlock(index, eqs, forward, visit, counters);
    return;
  }
  const lower = bounds.gte ?? bounds.gt;
  const upper = bounds.lte ?? bounds.lt;
  const rank = canonicalTypeRank(lower !== undefined ? lower : upper);
  const inRange = (v: unknown): number => {
    // -1: before the range (in walk order terms: not yet), 0: inside, 1: past it.
    if (canonicalTypeRank(v) < rank) return -1;
    if (canonicalTypeRank(v) > rank) return 1;
    if (lower !== undefined) {
      const c = compareValues(v, lower);
      if (c < 0 || (c === 0 && bounds.gte === undefined)) return -1;
    }
    if (upper !== undefined) {
      const c = compareValues(v, upper);
      if (c > 0 || (c === 0 && bounds.lte === undefined)) return 1;
    }
    return 0;
  };
  const dir = index.directions[k];
  // Position on the side of the range the walk starts from, then stop when leaving it.
  const startValue = dir === (forward ? 1 : -1) ? lower : upper;
  const startCmp = (e: IndexEntry): number => {
    const p = prefixCmp(e);
    if (p !== 0) return p;
    // Without a bound on the starting side, start at the block's edge and skip to the range.
    if (startValue === undefined) return 0;
    return compareValues(e.key[k], startValue) * dir;
  };
  const probe = { key: [], rid: 0, id: '' } as IndexEntry;
  const start = forward
    ? index.entries.lowerBound(probe, (e) => (startCmp(e) < 0 ? -1 : 1))
    : index.entries.upperBoundInclusive(probe, (e) => (startCmp(e) <= 0 ? -1 : 1));
  counters.seeks++;
  index.entries.visit(start, forward, (e) => {
    if (prefixCmp(e) !== 0) return false;
    counters.keysExamined++;
    const r = inRange(e.key[k]);
    if (r === 0) return visit(e.id);
    const pastEnd = forward ? r * dir : -r * dir;
    return pastEnd <= 0;
  });
}

function walkBlock(
  index: Index,
  eqs: unknown[],
  forward: boolean,
  visit: (idKey: string) => boolean,
  counters: ScanCounters,
): void {
  const k = eqs.length;
  const cmp = (e: IndexEntry): number => {
    for (let i = 0; i < k; i++) {
      const c = compareValues(e.key[i], eqs[i]);
      if (c !== 0) return c * index.directions[i];
    }
    return 0;
  };
  const probe = { key: [], rid: 0, id: '' } as IndexEntry;
  const start = forward
    ? index.entries.lowerBound(probe, (e) => (cmp(e) < 0 ? -1 : 1))
    : index.entries.upperBoundInclusive(probe, (e) => (cmp(e) <= 0 ? -1 : 1));
  counters.seeks++;
  index.entries.visit(start, forward, (e) => {
    if (cmp(e) !== 0) return false;
    counters.keysExamined++;
    return visit(e.id);
  });
}
