/**
 * Sort comparators for find/aggregate `sort` specs, with MongoDB's rules:
 * - values of different types order by MongoDB's cross-type order (compareValues);
 * - an array field sorts by its smallest element ascending and its largest descending;
 *   an empty array sorts before null/missing; missing sorts as null;
 * - dotted paths fan out over arrays of documents, but a numeric component applied to an array
 *   only indexes it (sort/index key semantics, unlike queries which also read field "0");
 * - `{ $meta: 'textScore' }` sorts by the hidden text score, highest first.
 */
import { compareValues, isNumeric, numericValue, type Document } from '../bson/values';
import { ErrorCode, MongoError } from '../errors';
import { arrayIndexOf, isTraversable, splitPath } from './paths';
import { TEXT_SCORE } from './projection';

/** Sort key of an empty array: below null/missing, as MongoDB sorts it. */
const EMPTY_ARRAY = Symbol('emptyArray');

function compareKeys(a: unknown, b: unknown): number {
  if (a === EMPTY_ARRAY || b === EMPTY_ARRAY) {
    if (a === b) return 0;
    // Only MinKey sorts below an empty array.
    if (a === EMPTY_ARRAY) return compareValues(b, null) < 0 ? 1 : -1;
    return compareValues(a, null) < 0 ? -1 : 1;
  }
  return compareValues(a, b);
}

/**
 * Visits the values a sort key is drawn from (leaf arrays unexpanded). Missing branches and
 * scalars met mid-path give null.
 */
function sortWalk(
  cur: unknown,
  parts: readonly string[],
  i: number,
  visit: (v: unknown) => void,
): void {
  for (; i < parts.length; i++) {
    if (Array.isArray(cur)) {
      const idx = arrayIndexOf(parts[i]);
      if (idx >= 0) {
        cur = idx < cur.length ? cur[idx] : undefined;
        continue;
      }
      if (cur.length === 0) return visit(null);
      for (const el of cur) {
        if (isTraversable(el)) sortWalk(el, parts, i, visit);
        else visit(null);
      }
      return;
    }
    if (!isTraversable(cur)) return visit(null);
    cur = Object.prototype.hasOwnProperty.call(cur, parts[i]) ? cur[parts[i]] : undefined;
  }
  visit(cur);
}

function keyOf(doc: Document, parts: readonly string[], desc: boolean): unknown {
  if (parts.length === 1) {
    const v = doc[parts[0]];
    if (!Array.isArray(v)) {
      // Own-property check only matters for names Object.prototype defines.
      return v === undefined || typeof v === 'function' ? null : v;
    }
  }
  let best: unknown;
  let found = false;
  let sawEmpty = false;
  sortWalk(doc, parts, 0, (v) => {
    if (Array.isArray(v)) {
      if (v.length === 0) sawEmpty = true;
      for (const el of v) {
        if (!found || (desc ? compareKeys(el, best) > 0 : compareKeys(el, best) < 0)) best = el;
        found = true;
      }
      return;
    }
    const el = v === undefined ? null : v;
    if (!found || (desc ? compareKeys(el, best) > 0 : compareKeys(el, best) < 0)) best = el;
    found = true;
  });
  if (sawEmpty) {
    // The empty array competes as the lowest key.
    if (!found || !desc || compareKeys(EMPTY_ARRAY, best) > 0) return EMPTY_ARRAY;
  }
  return found ? best : null;
}

/**
 * The value a document sorts by on `path` in `direction` (1 or -1): the element minimum
 * (ascending) or maximum (descending) for arrays, null for missing, and `undefined` for an
 * empty array (it sorts before null; compareValues ranks undefined with null).
 */
export function sortKeyFor(doc: Document, path: string, direction: number): unknown {
  const k = keyOf(doc, splitPath(path), direction < 0);
  return k === EMPTY_ARRAY ? undefined : k;
}

function parseDirection(v: unknown): 1 | -1 | 'textScore' {
  if (isNumeric(v)) {
    const n = numericValue(v);
    if (n == 1) return 1; // loose: n may be a bigint
    if (n == -1) return -1;
  } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const meta = (v as Document).$meta;
    if (meta === 'textScore' && Object.keys(v).length === 1) return 'textScore';
    if (meta !== undefined) {
      throw new MongoError(ErrorCode.BadValue, `$meta for sort must be 'textScore'`);
    }
  }
  throw new MongoError(
    ErrorCode.BadValue,
    '$sort key ordering must be 1 (for ascending) or -1 (for descending)',
  );
}

function textScore(doc: Document): number {
  const s = (doc as Record<symbol, unknown>)[TEXT_SCORE];
  return typeof s === 'number' ? s : 0;
}

type Cmp = (a: Document, b: Document) => number;

/** A comparator for a sort spec, or null when there is nothing to sort by. */
export function compileSort(sort: Document | undefined): Cmp | null {
  if (sort === undefined || sort === null) return null;
  if (typeof sort !== 'object' || Array.isArray(sort)) {
    throw new MongoError(ErrorCode.BadValue, 'sort must be an object');
  }
  const keys = Object.keys(sort);
  if (keys.length === 0) return null;
  const parts: Cmp[] = keys.map((path): Cmp => {
    if (path === '')
      throw new MongoError(ErrorCode.BadValue, 'FieldPath cannot be constructed with empty string');
    const dir = parseDirection(sort[path]);
    if (dir === 'textScore') return (a, b) => textScore(b) - textScore(a);
    const p = splitPath(path);
    const desc = dir === -1;
    if (p.length === 1) {
      const f = p[0];
      // Fast path: scalar top-level fields compare directly.
      return (a, b) => {
        const x = a[f];
        const y = b[f];
        if (
          !Array.isArray(x) &&
          !Array.isArray(y) &&
          typeof x !== 'function' &&
          typeof y !== 'function'
        ) {
          const c = compareValues(x === undefined ? null : x, y === undefined ? null : y);
          return desc ? -c : c;
        }
        const c = compareKeys(keyOf(a, p, desc), keyOf(b, p, desc));
        return desc ? -c : c;
      };
    }
    return (a, b) => {
      const c = compareKeys(keyOf(a, p, desc), keyOf(b, p, desc));
      return desc ? -c : c;
    };
  });
  if (parts.length === 1) return parts[0];
  return (a, b) => {
    for (let i = 0; i < parts.length; i++) {
      const c = parts[i](a, b);
      if (c !== 0) return c;
    }
    return 0;
  };
}
