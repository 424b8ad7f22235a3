/**
 * Dotted-path helpers shared by the matcher, projection, sort and the update engine.
 *
 * Query traversal follows MongoDB's element iterator:
 * - a path component applied to an array fans out over the array's embedded documents
 *   (scalars and nested arrays inside the array are skipped, they have no fields);
 * - a numeric component applied to an array indexes it, and ALSO looks for a field named
 *   like the number in the array's embedded documents (an element reached by index is not
 *   expanded further at the leaf);
 * - a component applied to a scalar, or missing from a document, yields "missing" (undefined),
 *   which is what lets `{ 'a.b': null }` match `{ a: 5 }` and `{ a: [{ c: 1 }] }`;
 * - at the leaf an array is offered both as its elements and as itself ("expanded"), except
 *   for array operators ($size, $elemMatch) that look at the array only.
 */
import type { Document } from '../bson/values';

const SPLIT_CACHE = new Map<string, string[]>();
const SPLIT_CACHE_MAX = 10_000;

/** `'a.b.0'` -> `['a', 'b', '0']`, cached (paths repeat across documents and queries). */
export function splitPath(path: string): string[] {
  let parts = SPLIT_CACHE.get(path);
  if (parts === undefined) {
    parts = path.split('.');
    if (SPLIT_CACHE.size >= SPLIT_CACHE_MAX) SPLIT_CACHE.clear();
    SPLIT_CACHE.set(path, parts);
  }
  return parts;
}

/** An array index as MongoDB reads one in a path: digits only, no sign or leading zeros. */
export function arrayIndexOf(component: string): number {
  const n = component.length;
  if (n === 0 || n > 9) return -1;
  const c0 = component.charCodeAt(0);
  if (c0 < 48 || c0 > 57 || (c0 === 48 && n > 1)) return -1;
  for (let i = 1; i < n; i++) {
    const c = component.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  return Number(component);
}

/**
 * A document whose fields a path can walk into: a plain object, not an array, Date, RegExp or a
 * BSON wrapper (ObjectId, Long, ... carry `_bsontype`).
 */
export function isTraversable(v: unknown): v is Document {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Date) &&
    !(v instanceof RegExp) &&
    (v as { _bsontype?: unknown })._bsontype === undefined
  );
}

function ownField(d: Document, key: string): unknown {
  // Own properties only: a stored document must never expose Object.prototype members.
  return Object.prototype.hasOwnProperty.call(d, key) ? d[key] : undefined;
}

/**
 * Simple get: walks documents, and arrays only through numeric components. No fan-out over
 * arrays. Returns undefined when the path does not exist.
 */
export function getPath(doc: unknown, path: string | string[]): unknown {
  const parts = typeof path === 'string' ? splitPath(path) : path;
  let cur: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    if (Array.isArray(cur)) {
      const idx = arrayIndexOf(parts[i]);
      if (idx < 0 || idx >= cur.length) return undefined;
      cur = cur[idx];
    } else if (isTraversable(cur)) {
      cur = ownField(cur, parts[i]);
    } else {
      return undefined;
    }
  }
  return cur;
}

/** True when the path exists in the simple (`getPath`) sense, even if its value is undefined. */
export function hasPath(doc: unknown, path: string | string[]): boolean {
  const parts = typeof path === 'string' ? splitPath(path) : path;
  let cur: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    if (Array.isArray(cur)) {
      const idx = arrayIndexOf(parts[i]);
      if (idx < 0 || idx >= cur.length) return false;
      cur = cur[idx];
    } else if (isTraversable(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, parts[i])) return false;
      cur = cur[parts[i]];
    } else {
      return false;
    }
  }
  return true;
}

/** Visitor over candidate values; returning true stops the walk (an "any" match was found). */
export type PathVisitor = (value: unknown) => boolean;

/**
 * Walks `parts` from `i` over `cur`, calling `visit` on each candidate value with MongoDB's query
 * semantics. Returns true as soon as a visit returns true.
 */
export function walkPath(
  cur: unknown,
  parts: readonly string[],
  i: number,
  expandLeafArrays: boolean,
  visit: PathVisitor,
): boolean {
  for (;;) {
    if (i === parts.length) {
      if (expandLeafArrays && Array.isArray(cur)) {
        for (let k = 0; k < cur.length; k++) if (visit(cur[k])) return true;
      }
      return visit(cur);
    }
    if (Array.isArray(cur)) return walkArray(cur, parts, i, expandLeafArrays, visit);
    if (!isTraversable(cur)) return visit(undefined);
    cur = ownField(cur, parts[i]);
    i++;
  }
}

function walkArray(
  arr: unknown[],
  parts: readonly string[],
  i: number,
  expandLeafArrays: boolean,
  visit: PathVisitor,
): boolean {
  const idx = arrayIndexOf(parts[i]);
  for (let k = 0; k < arr.length; k++) {
    const el = arr[k];
    // Only embedded documents have fields; scalars and nested arrays are skipped.
    if (isTraversable(el) && walkPath(el, parts, i, expandLeafArrays, visit)) return true;
    if (k === idx) {
      // Explicit index: a leaf reached this way is not expanded (MongoDB: {'a.0': 1} does not
      // match {a: [[1]]}); a scalar with path left over yields nothing.
      if (i + 1 === parts.length) {
        if (visit(el)) return true;
      } else if (isTraversable(el)) {
        if (walkPath(el, parts, i + 1, expandLeafArrays, visit)) return true;
      } else if (Array.isArray(el)) {
        if (walkArray(el, parts, i + 1, expandLeafArrays, visit)) return true;
      }
    }
  }
  return false;
}

/**
 * All candidate values of a dotted path, in MongoDB query semantics. Missing branches give
 * `undefined`. With `expandLeafArrays` (default) a leaf array contributes its elements and
 * then itself, so "any candidate matches" equals MongoDB's "an element or the whole array
 * matches". Pass false to get leaf arrays only as themselves (what $size/$elemMatch see).
 */
export function getPathValues(doc: Document, path: string, expandLeafArrays = true): unknown[] {
  const out: unknown[] = [];
  walkPath(doc, splitPath(path), 0, expandLeafArrays, (v) => {
    out.push(v);
    return false;
  });
  return out;
}

/**
 * A compiled walker for one path: `(doc, visit) => anyVisitReturnedTrue`. Single-component
 * paths skip the generic loop (the common case on the hot path).
 */
export function compilePathWalker(
  path: string,
  expandLeafArrays: boolean,
): (doc: Document, visit: PathVisitor) => boolean {
  const parts = splitPath(path);
  if (parts.length === 1) {
    const key = parts[0];
    if (expandLeafArrays) {
      return (doc, visit) => {
        const v = ownField(doc, key);
        if (Array.isArray(v)) {
          for (let k = 0; k < v.length; k++) if (visit(v[k])) return true;
        }
        return visit(v);
      };
    }
    return (doc, visit) => visit(ownField(doc, key));
  }
  return (doc, visit) => walkPath(doc, parts, 0, expandLeafArrays, visit);
}

/**
 * The first array met while walking `path` through documents (for the positional `$`
 * operator): its path components and the array, or null when the path crosses no array.
 */
export function firstArrayOnPath(
  doc: Document,
  path: string,
): { arrayPath: string[]; array: unknown[] } | null {
  const parts = splitPath(path);
  let cur: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    if (!isTraversable(cur)) return null;
    cur = ownField(cur, parts[i]);
    if (Array.isArray(cur)) return { arrayPath: parts.slice(0, i + 1), array: cur };
  }
  return null;
}
