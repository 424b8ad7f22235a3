/**
 * Find projections, compiled once per query. Semantics follow MongoDB 4.4+ find projections:
 * - inclusion keeps the document's field order and walks arrays of embedded documents (scalars
 *   inside such arrays are dropped); `_id` is included unless `_id: 0`;
 * - exclusion copies everything but the excluded paths (scalars inside arrays are kept);
 * - `$slice` works in either mode (alone it keeps every field);
 * - `$elemMatch`, positional `field.$`, `$meta` and computed fields are applied after the base
 *   projection; fields they add that the base did not output are appended, as MongoDB does.
 *
 * Output documents and the embedded documents on projected paths are new objects; untouched
 * leaf values (including whole sub-documents) are shared with the input, which stored
 * documents allow because they are never mutated in place.
 */
import { isNumeric, isPlainDocument, toJsNumber, type Document } from '../bson/values';
import { ErrorCode, MongoError } from '../errors';
import { compileFilter, isTruthy, type MatchContext } from './matcher';
import { getPath, isTraversable, splitPath } from './paths';

/** Where the server stores a document's `$text` score (hidden: symbols are not serialised). */
export const TEXT_SCORE = Symbol('textScore');

export type ExprEvaluator = (expr: unknown, doc: Document) => unknown;

type Transform = (out: Document, src: Document) => void;

/** A projection tree: `true` is a whole-field leaf, a nested tree projects into the field. */
type Tree = Map<string, Tree | true>;

function fail(code: number, message: string): MongoError {
  return new MongoError(code, message);
}

function addPath(tree: Tree, path: string): void {
  const parts = splitPath(path);
  let node = tree;
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i];
    const last = i === parts.length - 1;
    const existing = node.get(key);
    if (existing === true) {
      const rest = parts.slice(i + 1).join('.');
      throw fail(31250, `Path collision at ${path}${rest ? ` remaining portion ${rest}` : ''}`);
    }
    if (last) {
      if (existing !== undefined) throw fail(31250, `Path collision at ${path}`);
      node.set(key, true);
    } else {
      let child = existing;
      if (child === undefined) {
        child = new Map();
        node.set(key, child);
      }
      node = child;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Base inclusion / exclusion

function includeValue(v: unknown, tree: Tree): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const el of v) {
      if (Array.isArray(el) || isTraversable(el)) out.push(includeValue(el, tree));
    }
    return out;
  }
  if (isTraversable(v)) return includeDoc(v, tree);
  return undefined;
}

function includeDoc(doc: Document, tree: Tree): Document {
  const out: Document = {};
  // Walk the document (not the tree) to keep its field order.
  for (const key of Object.keys(doc)) {
    const node = tree.get(key);
    if (node === undefined) continue;
    const v = doc[key];
    if (node === true) out[key] = v;
    else {
      const sub = includeValue(v, node);
      if (sub !== undefined) out[key] = sub;
    }
  }
  return out;
}

function excludeValue(v: unknown, tree: Tree): unknown {
  if (Array.isArray(v))
    return v.map((el) => (Array.isArray(el) || isTraversable(el) ? excludeValue(el, tree) : el));
  if (isTraversable(v)) return excludeDoc(v, tree);
  return v;
}

function excludeDoc(doc: Document, tree: Tree): Document {
  const out: Document = {};
  for (const key of Object.keys(doc)) {
    const node = tree.get(key);
    if (node === true) continue;
    out[key] = node === undefined ? doc[key] : excludeValue(doc[key], node);
  }
  return out;
}

function copyDoc(doc: Document): Document {
  const out: Document = {};
  for (const key of Object.keys(doc)) out[key] = doc[key];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Path updates on the output document

/**
 * Replaces the value at `parts` in `out` (a fresh projection output) by `fn(current)`, walking
 * arrays of documents like MongoDB does for $slice. Nodes on the way are copied before changes
 * so the input document is never touched. `fn` returning undefined removes the field.
 */
function updateAt(
  out: Document,
  parts: readonly string[],
  i: number,
  fn: (v: unknown) => unknown,
): void {
  const key = parts[i];
  if (!Object.prototype.hasOwnProperty.call(out, key)) return;
  const cur = out[key];
  if (i === parts.length - 1) {
    const next = fn(cur);
    if (next === undefined) delete out[key];
    else out[key] = next;
    return;
  }
  if (Array.isArray(cur)) {
    out[key] = cur.map((el) => {
      if (!isTraversable(el)) return el;
      const copy = copyDoc(el);
      updateAt(copy, parts, i + 1, fn);
      return copy;
    });
  } else if (isTraversable(cur)) {
    const copy = copyDoc(cur);
    updateAt(copy, parts, i + 1, fn);
    out[key] = copy;
  }
}

/** Sets a (possibly dotted) path in the output, creating documents; appends new fields. */
function setAt(out: Document, parts: readonly string[], value: unknown): void {
  let node = out;
  for (let i = 0; i < parts.length - 1; i++) {
    const cur = node[parts[i]];
    const copy: Document = isTraversable(cur) ? copyDoc(cur) : {};
    node[parts[i]] = copy;
    node = copy;
  }
  const last = parts[parts.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

// ---------------------------------------------------------------------------------------------
// Operators

function sliceArgs(arg: unknown, field: string): (arr: unknown[]) => unknown[] {
  if (isNumeric(arg)) {
    const n = Math.trunc(toJsNumber(arg));
    return n >= 0 ? (arr) => arr.slice(0, n) : (arr) => arr.slice(Math.max(arr.length + n, 0));
  }
  if (Array.isArray(arg)) {
    if (arg.length !== 2 || !isNumeric(arg[0]) || !isNumeric(arg[1])) {
      throw fail(28724, `First argument to $slice must be an array, but is of type: ${field}`);
    }
    const skip = Math.trunc(toJsNumber(arg[0]));
    const limit = Math.trunc(toJsNumber(arg[1]));
    if (limit <= 0) throw fail(28724, `$slice limit must be positive`);
    return (arr) => {
      const start = skip >= 0 ? Math.min(skip, arr.length) : Math.max(arr.length + skip, 0);
      return arr.slice(start, start + limit);
    };
  }
  throw fail(ErrorCode.BadValue, `$slice only supports numbers and [skip, limit] arrays`);
}

function metaValue(kind: unknown, src: Document): unknown {
  if (kind === 'textScore') {
    return (src as Record<symbol, unknown>)[TEXT_SCORE];
  }
  return undefined;
}

const KNOWN_META = new Set([
  'textScore',
  'indexKey',
  'recordId',
  'searchScore',
  'searchHighlights',
  'sortKey',
]);

/** `'$a.b'` -> value at a.b; other literals as they are (fallback without an evaluator). */
function fallbackEvaluator(expr: unknown, doc: Document): unknown {
  if (typeof expr === 'string' && expr.startsWith('$') && !expr.startsWith('$$')) {
    return getPath(doc, expr.slice(1));
  }
  if (isPlainDocument(expr) && Object.keys(expr).some((k) => k.startsWith('$'))) {
    throw fail(ErrorCode.NotImplemented, 'expressions in projections need an evaluator');
  }
  return expr;
}

/**
 * The positional `$` operator: index of the first element of the array at `arrayPath` for which
 * the filter's conditions on that array hold.
 */
function positionalMatcher(
  filter: Document | undefined,
  arrayPath: string,
  ctx: MatchContext,
): (src: Document) => number {
  const conds: Document[] = [];
  const collect = (f: Document): void => {
    for (const key of Object.keys(f)) {
      const v = f[key];
      if (key === '$and' && Array.isArray(v)) {
        for (const sub of v) if (isPlainDocument(sub)) collect(sub);
      } else if (!key.startsWith('$') && (key === arrayPath || key.startsWith(arrayPath + '.'))) {
        conds.push({ [key]: v });
      }
    }
  };
  if (filter) collect(filter);
  if (conds.length === 0) {
    return () => {
      throw fail(
        51246,
        `positional operator '${arrayPath}.$' couldn't find a matching element in the array`,
      );
    };
  }
  const pred = compileFilter(conds.length === 1 ? conds[0] : { $and: conds }, ctx);
  const parts = splitPath(arrayPath);
  return (src) => {
    const arr = getPath(src, parts);
    if (!Array.isArray(arr)) return -1;
    for (let i = 0; i < arr.length; i++) {
      // Probe with a document whose array holds only element i.
      const probe: Document = {};
      setAt(probe, parts, [arr[i]]);
      if (pred(probe)) return i;
    }
    return -1;
  };
}

// ---------------------------------------------------------------------------------------------

function isFlag(v: unknown): boolean {
  return typeof v === 'boolean' || isNumeric(v);
}

/**
 * Compiles a find projection. Returns null when the projection keeps documents unchanged
 * (undefined or `{}`), so callers can skip the copy.
 */
export function compileProjection(
  projection: Document | undefined,
  filter?: Document,
  evalExpr?: ExprEvaluator,
): ((doc: Document) => Document) | null {
  if (projection === undefined || projection === null) return null;
  if (!isPlainDocument(projection)) throw fail(ErrorCode.BadValue, 'projection must be an object');
  const keys = Object.keys(projection);
  if (keys.length === 0) return null;

  const includes: Tree = new Map();
  const excludes: Tree = new Map();
  let idFlag: boolean | undefined;
  let mode: 'include' | 'exclude' | undefined;
  let wantsInclusion = false; // $elemMatch / positional alone select inclusion mode
  const post: Transform[] = [];
  const evaluate = evalExpr ?? fallbackEvaluator;
  const ctx: MatchContext = evalExpr ? { evalExpr } : {};
  let positionalSeen = false;

  const setMode = (m: 'include' | 'exclude', field: string): void => {
    if (mode === undefined) mode = m;
    else if (mode !== m) {
      throw m === 'exclude'
        ? fail(31254, `Cannot do exclusion on field ${field} in inclusion projection`)
        : fail(31253, `Cannot do inclusion on field ${field} in exclusion projection`);
    }
  };

  const slicePaths: string[] = [];
  const computedPaths: string[] = [];
  let idComputed = false;
  const computed = (path: string, expr: unknown): void => {
    if (path === '_id') idComputed = true;
    else setMode('include', path);
    computedPaths.push(path);
    const parts = splitPath(path);
    post.push((out, src) => setAt(out, parts, evaluate(expr, src)));
  };
  const addPathOnce = (tree: Tree, path: string): void => {
    try {
      addPath(tree, path);
    } catch {
      // Already included through another spec (e.g. 'a' and 'a.$'): nothing to add.
    }
  };

  const visit = (path: string, value: unknown): void => {
    if (path === '' || path.split('.').some((p) => p === '')) {
      throw fail(ErrorCode.BadValue, `FieldPath field names may not be empty strings.`);
    }
    // Positional: 'a.b.$'
    if (path.endsWith('.$')) {
      if (positionalSeen)
        throw fail(31276, 'Cannot specify more than one positional projection per query.');
      positionalSeen = true;
      if (!isFlag(value) || !isTruthy(value)) {
        throw fail(31395, `positional projection cannot be used with exclusion`);
      }
      const base = path.slice(0, -2);
      if (base.includes('$'))
        throw fail(
          31394,
          `As of 4.4, it's illegal to specify positional operator in the middle of a path`,
        );
      wantsInclusion = true;
      addPathOnce(includes, base);
      const findIdx = positionalMatcher(filter, base, ctx);
      const parts = splitPath(base);
      post.push((out, src) => {
        const idx = findIdx(src);
        if (idx < 0) {
          throw fail(
            51246,
            `positional operator '${base}.$' couldn't find a matching element in the array`,
          );
        }
        const arr = getPath(src, parts) as unknown[];
        setAt(out, parts, [arr[idx]]);
      });
      return;
    }
    if (path.includes('$')) {
      throw fail(
        16410,
        `FieldPath field names may not start with '$'. Consider using $getField or $setField.`,
      );
    }
    if (isFlag(value)) {
      const on = isTruthy(value);
      if (path === '_id') {
        idFlag = on;
        return;
      }
      if (on) {
        setMode('include', path);
        addPath(includes, path);
      } else {
        setMode('exclude', path);
        addPath(excludes, path);
      }
      return;
    }
    if (isPlainDocument(value)) {
      const vkeys = Object.keys(value);
      if (vkeys.length === 0)
        throw fail(
          51270,
          'An empty sub-projection is not a valid value. Found empty object at path',
        );
      const first = vkeys[0];
      if (first === '$slice' && vkeys.length === 1) {
        const slicer = sliceArgs(value.$slice, path);
        const parts = splitPath(path);
        post.push((out) => updateAt(out, parts, 0, (v) => (Array.isArray(v) ? slicer(v) : v)));
        // In an inclusion projection the sliced field is also included.
        slicePaths.push(path);
        return;
      }
      if (first === '$elemMatch' && vkeys.length === 1) {
        if (path.includes('.'))
          throw fail(ErrorCode.BadValue, 'Cannot use $elemMatch projection on a nested field.');
        if (!isPlainDocument(value.$elemMatch))
          throw fail(ErrorCode.BadValue, 'elemMatch: Invalid argument, object required.');
        wantsInclusion = true;
        const pred = compileFilter({ [path]: { $elemMatch: value.$elemMatch } }, ctx);
        post.push((out, src) => {
          const arr = src[path];
          delete out[path];
          if (!Array.isArray(arr)) return;
          for (const el of arr) {
            if (pred({ [path]: [el] })) {
              out[path] = [el];
              return;
            }
          }
        });
        return;
      }
      if (first === '$meta' && vkeys.length === 1) {
        const kind = value.$meta;
        if (typeof kind !== 'string' || !KNOWN_META.has(kind)) {
          throw fail(17308, `Unsupported argument to $meta: ${String(kind)}`);
        }
        const parts = splitPath(path);
        post.push((out, src) => {
          const v = metaValue(kind, src);
          if (v !== undefined) setAt(out, parts, v);
        });
        return;
      }
      if (first.startsWith('$')) {
        computed(path, value);
        return;
      }
      // Nested projection document: {a: {b: 1}} is {'a.b': 1}.
      for (const k of vkeys) visit(`${path}.${k}`, value[k]);
      return;
    }
    // Literals (strings, dates, arrays, ...) and '$field' references are computed values.
    computed(path, value);
  };

  for (const key of keys) visit(key, projection[key]);

  // `{_id: 1}` (alone or with $slice/$meta) is an inclusion projection of _id.
  if (mode === undefined && (wantsInclusion || idFlag === true)) mode = 'include';

  let base: (src: Document) => Document;
  if (mode === 'include') {
    for (const p of slicePaths) addPathOnce(includes, p);
    // Computed fields must not collide with included ones (MongoDB: path collision).
    for (const p of computedPaths) checkNoCollision(includes, p);
    if (idFlag !== false && !idComputed && !includes.has('_id')) includes.set('_id', true);
    const tree = includes;
    base = (src) => includeDoc(src, tree);
  } else if (mode === 'exclude' || idFlag === false || idComputed) {
    if (idFlag === false || idComputed) excludes.set('_id', true);
    const tree = excludes;
    base = (src) => excludeDoc(src, tree);
  } else {
    base = copyDoc;
  }

  if (post.length === 0) return base;
  return (src) => {
    const out = base(src);
    for (let i = 0; i < post.length; i++) post[i](out, src);
    return out;
  };
}

function checkNoCollision(tree: Tree, path: string): void {
  const parts = splitPath(path);
  let node: Tree = tree;
  for (let i = 0; i < parts.length; i++) {
    const next = node.get(parts[i]);
    if (next === undefined) return;
    if (next === true || i === parts.length - 1) throw fail(31250, `Path collision at ${path}`);
    node = next;
  }
}
