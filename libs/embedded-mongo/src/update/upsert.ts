/**
 * Query-derived inputs of an update: the seed document of an upsert (the query's equality
 * fields) and the array index the positional `$` operator refers to.
 */
import { bsonTypeOf, type Document } from '../bson/values';
import { ErrorCode } from '../errors';
import { compileFilter } from '../query/matcher';
import { arrayIndexOf, isTraversable } from '../query/paths';
import { err, hasOwn, setKey } from './common';
import { ownValue } from './modifiers';

/** An operator condition (`{$gt: 1}`): the first key decides, DBRef-like keys excepted. */
function isOperatorDoc(v: unknown): v is Document {
  if (!isTraversable(v)) return false;
  for (const k in v) return k.charCodeAt(0) === 36 && k !== '$ref' && k !== '$id' && k !== '$db';
  return false;
}

function isRegex(v: unknown): boolean {
  return bsonTypeOf(v) === 'regex';
}

/** Calls `fn` for each path condition ANDed at the top of a filter. */
function forEachConjunct(filter: Document, fn: (path: string, cond: unknown) => void): void {
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (key === '$and' && Array.isArray(value)) {
      for (const sub of value) if (isTraversable(sub)) forEachConjunct(sub, fn);
    } else if (key === '$or' && Array.isArray(value) && value.length === 1) {
      // A one-clause $or is its clause (MongoDB's optimiser rewrites it so).
      if (isTraversable(value[0])) forEachConjunct(value[0], fn);
    } else if (key.charCodeAt(0) !== 36) {
      fn(key, value);
    }
  }
}

const NONE = Symbol('none');

function equalityOf(cond: unknown): unknown {
  if (isOperatorDoc(cond)) {
    if (hasOwn(cond, '$eq') && !isRegex(cond.$eq)) return cond.$eq;
    // A one-element $in is an equality for the server too.
    const list = cond.$in;
    if (Array.isArray(list) && list.length === 1 && !isRegex(list[0])) return list[0];
    return NONE;
  }
  return isRegex(cond) ? NONE : cond;
}

function notSingleValue(message: string): Error {
  return err(ErrorCode.NotSingleValueField, message);
}

/**
 * The document an upsert starts from: the filter's equality conditions (`{a: 1}`,
 * `{a: {$eq: 1}}`, one-element `$in`, inside `$and`), dotted paths expanded into embedded
 * documents, fields in path order as MongoDB adds them, `_id` first.
 */
export function upsertSeed(filter: Document): Document {
  const eq = new Map<string, unknown>();
  if (isTraversable(filter)) {
    forEachConjunct(filter, (path, cond) => {
      const v = equalityOf(cond);
      if (v === NONE) return;
      if (eq.has(path)) {
        // Even an identical repeat is ambiguous to MongoDB ({a: 1, $and: [{a: 1}]} fails).
        throw notSingleValue(`cannot infer query fields to set, path '${path}' is matched twice`);
      }
      eq.set(path, v);
    });
  }
  const paths = [...eq.keys()].sort();
  for (let i = 1; i < paths.length; i++) {
    // Sorted, so a prefix sits right before its extensions.
    for (let j = i - 1; j >= 0; j--) {
      if (paths[i].startsWith(`${paths[j]}.`)) {
        throw notSingleValue(
          `cannot infer query fields to set, both paths '${paths[i]}' and '${paths[j]}' are matched`,
        );
      }
      if (!paths[i].startsWith(paths[j])) break;
    }
  }
  const seed: Document = {};
  if (eq.has('_id')) seed._id = ownValue(eq.get('_id'));
  for (const path of paths) {
    if (path === '_id') continue;
    const parts = path.split('.');
    let d = seed;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = hasOwn(d, parts[i]) ? d[parts[i]] : undefined;
      if (isTraversable(next)) {
        d = next;
      } else {
        const created: Document = {};
        setKey(d, parts[i], created);
        d = created;
      }
    }
    setKey(d, parts[parts.length - 1], ownValue(eq.get(path)));
  }
  return seed;
}

/**
 * The `_id` a replacement-style upsert inserts with: the filter's `_id` equality, if any
 * (MongoDB takes nothing else from the query for replacements). undefined when absent.
 */
export function upsertSeedId(filter: Document): unknown {
  let id: unknown;
  if (isTraversable(filter)) {
    forEachConjunct(filter, (path, cond) => {
      if (path !== '_id') return;
      const v = equalityOf(cond);
      if (v === NONE) return;
      if (id !== undefined) {
        throw notSingleValue("cannot infer query fields to set, path '_id' is matched twice");
      }
      id = v;
    });
  }
  return id === undefined ? undefined : ownValue(id);
}

// ---- Positional `$` -----------------------------------------------------------------------

type ElementTest = (el: unknown) => boolean;

interface Probe {
  parts: string[];
  cond: unknown;
  /** Element tests by the number of path components consumed before the array. */
  tests: Map<number, ElementTest>;
}

function elementTest(rest: string[], cond: unknown): ElementTest {
  if (rest.length === 0 && isTraversable(cond) && hasOwn(cond, '$elemMatch')) {
    // $elemMatch looks at the element as an array member: offer it in a one-element array.
    const pred = compileFilter({ v: cond });
    return (el) => pred({ v: [el] });
  }
  const path = rest.length === 0 ? 'v' : `v.${rest.join('.')}`;
  const pred = compileFilter({ [path]: cond });
  return (el) => pred({ v: el });
}

function probeIndex(doc: Document, probe: Probe): number | null {
  const { parts } = probe;
  let cur: unknown = doc;
  for (let i = 0; i <= parts.length; i++) {
    if (Array.isArray(cur)) {
      const idx = i < parts.length ? arrayIndexOf(parts[i]) : -1;
      if (idx >= 0) {
        // An explicit index walks into the array rather than over it.
        cur = cur[idx];
        continue;
      }
      let test = probe.tests.get(i);
      if (test === undefined) {
        test = elementTest(parts.slice(i), probe.cond);
        probe.tests.set(i, test);
      }
      for (let k = 0; k < cur.length; k++) if (test(cur[k])) return k;
      return null;
    }
    if (i === parts.length || !isTraversable(cur)) return null;
    cur = hasOwn(cur, parts[i]) ? cur[parts[i]] : undefined;
  }
  return null;
}

/**
 * Compiles `filter` into a function giving, for a document the filter matched, the index the
 * positional `$` refers to: the first element of the first array on a queried path that
 * satisfies that path's condition. With several array conditions the last one wins (MongoDB
 * keeps the last `elemMatchKey` its AND sets). `$or`/`$nor` branches do not count.
 */
export function compilePositionalIndex(filter: Document): (doc: Document) => number | null {
  const probes: Probe[] = [];
  if (isTraversable(filter)) {
    forEachConjunct(filter, (path, cond) => {
      probes.push({ parts: path.split('.'), cond, tests: new Map() });
    });
  }
  return (doc) => {
    let found: number | null = null;
    for (const p of probes) {
      const idx = probeIndex(doc, p);
      if (idx !== null) found = idx;
    }
    return found;
  };
}

/** One-shot form of `compilePositionalIndex` (compile once per command when looping). */
export function firstMatchedArrayIndex(doc: Document, filter: Document): number | null {
  return compilePositionalIndex(filter)(doc);
}
