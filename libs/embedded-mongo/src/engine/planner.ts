/**
 * Chooses how a query reaches its candidate documents: an `_id` lookup, a bounded walk of a
 * secondary index (equality prefix, then a range or `$in` on the next field), or a scan. When
 * the index order already is the requested sort order, the walk yields documents sorted, so a
 * page of 20 stops after 20 matches instead of sorting the collection.
 */
import { Document, bsonTypeOf, canonicalTypeRank, compareValues, valueKey } from '../bson/values';
import { filterRanges } from '../query/matcher';
import { Collection } from './collection';
import { Index, IndexEntry } from './indexes';

type Bounds = { eq?: unknown; in?: unknown[]; gt?: unknown; gte?: unknown; lt?: unknown; lte?: unknown };

export interface Plan {
  /** Candidate `_id` keys, in the order to examine them; null means a collection scan. */
  ids: Iterable<string> | null;
  /** The candidates come out in the requested sort order. */
  sorted: boolean;
  index: string | null;
}

const SCAN: Plan = { ids: null, sorted: false, index: null };

/** A value an index bound may use: equality on arrays, objects or regexes is left to scans. */
function boundable(v: unknown): boolean {
  const t = bsonTypeOf(v);
  return t !== 'array' && t !== 'object' && t !== 'regex' && t !== 'missing';
}

export function plan(coll: Collection, filter: Document, sort: Document | undefined): Plan {
  const ranges = filterRanges(filter) as Map<string, Bounds>;
  const idBounds = ranges.get('_id');
  if (idBounds?.eq !== undefined && boundable(idBounds.eq)) {
    return { ids: [valueKey(idBounds.eq)], sorted: false, index: '_id_' };
  }
  if (idBounds?.in && idBounds.in.every(boundable)) {
    const ids = [...new Set(idBounds.in.map(valueKey))];
    return { ids, sorted: false, index: '_id_' };
  }
  const sortFields = sort ? Object.keys(sort) : [];
  let best: { index: Index; eqCount: number; rangeField: boolean; sortDir: number; score: number } | null =
    null;
  for (const index of coll.indexes.values()) {
    if (index.kind !== 'regular' || index.spec.partialFilterExpression || index.spec.sparse) continue;
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
    if (score > 0 && (!best || score > best.score)) {
      best = { index, eqCount, rangeField, sortDir, score };
    }
  }
  if (!best) return SCAN;
  const { index, eqCount, rangeField, sortDir } = best;
  const eqs = index.fields.slice(0, eqCount).map((f) => ranges.get(f)?.eq);
  const bounds = rangeField ? (ranges.get(index.fields[eqCount]) as Bounds) : undefined;
  const sorted = sortDir !== 0;
  return {
    ids: dedupe(walk(index, eqs, bounds, sortDir >= 0)),
    sorted,
    index: index.name,
  };
}

/**
 * +1 when walking the index forward yields `sort` order after the equality prefix, -1 when
 * walking it backward does, 0 when it cannot (or when the index is multikey).
 */
function sortDirection(
  index: Index,
  eqCount: number,
  sortFields: string[],
  sort: Document | undefined,
  inBounds: boolean,
): number {
  if (!sort || sortFields.length === 0 || index.multikey || inBounds) return 0;
  const rest = index.fields.slice(eqCount);
  if (sortFields.length > rest.length) return 0;
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

function* dedupe(ids: Iterable<string>): Generator<string> {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    yield id;
  }
}

function* walk(index: Index, eqs: unknown[], bounds: Bounds | undefined, forward: boolean) {
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
    for (const v of values) yield* walkBlock(index, [...eqs, v], forward);
    return;
  }
  if (!bounds) {
    yield* walkBlock(index, eqs, forward);
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
  for (const e of index.entries.walk(start, forward)) {
    if (prefixCmp(e) !== 0) return;
    const r = inRange(e.key[k]);
    const pastEnd = forward ? r * dir : -r * dir;
    if (r === 0) yield e.id;
    else if (pastEnd > 0) return;
  }
}

function* walkBlock(index: Index, eqs: unknown[], forward: boolean): Generator<string> {
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
  for (const e of index.entries.walk(start, forward)) {
    if (cmp(e) !== 0) return;
    yield e.id;
  }
}
