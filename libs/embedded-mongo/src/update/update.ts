/**
 * MongoDB's update language over stored (immutable) documents.
 *
 * An operator update is compiled once into a tree keyed by path component, like the server's
 * UpdateObjectNode/UpdateArrayNode tree: building it detects conflicting paths, and applying it
 * visits fields in MongoDB's order (lexicographic, numeric components numerically), so new
 * fields appear where MongoDB puts them. Applying is copy-on-write: only the containers on a
 * modified path are copied, untouched subtrees are shared with the input document, and an
 * update that changes nothing returns the input itself (`modified: false`).
 */
import { bsonTypeOf, valuesEqual, type Document } from '../bson/values';
import { ErrorCode } from '../errors';
import { compileFilter } from '../query/matcher';
import { arrayIndexOf, isTraversable } from '../query/paths';
import {
  badValue,
  binaryEqual,
  err,
  failedToParse,
  fmtElement,
  fmtValue,
  hasOwn,
  idString,
  NOCHANGE,
  setKey,
  UNSET,
  type LeafFn,
  type RunCtx,
  type UpdateOptions,
  type UpdateResult,
} from './common';
import { buildLeaf, MODIFIERS, ownValue } from './modifiers';
import { upsertSeedId } from './upsert';

export { binaryEqual } from './common';
export type { UpdateOptions, UpdateResult } from './common';
export { compilePositionalIndex, firstMatchedArrayIndex, upsertSeed, upsertSeedId } from './upsert';

// ---- The update tree -----------------------------------------------------------------------

const LEAF = 0;
const OBJ = 1;
const ARR = 2;

interface LeafNode {
  kind: typeof LEAF;
  fn: LeafFn;
}

/** Children by field name (array indexes included); `positional` is the `$` child. */
interface ObjNode {
  kind: typeof OBJ;
  children: Map<string, UNode>;
  positional: UNode | null;
  sorted: [string, UNode][];
  /** Children with `$` resolved, per matched index. */
  byIndex: Map<number, [string, UNode][]> | null;
}

/** Children by array filter identifier ('' is `$[]`), applied to each matching element. */
interface ArrNode {
  kind: typeof ARR;
  children: Map<string, UNode>;
  list: [string, UNode][];
  /** Merged subtrees by the set of children matching one element (as MongoDB caches them). */
  merged: Map<string, UNode> | null;
}

type UNode = LeafNode | ObjNode | ArrNode;

function newObj(): ObjNode {
  return { kind: OBJ, children: new Map(), positional: null, sorted: [], byIndex: null };
}

function newArr(): ArrNode {
  return { kind: ARR, children: new Map(), list: [], merged: null };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * MongoDB's order for applying updates to sibling fields (pathsupport::cmpPathsAndArrayIndexes):
 * names that start with a digit (no leading zero) order by length first, so array indexes go
 * numerically; everything else is a plain string comparison.
 */
function compareFieldNames(a: string, b: string): number {
  const numeric =
    a.length > 0 &&
    b.length > 0 &&
    isDigit(a.charCodeAt(0)) &&
    isDigit(b.charCodeAt(0)) &&
    !(a[0] === '0' && a.length > 1) &&
    !(b[0] === '0' && b.length > 1);
  if (numeric && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedChildren(children: Map<string, UNode>): [string, UNode][] {
  const list = [...children];
  if (list.length > 1) list.sort((x, y) => compareFieldNames(x[0], y[0]));
  return list;
}

function finish(node: UNode): void {
  if (node.kind === OBJ) {
    node.sorted = sortedChildren(node.children);
    for (const [, c] of node.sorted) finish(c);
    if (node.positional) finish(node.positional);
  } else if (node.kind === ARR) {
    node.list = [...node.children];
    for (const [, c] of node.list) finish(c);
  }
}

function joinPath(path: string, k: string): string {
  return path === '' ? k : `${path}.${k}`;
}

function conflictAtApply(path: string): Error {
  return err(ErrorCode.ConflictingUpdateOperators, `Update created a conflict at '${path}'`);
}

/** Two subtrees that target the same element (`$` resolved, or several array filters). */
function mergeNodes(a: UNode, b: UNode, path: string): UNode {
  if (a.kind === LEAF || b.kind === LEAF || a.kind !== b.kind) throw conflictAtApply(path);
  if (a.kind === OBJ && b.kind === OBJ) {
    const out = newObj();
    for (const [k, v] of a.children) out.children.set(k, v);
    for (const [k, v] of b.children) {
      const prev = out.children.get(k);
      out.children.set(k, prev ? mergeNodes(prev, v, joinPath(path, k)) : v);
    }
    if (a.positional && b.positional) {
      out.positional = mergeNodes(a.positional, b.positional, joinPath(path, '$'));
    } else {
      out.positional = a.positional ?? b.positional;
    }
    out.sorted = sortedChildren(out.children);
    return out;
  }
  const out = newArr();
  for (const [k, v] of (a as ArrNode).children) out.children.set(k, v);
  for (const [k, v] of (b as ArrNode).children) {
    const prev = out.children.get(k);
    out.children.set(k, prev ? mergeNodes(prev, v, joinPath(path, k)) : v);
  }
  out.list = [...out.children];
  return out;
}

// ---- Applying ------------------------------------------------------------------------------

const MAX_PADDING = 1_500_000;

function pathNotViable(child: string, field: string, cur: unknown): Error {
  return err(
    ErrorCode.PathNotViable,
    `Cannot create field '${child}' in element {${fmtElement(field, cur)}}`,
  );
}

function applyNode(node: UNode, cur: unknown, field: string, path: string, rc: RunCtx): unknown {
  if (node.kind === LEAF) {
    const r = node.fn(cur, field, path, rc);
    if (r === NOCHANGE || r === UNSET) return r;
    return cur !== undefined && binaryEqual(cur, r) ? NOCHANGE : r;
  }
  if (node.kind === OBJ) return applyObj(node, cur, field, path, rc);
  return applyArr(node, cur, field, path, rc);
}

function objChildren(node: ObjNode, path: string, rc: RunCtx): [string, UNode][] {
  if (node.positional === null) return node.sorted;
  const idx = rc.opts.matchedArrayIndex;
  if (idx === undefined || idx === null) {
    throw badValue('The positional operator did not find the match needed from the query.');
  }
  let cached = node.byIndex?.get(idx);
  if (cached === undefined) {
    const key = String(idx);
    const children = new Map(node.children);
    const prev = children.get(key);
    children.set(
      key,
      prev ? mergeNodes(prev, node.positional, joinPath(path, key)) : node.positional,
    );
    cached = sortedChildren(children);
    (node.byIndex ??= new Map()).set(idx, cached);
  }
  return cached;
}

function applyObj(node: ObjNode, cur: unknown, field: string, path: string, rc: RunCtx): unknown {
  const kids = objChildren(node, path, rc);
  if (isTraversable(cur)) {
    let out: Document | null = null;
    for (let i = 0; i < kids.length; i++) {
      const [k, child] = kids[i];
      const has = hasOwn(cur, k);
      const r = applyNode(child, has ? cur[k] : undefined, k, joinPath(path, k), rc);
      if (r === NOCHANGE) continue;
      if (r === UNSET) {
        if (!has) continue;
        out ??= { ...cur };
        delete out[k];
        continue;
      }
      out ??= { ...cur };
      setKey(out, k, r);
    }
    return out ?? NOCHANGE;
  }
  if (cur === undefined) {
    // Missing: create the intermediate document only if some child produces a value.
    let out: Document | null = null;
    for (const [k, child] of kids) {
      const r = applyNode(child, undefined, k, joinPath(path, k), rc);
      if (r === NOCHANGE || r === UNSET) continue;
      out ??= {};
      setKey(out, k, r);
    }
    return out ?? NOCHANGE;
  }
  if (Array.isArray(cur)) return applyObjToArray(kids, cur, field, path, rc);
  // A scalar cannot hold fields: only modifiers that would not create anything may pass.
  for (const [k, child] of kids) {
    const r = applyNode(child, undefined, k, joinPath(path, k), rc);
    if (r !== NOCHANGE && r !== UNSET) throw pathNotViable(k, field, cur);
  }
  return NOCHANGE;
}

function applyObjToArray(
  kids: [string, UNode][],
  cur: unknown[],
  field: string,
  path: string,
  rc: RunCtx,
): unknown {
  let out: unknown[] | null = null;
  for (const [k, child] of kids) {
    const idx = arrayIndexOf(k);
    if (idx < 0) {
      const r = applyNode(child, undefined, k, joinPath(path, k), rc);
      if (r !== NOCHANGE && r !== UNSET) throw pathNotViable(k, field, cur);
      continue;
    }
    const exists = idx < cur.length;
    const r = applyNode(child, exists ? cur[idx] : undefined, k, joinPath(path, k), rc);
    if (r === NOCHANGE) continue;
    if (r === UNSET) {
      // $unset of an array element leaves a null hole, as MongoDB does.
      if (!exists || cur[idx] === null) continue;
      out ??= cur.slice();
      out[idx] = null;
      continue;
    }
    out ??= cur.slice();
    if (idx > out.length && idx - out.length > MAX_PADDING) {
      throw badValue(`can't backfill more than ${MAX_PADDING} elements`);
    }
    while (out.length < idx) out.push(null);
    out[idx] = r;
  }
  return out ?? NOCHANGE;
}

/** The merge of several array-filter subtrees that all match one element. */
function mergedChildren(node: ArrNode, ids: string[], path: string): UNode {
  const key = ids.join('\u0000');
  let merged = node.merged?.get(key);
  if (merged === undefined) {
    merged = node.children.get(ids[0]) as UNode;
    for (let j = 1; j < ids.length; j++) {
      merged = mergeNodes(merged, node.children.get(ids[j]) as UNode, path);
    }
    (node.merged ??= new Map()).set(key, merged);
  }
  return merged;
}

function applyArr(node: ArrNode, cur: unknown, field: string, path: string, rc: RunCtx): unknown {
  if (cur === undefined) {
    throw badValue(
      `The path '${path}' must exist in the document in order to apply array updates.`,
    );
  }
  if (!Array.isArray(cur)) {
    throw badValue(`Cannot apply array updates to non-array element ${fmtElement(field, cur)}`);
  }
  const list = node.list;
  let out: unknown[] | null = null;
  for (let i = 0; i < cur.length; i++) {
    const el = cur[i];
    let target: UNode | null = null;
    let firstId = '';
    let ids: string[] | null = null;
    for (const [id, child] of list) {
      if (id !== '' && !(rc.filters.get(id) as (v: unknown) => boolean)(el)) continue;
      if (target === null) {
        target = child;
        firstId = id;
      } else {
        (ids ??= [firstId]).push(id);
      }
    }
    if (target === null) continue;
    const k = String(i);
    if (ids !== null) target = mergedChildren(node, ids, joinPath(path, k));
    const r = applyNode(target, el, k, joinPath(path, k), rc);
    if (r === NOCHANGE) continue;
    if (r === UNSET) {
      if (el === null) continue;
      out ??= cur.slice();
      out[i] = null;
      continue;
    }
    out ??= cur.slice();
    out[i] = r;
  }
  return out ?? NOCHANGE;
}

// ---- $rename -------------------------------------------------------------------------------

interface RenameSpec {
  from: string[];
  fromPath: string;
  to: string[];
  toPath: string;
}

/**
 * The value a $rename moves (undefined: nothing to move), after MongoDB's checks that neither
 * side goes through an array.
 */
function resolveRename(doc: Document, spec: RenameSpec): unknown {
  const { from, fromPath, to, toPath } = spec;
  let cur: unknown = doc;
  const chain: unknown[] = [];
  for (let i = 0; i < from.length; i++) {
    const part = from[i];
    chain.push(cur);
    if (isTraversable(cur)) {
      if (!hasOwn(cur, part)) return undefined;
      cur = cur[part];
    } else if (Array.isArray(cur) && arrayIndexOf(part) >= 0) {
      const idx = arrayIndexOf(part);
      if (idx >= cur.length) return undefined;
      cur = cur[idx];
    } else {
      throw err(
        ErrorCode.PathNotViable,
        `cannot use the part (${from[i - 1]} of ${fromPath}) to traverse the element ` +
          `({${fmtElement(from[i - 1], cur)}})`,
      );
    }
  }
  for (let i = chain.length - 1; i >= 1; i--) {
    if (Array.isArray(chain[i])) {
      throw badValue(
        `The source field cannot be an array element, '${fromPath}' in doc with ` +
          `${idString(doc)} has an array field called '${from[i - 1]}'`,
      );
    }
  }
  let d: unknown = doc;
  for (let i = 0; i < to.length; i++) {
    if (Array.isArray(d)) {
      throw badValue(
        `The destination field cannot be an array element, '${toPath}' in doc with ` +
          `${idString(doc)} has an array field called '${to[i - 1]}'`,
      );
    }
    if (!isTraversable(d) || !hasOwn(d, to[i])) break;
    d = d[to[i]];
  }
  return cur;
}

// ---- Parsing -------------------------------------------------------------------------------

/** '' for `$[]`, the identifier for `$[id]`, null for anything else. */
function arrayFilterId(part: string): string | null {
  if (part.length < 3 || part.charCodeAt(0) !== 36 || part[1] !== '[' || !part.endsWith(']')) {
    return null;
  }
  return part.slice(2, -1);
}

function isDynamic(part: string): boolean {
  return part === '$' || arrayFilterId(part) !== null;
}

/** Splits and validates an update path as UpdateObjectNode::parseAndMerge does. */
function parsePath(path: string): string[] {
  if (path === '') throw err(ErrorCode.EmptyFieldName, 'An empty update path is not valid.');
  const parts = path.split('.');
  let positional = 0;
  for (const p of parts) {
    if (p === '') {
      throw err(
        ErrorCode.EmptyFieldName,
        `The update path '${path}' contains an empty field name, which is not allowed.`,
      );
    }
    if (p === '$') positional++;
  }
  if (positional > 1) {
    throw badValue(`Too many positional (i.e. '$') elements found in path '${path}'`);
  }
  if (parts[0] === '$') {
    throw badValue(
      `Cannot have positional (i.e. '$') element in the first position in path '${path}'`,
    );
  }
  if (arrayFilterId(parts[0]) !== null) {
    throw badValue(
      "Cannot have array filter identifier (i.e. '$[<id>]') element in the first position in " +
        `path '${path}'`,
    );
  }
  return parts;
}

// Modifiers that never create a field, so a $-prefixed top-level name is harmless for them.
const NON_CREATING = new Set(['$unset', '$pop', '$pull', '$pullAll']);

/** MongoDB 5.0+ storage rule: only top-level field names may not start with '$'. */
function checkTopLevelDollar(parts: string[]): void {
  const top = parts[0];
  if (top.charCodeAt(0) === 36) {
    throw err(
      ErrorCode.DollarPrefixedFieldName,
      `The dollar ($) prefixed field '${top}' in '${top}' is not allowed in the context of an ` +
        "update's replacement document. Consider using an aggregation pipeline with $replaceWith.",
    );
  }
}

function conflict(path: string, at: string): Error {
  return err(
    ErrorCode.ConflictingUpdateOperators,
    `Updating the path '${path}' would create a conflict at '${at}'`,
  );
}

interface ParseState {
  root: ObjNode;
  filters: Map<string, (v: unknown) => boolean>;
  usedIds: Set<string>;
  idPaths: string[];
}

function insertLeaf(st: ParseState, parts: string[], path: string, leaf: LeafNode): void {
  let node: ObjNode | ArrNode = st.root;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    let key = part;
    if (node.kind === ARR) {
      key = arrayFilterId(part) as string;
      if (key !== '') {
        if (!st.filters.has(key)) {
          throw badValue(`No array filter found for identifier '${key}' in path '${path}'`);
        }
        st.usedIds.add(key);
      }
    }
    const isPositional: boolean = node.kind === OBJ && part === '$';
    const existing: UNode | null | undefined = isPositional
      ? (node as ObjNode).positional
      : node.children.get(key);
    const last = i === parts.length - 1;
    let next: UNode;
    if (last) {
      if (existing) throw conflict(path, parts.slice(0, i + 1).join('.'));
      next = leaf;
    } else {
      const wantArr = arrayFilterId(parts[i + 1]) !== null;
      if (existing) {
        if (existing.kind === LEAF || (existing.kind === ARR) !== wantArr) {
          throw conflict(path, parts.slice(0, i + 1).join('.'));
        }
        node = existing;
        continue;
      }
      next = wantArr ? newArr() : newObj();
    }
    if (isPositional) (node as ObjNode).positional = next;
    else node.children.set(key, next);
    if (next.kind !== LEAF) node = next;
  }
  if (parts[0] === '_id') st.idPaths.push(path);
}

function parseRename(st: ParseState, from: string, to: unknown, renames: RenameSpec[]): void {
  if (typeof to !== 'string') {
    throw badValue(`The 'to' field for $rename must be a string: ${fmtElement(from, to)}`);
  }
  const fromParts = parsePath(from);
  const toParts = parsePath(to);
  if (from === to) {
    throw badValue(`The source and target field for $rename must differ: ${fmtElement(from, to)}`);
  }
  if (to.startsWith(`${from}.`) || from.startsWith(`${to}.`)) {
    throw badValue(
      `The source and target field for $rename must not be on the same path: ${fmtElement(from, to)}`,
    );
  }
  if (fromParts.some(isDynamic)) {
    throw badValue(`The source field for $rename may not be dynamic: ${from}`);
  }
  if (toParts.some(isDynamic)) {
    throw badValue(`The destination field for $rename may not be dynamic: ${to}`);
  }
  checkTopLevelDollar(toParts);
  const spec: RenameSpec = { from: fromParts, fromPath: from, to: toParts, toPath: to };
  renames.push(spec);
  // The destination gets the moved value; the source is removed once the move happened.
  insertLeaf(st, toParts, to, {
    kind: LEAF,
    fn: (_cur, _f, _p, rc) => {
      const v = (rc.renames as Map<object, unknown>).get(spec);
      return v === undefined ? NOCHANGE : v;
    },
  });
  insertLeaf(st, fromParts, from, {
    kind: LEAF,
    fn: (cur, _f, _p, rc) =>
      cur === undefined || (rc.renames as Map<object, unknown>).get(spec) === undefined
        ? NOCHANGE
        : UNSET,
  });
}

/** Top-level field names of an array filter, through $and/$or/$nor. */
function filterFieldNames(f: Document, out: string[]): void {
  for (const k of Object.keys(f)) {
    const v = f[k];
    if ((k === '$and' || k === '$or' || k === '$nor') && Array.isArray(v)) {
      for (const sub of v) if (isTraversable(sub)) filterFieldNames(sub, out);
    } else if (!k.startsWith('$')) {
      out.push(k);
    }
  }
}

const IDENTIFIER_RE = /^[a-z][a-zA-Z0-9]*$/;

/**
 * Array filters by identifier: each is a predicate on one array element (`{x: el}` matched
 * against the filter). Validates as MongoDB parses `arrayFilters`.
 */
export function compileArrayFilters(
  arrayFilters: Document[] | undefined,
): Map<string, (v: unknown) => boolean> {
  const out = new Map<string, (v: unknown) => boolean>();
  if (arrayFilters === undefined || arrayFilters === null) return out;
  for (const f of arrayFilters) {
    if (!isTraversable(f)) {
      throw failedToParse(`Each array filter must be an object, found ${bsonTypeOf(f)}`);
    }
    const names: string[] = [];
    filterFieldNames(f, names);
    if (names.length === 0) {
      throw failedToParse(
        'Cannot use an expression without a top-level field name in arrayFilters',
      );
    }
    const ids = names.map((n) => n.split('.')[0]);
    const id = ids[0];
    const other = ids.find((x) => x !== id);
    if (other !== undefined) {
      throw failedToParse(
        `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${id}' and '${other}'`,
      );
    }
    if (!IDENTIFIER_RE.test(id)) {
      throw badValue(
        'Error parsing array filter :: caused by :: The top-level field name must be an ' +
          `alphanumeric string beginning with a lowercase letter, found '${id}'`,
      );
    }
    if (out.has(id)) {
      throw failedToParse(`Found multiple array filters with the same top-level field name ${id}`);
    }
    const pred = compileFilter(f);
    out.set(id, (v) => pred({ [id]: v }));
  }
  return out;
}

/** True for an update made of `$` operators (`{$set: ...}`); false for replacements/pipelines. */
export function isOperatorUpdate(update: Document | Document[]): boolean {
  if (Array.isArray(update)) return false;
  for (const k in update) return k.charCodeAt(0) === 36;
  return false;
}

/** A parsed update, reusable across the documents of one command (updateMany). */
export interface CompiledUpdate {
  readonly kind: 'operator' | 'replacement' | 'pipeline';
  apply(doc: Document, opts?: UpdateOptions): UpdateResult;
}

class OperatorUpdate implements CompiledUpdate {
  readonly kind = 'operator';
  constructor(
    private readonly root: ObjNode,
    private readonly filters: Map<string, (v: unknown) => boolean>,
    private readonly renames: RenameSpec[],
    private readonly idPath: string | undefined,
  ) {}

  apply(doc: Document, opts: UpdateOptions = {}): UpdateResult {
    const rc: RunCtx = { doc, opts, filters: this.filters, now: undefined, renames: null };
    if (this.renames.length > 0) {
      rc.renames = new Map();
      for (const spec of this.renames) rc.renames.set(spec, resolveRename(doc, spec));
    }
    const r = applyObj(this.root, doc, '', '', rc);
    if (r === NOCHANGE || r === UNSET) return { doc, modified: false };
    let out = r as Document;
    const oldId = hasOwn(doc, '_id') ? doc._id : undefined;
    const newId = hasOwn(out, '_id') ? out._id : undefined;
    if (oldId !== undefined) {
      // Any real change under _id is refused, a numeric type change included (MongoDB only
      // lets no-op writes through: 1 -> 1.0 fails for operators, unlike replacements).
      if (newId !== oldId && (newId === undefined || !binaryEqual(newId, oldId))) {
        throw err(
          ErrorCode.ImmutableField,
          `Performing an update on the path '${this.idPath ?? '_id'}' would modify the immutable field '_id'`,
        );
      }
    } else if (newId !== undefined) {
      checkIdType(newId);
      // A new document's _id goes first (an upsert may set it through $set).
      if (Object.keys(out)[0] !== '_id') out = idFirst(out);
    }
    return { doc: out, modified: true };
  }
}

function idFirst(d: Document): Document {
  const out: Document = { _id: d._id };
  for (const k of Object.keys(d)) if (k !== '_id') setKey(out, k, d[k]);
  return out;
}

function compileOperatorUpdate(update: Document, arrayFilters?: Document[]): OperatorUpdate {
  const filters = compileArrayFilters(arrayFilters);
  const st: ParseState = { root: newObj(), filters, usedIds: new Set(), idPaths: [] };
  const renames: RenameSpec[] = [];
  for (const op of Object.keys(update)) {
    if (!MODIFIERS.has(op)) {
      throw failedToParse(
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update ` +
          'specified as an array',
      );
    }
    const spec = update[op];
    if (!isTraversable(spec)) {
      throw failedToParse(
        `Modifiers operate on fields but we found type ${bsonTypeOf(spec)} instead. For ` +
          `example: {$mod: {<field>: ...}} not {${fmtElement(op, spec)}}`,
      );
    }
    for (const path of Object.keys(spec)) {
      if (op === '$rename') {
        parseRename(st, path, spec[path], renames);
        continue;
      }
      const parts = parsePath(path);
      if (!NON_CREATING.has(op)) checkTopLevelDollar(parts);
      insertLeaf(st, parts, path, { kind: LEAF, fn: buildLeaf(op, spec[path], path) });
    }
  }
  for (const id of filters.keys()) {
    if (!st.usedIds.has(id)) {
      throw failedToParse(
        `The array filter for identifier '${id}' was not used in the update ${fmtValue(update)}`,
      );
    }
  }
  finish(st.root);
  const idPath = st.idPaths.sort(compareFieldNames)[0];
  return new OperatorUpdate(st.root, filters, renames, idPath);
}

// ---- Replacement and pipeline updates ------------------------------------------------------

/** Checks a replacement document as MongoDB does before storing it. */
export function validateReplacement(replacement: Document): void {
  for (const k of Object.keys(replacement)) {
    if (k.charCodeAt(0) === 36) {
      throw err(
        ErrorCode.DollarPrefixedFieldName,
        `The dollar ($) prefixed field '${k}' in '${k}' is not allowed in the context of an ` +
          "update's replacement document. Consider using an aggregation pipeline with $replaceWith.",
      );
    }
  }
  if (hasOwn(replacement, '_id')) checkIdType(replacement._id);
}

/** `_id` may hold any type but array, regex and undefined. */
function checkIdType(id: unknown): void {
  const t = id === undefined ? 'undefined' : bsonTypeOf(id);
  if (t === 'array' || t === 'regex' || t === 'undefined') {
    throw err(ErrorCode.InvalidIdField, `The '_id' value cannot be of type ${t}`);
  }
}

/** The stored document replaced by `next`: keeps the old `_id` (first), which must not change. */
function replaceKeepingId(doc: Document, next: Document): UpdateResult {
  const oldId = hasOwn(doc, '_id') ? doc._id : undefined;
  const nextId = hasOwn(next, '_id') ? next._id : undefined;
  if (oldId !== undefined && nextId !== undefined && !valuesEqual(oldId, nextId)) {
    throw err(
      ErrorCode.ImmutableField,
      "After applying the update, the (immutable) field '_id' was found to have been altered " +
        `to ${fmtElement('_id', nextId)}`,
    );
  }
  const id = nextId ?? oldId;
  let out: Document;
  if (id === undefined) {
    out = next;
  } else {
    out = { _id: id };
    for (const k of Object.keys(next)) if (k !== '_id') setKey(out, k, next[k]);
  }
  if (binaryEqual(doc, out)) return { doc, modified: false };
  return { doc: out, modified: true };
}

/** Replaces `doc` with `replacement` (an update without operators). */
export function applyReplacement(doc: Document, replacement: Document): UpdateResult {
  validateReplacement(replacement);
  return replaceKeepingId(doc, ownValue(replacement));
}

/**
 * The document a replacement-style upsert inserts: the replacement with the filter's `_id`
 * equality (if any) first. The caller adds an ObjectId when neither provides one.
 */
export function upsertReplacement(filter: Document, replacement: Document): Document {
  validateReplacement(replacement);
  const id = upsertSeedId(filter);
  const seed: Document = id === undefined ? {} : { _id: id };
  const out = replaceKeepingId(seed, ownValue(replacement)).doc;
  return hasOwn(out, '_id') && Object.keys(out)[0] !== '_id' ? idFirst(out) : out;
}

class ReplacementUpdate implements CompiledUpdate {
  readonly kind = 'replacement';
  private readonly replacement: Document;
  constructor(replacement: Document) {
    validateReplacement(replacement);
    this.replacement = ownValue(replacement);
  }
  apply(doc: Document): UpdateResult {
    return replaceKeepingId(doc, this.replacement);
  }
}

class PipelineUpdate implements CompiledUpdate {
  readonly kind = 'pipeline';
  constructor(private readonly pipeline: Document[]) {
    for (const stage of pipeline) {
      if (!isTraversable(stage)) {
        throw err(ErrorCode.TypeMismatch, "Each element of the 'pipeline' array must be an object");
      }
    }
  }
  apply(doc: Document, opts: UpdateOptions = {}): UpdateResult {
    if (this.pipeline.length === 0) return { doc, modified: false };
    if (opts.evalPipeline === undefined) {
      throw err(ErrorCode.NotImplemented, 'Pipeline-style updates are not available');
    }
    // Pipelines may mutate their input; stored documents must stay intact.
    const next = opts.evalPipeline(ownValue(doc), this.pipeline);
    if (!isTraversable(next)) {
      throw badValue('Transforming document with the update pipeline did not produce a document');
    }
    return replaceKeepingId(doc, next);
  }
}

// ---- Entry points --------------------------------------------------------------------------

// updateMany applies one update object to many documents: the last parse is kept for reuse.
// (A one-entry cache: a WeakMap costs more in GC than parsing a small update.)
let lastUpdate: object | null = null;
let lastArrayFilters: Document[] | undefined;
let lastCompiled: CompiledUpdate | null = null;

/**
 * Parses and validates an update of any style (operators, replacement, pipeline). Throws the
 * errors MongoDB raises when it parses an update, before touching any document.
 */
export function compileUpdate(
  update: Document | Document[],
  arrayFilters?: Document[],
): CompiledUpdate {
  if (update === lastUpdate && arrayFilters === lastArrayFilters && lastCompiled !== null) {
    return lastCompiled;
  }
  let compiled: CompiledUpdate;
  if (Array.isArray(update)) {
    if (arrayFilters !== undefined && arrayFilters.length > 0) {
      throw failedToParse('arrayFilters may not be specified for pipeline-style updates');
    }
    compiled = new PipelineUpdate(update);
  } else if (isOperatorUpdate(update)) {
    compiled = compileOperatorUpdate(update, arrayFilters);
  } else {
    if (arrayFilters !== undefined && arrayFilters.length > 0) {
      throw failedToParse('arrayFilters may not be specified for replacement-style updates');
    }
    compiled = new ReplacementUpdate(update);
  }
  lastUpdate = update;
  lastArrayFilters = arrayFilters;
  lastCompiled = compiled;
  return compiled;
}

/**
 * Applies an update to a stored document without mutating it. Operator updates, replacement
 * documents and pipelines (via `opts.evalPipeline`) are all accepted.
 */
export function applyUpdate(
  doc: Document,
  update: Document | Document[],
  opts: UpdateOptions = {},
): UpdateResult {
  return compileUpdate(update, opts.arrayFilters).apply(doc, opts);
}
