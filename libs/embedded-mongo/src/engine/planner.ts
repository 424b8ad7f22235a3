/**
 * Chooses how a query reaches its candidate documents: an `_id` lookup, a bounded walk of a
 * secondary index (equality prefix, then a range or `$in` on the next field), or a scan. When
 * the index order already is the requested sort order, the walk yields documents sorted, so a
 * page of 20 stops after 20 matches instead of sorting the collection.
 */
import { Document, bsonTypeOf, canonicalTypeRank, compareValues, valueKey } from '../bson/values';
import { FieldRange, filterRanges } from '../query/matcher';
import { Collection } from './collection';
import { Index, IndexEntry } from './indexes';

type Bounds = FieldRange;

/** Visits candidate `_id` keys until the visitor returns false. */
export type CandidateScan = (visit: (idKey: string) => boolean) => void;

export interface Plan {
  /** Candidate `_id` keys, in the order to examine them; null means a collection scan. */
  scan: CandidateScan | null;
  /** The candidates come out in the requested sort order. */
  sorted: boolean;
  index: string | null;
}

const SCAN: Plan = { scan: null, sorted: false, index: null };

function fromList(ids: string[]): CandidateScan {
  return (visit) => {
    for (const id of ids) if (!visit(id)) return;
  };
}

/** A value an index bound may use: equality on arrays, objects or regexes is left to scans. */
function boundable(v: unknown): boolean {
  const t = bsonTypeOf(v);
  return t !== 'array' && t !== 'object' && t !== 'regex' && t !== 'missing';
}

export function plan(coll: Collection, filter: Document, sort: Document | undefined): Plan {
  const ranges = filterRanges(filter);
  const idBounds = ranges.get('_id');
  if (idBounds?.eq !== undefined && boundable(idBounds.eq)) {
    return { scan: fromList([valueKey(idBounds.eq)]), sorted: false, index: '_id_' };
  }
  if (idBounds?.in && idBounds.in.every(boundable)) {
    const ids = [...new Set(idBounds.in.map(valueKey))];
    return { scan: fromList(ids), sorted: false, index: '_id_' };
  }
  const sortFields = sort ? Object.keys(sort) : [];
  let best: {
    index: Index;
    eqCount: number;
    rangeField: boolean;
    sortDir: number;
    score: number;
  } | null = null;
  for (const index of coll.indexes.values()) {
    if (index.kind !== 'regular' || index.spec.partialFilterExpression || index.spec.sparse)
      continue;
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
  const forward = sortDir >= 0;
  return {
    scan: (visit) => {
      // A multikey index lists a document once per key; others list it once.
      if (!index.multikey) return walk(index, eqs, bounds, forward, visit);
      const seen = new Set<string>();
      walk(index, eqs, bounds, forward, (id) => {
        if (seen.has(id)) return true;
        seen.add(id);
        return visit(id);
      });
    },
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

function walk(
  index: Index,
  eqs: unknown[],
  bounds: Bounds | undefined,
  forward: boolean,
  visit: (idKey: string) => boolean,
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
      walkBlock(index, [...eqs, v], forward, (id) => (going = visit(id)));
    }
    return;
  }
  if (!bounds) {
    walkBlock(index, eqs, forward, visit);
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
  index.entries.visit(start, forward, (e) => {
    if (prefixCmp(e) !== 0) return false;
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
  index.entries.visit(start, forward, (e) => cmp(e) === 0 && visit(e.id));
}
