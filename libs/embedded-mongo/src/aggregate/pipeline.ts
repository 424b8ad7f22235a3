/**
 * Aggregation pipeline over stored documents. Stages are executed here over materialised
 * arrays, with the expression evaluator of ./expressions (BSON-exact numbers, MongoDB type
 * order). Only $setWindowFields, $densify, $fill, $redact and $bucketAuto go through mingo.
 * Input documents are never mutated: stages that change a document build a new one (result
 * documents may share unchanged sub-objects with the input, so treat results as read-only
 * or deep-clone them before storing).
 */
import { Long } from 'bson';
import { canonicalTypeRank, compareValues, deepClone, Document, valueKey } from '../bson/values';
import { ErrorCode, MongoError } from '../errors';
import { accumulatorFactory, AccumulatorFactory } from './accumulators';
import type { PipelineContext, PipelineResult } from './context';
import { evaluate, fail, getPathValue, isDoc, Scope, splitPath, truthy } from './expressions';
import { compileFilter } from '../query/matcher';
import { fromMingo, mingoStage, toMingo } from './mingo-bridge';
import { toNumber } from './numeric';

export type { PipelineContext, PipelineResult } from './context';
export { evaluateExpression } from './expressions';

/** Stages the server may intercept before calling runPipeline (they pass validation). */
export const SERVER_STAGES = new Set([
  '$changeStream',
  '$geoNear',
  '$collStats',
  '$indexStats',
  '$currentOp',
  '$listSessions',
  '$listLocalSessions',
  '$planCacheStats',
]);

const STAGES = new Set([
  '$match',
  '$group',
  '$sort',
  '$skip',
  '$limit',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$unwind',
  '$lookup',
  '$facet',
  '$count',
  '$sortByCount',
  '$bucket',
  '$bucketAuto',
  '$replaceRoot',
  '$replaceWith',
  '$sample',
  '$unionWith',
  '$graphLookup',
  '$setWindowFields',
  '$documents',
  '$densify',
  '$fill',
  '$redact',
  '$out',
  '$merge',
]);

/** Recognised by MongoDB but not available here. */
const UNSUPPORTED = new Set([
  '$search',
  '$searchMeta',
  '$vectorSearch',
  '$listSearchIndexes',
  '$changeStreamSplitLargeEvent',
  '$listSampledQueries',
  '$shardedDataDistribution',
  '$queryStats',
  '$listClusterCatalog',
]);

const UPDATE_STAGES = new Set([
  '$addFields',
  '$set',
  '$project',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
]);

function stageName(stage: Document): string {
  return Object.keys(stage)[0];
}

/** Checks the pipeline's shape and stage names; returns it typed. */
export function validatePipeline(pipeline: unknown): Document[] {
  if (!Array.isArray(pipeline)) {
    throw new MongoError(ErrorCode.TypeMismatch, "'pipeline' option must be specified as an array");
  }
  pipeline.forEach((stage, i) => {
    if (!isDoc(stage) || Object.keys(stage).length !== 1) {
      throw fail(40323, 'A pipeline stage specification object must contain exactly one field.');
    }
    const name = stageName(stage);
    if (UNSUPPORTED.has(name))
      throw fail(ErrorCode.NotImplemented, `${name} is not supported by this server`);
    if (!STAGES.has(name) && !SERVER_STAGES.has(name)) {
      throw fail(ErrorCode.Location40324, `Unrecognized pipeline stage name: '${name}'`);
    }
    if ((name === '$out' || name === '$merge') && i !== pipeline.length - 1) {
      throw fail(40601, `${name} can only be the final stage in the pipeline`);
    }
    if ((name === '$documents' || SERVER_STAGES.has(name)) && i !== 0) {
      throw fail(40602, `${name} is only valid as the first stage in a pipeline`);
    }
  });
  return pipeline as Document[];
}

/** Splits off the leading stages whose names are in `names` (e.g. $geoNear for the server). */
export function splitLeadingStages(
  pipeline: Document[],
  names: Iterable<string>,
): { leading: Document[]; rest: Document[] } {
  const set = new Set(names);
  let i = 0;
  while (i < pipeline.length && set.has(stageName(pipeline[i]))) i++;
  return { leading: pipeline.slice(0, i), rest: pipeline.slice(i) };
}

interface Run {
  ctx: Partial<PipelineContext>;
  now: Date;
  vars: Document;
  output?: PipelineResult['output'];
  nested: boolean;
}

export function runPipeline(
  input: Iterable<Document> | Document[],
  pipeline: Document[],
  ctx: PipelineContext,
): PipelineResult {
  validatePipeline(pipeline);
  const run: Run = { ctx, now: ctx.now?.() ?? new Date(), vars: {}, nested: false };
  const docs = runStages(Array.isArray(input) ? input : Array.from(input), pipeline, run);
  return run.output ? { docs, output: run.output } : { docs };
}

/** Applies an update pipeline ($set/$unset/$project/$replaceRoot...) to one document. */
export function applyPipelineUpdate(
  doc: Document,
  pipeline: Document[],
  ctx?: Partial<PipelineContext>,
  vars?: Document,
): Document {
  validatePipeline(pipeline);
  for (const stage of pipeline) {
    const name = stageName(stage);
    if (!UPDATE_STAGES.has(name)) {
      throw new MongoError(
        ErrorCode.InvalidOptions,
        `${name} is not allowed to be used within an update`,
      );
    }
  }
  const run: Run = {
    ctx: ctx ?? {},
    now: ctx?.now?.() ?? new Date(),
    vars: vars ?? {},
    nested: true,
  };
  const out = runStages([doc], pipeline, run);
  return out[0];
}

function scopeFor(doc: unknown, run: Run): Scope {
  return { root: doc, current: doc, vars: run.vars, now: run.now, ctx: run.ctx };
}

function runStages(docs: Document[], pipeline: Document[], run: Run): Document[] {
  let cur = docs;
  for (let i = 0; i < pipeline.length; i++) {
    const stage = pipeline[i];
    const name = stageName(stage);
    const spec = stage[name];
    cur = runStage(name, spec, cur, run, i === 0);
  }
  return cur;
}

function runStage(
  name: string,
  spec: unknown,
  docs: Document[],
  run: Run,
  first: boolean,
): Document[] {
  switch (name) {
    case '$match':
      return matchStage(spec, docs, run);
    case '$group':
      return groupStage(spec, docs, run);
    case '$sort':
      return sortStage(spec, docs);
    case '$skip': {
      const n = nonNegativeInt(spec, '$skip', 15956);
      return docs.slice(n);
    }
    case '$limit': {
      const n = nonNegativeInt(spec, '$limit', 15957);
      if (n === 0) throw fail(15958, 'the limit must be positive');
      return docs.slice(0, n);
    }
    case '$project': {
      const p = compileProjection(spec, '$project');
      return docs.map((d) => p(d, scopeFor(d, run)));
    }
    case '$unset': {
      const fields = typeof spec === 'string' ? [spec] : spec;
      if (
        !Array.isArray(fields) ||
        fields.some((f) => typeof f !== 'string') ||
        fields.length === 0
      ) {
        throw fail(
          31002,
          '$unset specification must be a string or an array containing only string values',
        );
      }
      const p = compileProjection(Object.fromEntries(fields.map((f) => [f, 0])), '$unset');
      return docs.map((d) => p(d, scopeFor(d, run)));
    }
    case '$addFields':
    case '$set': {
      if (!isDoc(spec))
        throw fail(40272, `${name} specification stage must be an object, got ${typeof spec}`);
      const tree = compileSetTree(spec);
      return docs.map((d) => applySetTree(d, tree, scopeFor(d, run)) as Document);
    }
    case '$replaceRoot':
    case '$replaceWith': {
      const expr = name === '$replaceRoot' ? (isDoc(spec) ? spec.newRoot : undefined) : spec;
      if (name === '$replaceRoot' && (!isDoc(spec) || !('newRoot' in spec))) {
        throw fail(40231, 'no newRoot specified for the $replaceRoot stage');
      }
      return docs.map((d) => {
        const r = evaluate(expr, scopeFor(d, run));
        if (!isDoc(r)) {
          throw fail(
            40228,
            `'newRoot' expression must evaluate to an object, but resulting value was: ${r === undefined ? 'MISSING' : JSON.stringify(r)}. Type of resulting value: '${r === undefined ? 'missing' : typeof r}'.`,
          );
        }
        return r;
      });
    }
    case '$unwind':
      return unwindStage(spec, docs);
    case '$count': {
      if (typeof spec !== 'string' || spec === '')
        throw fail(40156, 'the count field must be a non-empty string');
      if (spec.startsWith('$')) throw fail(40158, 'the count field cannot be a $-prefixed path');
      if (spec.includes('.')) throw fail(40160, "the count field cannot contain '.'");
      return docs.length === 0 ? [] : [{ [spec]: docs.length }];
    }
    case '$sortByCount': {
      const grouped = groupStage({ _id: spec, count: { $sum: 1 } }, docs, run);
      return sortStage({ count: -1 }, grouped);
    }
    case '$bucket':
      return bucketStage(spec, docs, run);
    case '$sample': {
      if (!isDoc(spec) || typeof toNumber(spec.size) !== 'number' || !(toNumber(spec.size) >= 0)) {
        throw fail(28749, 'size argument to $sample must be a non-negative number');
      }
      const size = Math.min(Math.floor(toNumber(spec.size)), docs.length);
      const arr = docs.slice();
      for (let i = 0; i < size; i++) {
        const j = i + Math.floor(Math.random() * (arr.length - i));
        [arr[i], arr[j]] = [arr[j], arr[i]];
      }
      return arr.slice(0, size);
    }
    case '$facet':
      return facetStage(spec, docs, run);
    case '$lookup':
      return lookupStage(spec, docs, run);
    case '$graphLookup':
      return graphLookupStage(spec, docs, run);
    case '$unionWith': {
      const s = typeof spec === 'string' ? { coll: spec } : spec;
      if (!isDoc(s))
        throw fail(ErrorCode.FailedToParse, '$unionWith expects a string or an object');
      const sub = (s.pipeline ?? []) as Document[];
      validatePipeline(sub);
      const base = typeof s.coll === 'string' ? resolve(run, s.coll) : [];
      return docs.concat(runStages(base, sub, { ...run, nested: true }));
    }
    case '$documents': {
      if (!first) throw fail(40602, '$documents is only valid as the first stage in a pipeline');
      const v = evaluate(spec, scopeFor({}, run));
      if (!Array.isArray(v) || !v.every(isDoc)) {
        throw fail(5858203, 'an array of documents must be specified to $documents');
      }
      return v as Document[];
    }
    case '$setWindowFields':
      return windowStage(spec, docs, run);
    case '$densify':
    case '$fill':
    case '$redact':
    case '$bucketAuto':
      return mingoStage(docs, { [name]: spec }, run.now, mingoVars(run));
    case '$out':
    case '$merge':
      return outputStage(name, spec, docs, run);
    default:
      if (SERVER_STAGES.has(name)) {
        throw fail(
          ErrorCode.NotImplemented,
          `${name} must be handled by the server before the pipeline`,
        );
      }
      throw fail(ErrorCode.Location40324, `Unrecognized pipeline stage name: '${name}'`);
  }
}

function mingoVars(run: Run): Document {
  return toMingo(run.vars) as Document;
}

function nonNegativeInt(v: unknown, name: string, code: number): number {
  const n = toNumber(v);
  if (!Number.isInteger(n) || n < 0) {
    throw fail(code, `invalid argument to ${name} stage: Expected a non-negative integral number`);
  }
  return n;
}

function resolve(run: Run, name: unknown): Document[] {
  if (typeof name !== 'string')
    throw fail(ErrorCode.FailedToParse, 'collection name must be a string');
  if (!run.ctx.resolveCollection) return [];
  return run.ctx.resolveCollection(name);
}

// ---- $match -----------------------------------------------------------------------------

export function compileMatch(
  filter: Document,
  run: Pick<Run, 'ctx' | 'now' | 'vars'>,
): (d: Document) => boolean {
  const evalExpr = (expr: unknown, doc: Document): unknown =>
    evaluate(expr, { root: doc, current: doc, vars: run.vars, now: run.now, ctx: run.ctx });
  return compileFilter(filter, { evalExpr, now: () => run.now });
}

function matchStage(spec: unknown, docs: Document[], run: Run): Document[] {
  if (!isDoc(spec)) throw fail(15959, 'the match filter must be an expression in an object');
  if (Object.keys(spec).length === 0) return docs;
  const test = compileMatch(spec, run);
  return docs.filter(test);
}

// ---- $group -----------------------------------------------------------------------------

function groupStage(spec: unknown, docs: Document[], run: Run): Document[] {
  if (!isDoc(spec)) throw fail(15947, 'a group specification must be an object');
  if (!('_id' in spec)) throw fail(15955, 'a group specification must include an _id');
  const groupScope = scopeFor({}, run);
  const fields: [string, AccumulatorFactory][] = [];
  for (const [k, v] of Object.entries(spec)) {
    if (k === '_id') continue;
    if (k.includes('.')) throw fail(40235, `The field name '${k}' cannot contain '.'`);
    fields.push([k, accumulatorFactory(k, v, groupScope)]);
  }
  const idExpr = spec._id;
  // A constant _id (e.g. countDocuments' {_id: 1}) puts everything in one group.
  const constantId =
    idExpr === null || (typeof idExpr !== 'string' && !isDoc(idExpr) && !Array.isArray(idExpr));
  const groups = new Map<string, { id: unknown; states: ReturnType<AccumulatorFactory>[] }>();
  for (const d of docs) {
    const scope = scopeFor(d, run);
    const id = constantId ? idExpr : evaluate(idExpr, scope);
    const key = constantId ? '' : valueKey(id);
    let g = groups.get(key);
    if (!g) {
      g = { id: id === undefined ? null : id, states: fields.map(([, f]) => f()) };
      groups.set(key, g);
    }
    for (const s of g.states) s.add(scope);
  }
  const out: Document[] = [];
  for (const g of groups.values()) {
    const doc: Document = { _id: g.id };
    fields.forEach(([k], i) => (doc[k] = g.states[i].result()));
    out.push(doc);
  }
  return out;
}

// ---- $sort ------------------------------------------------------------------------------

const EMPTY_ARRAY = Symbol('emptyArray');

function sortKeyValues(v: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(EMPTY_ARRAY);
      else for (const e of v) out.push(e === undefined ? null : e);
    } else out.push(v === undefined ? null : v);
    return;
  }
  if (Array.isArray(v)) {
    let any = false;
    const before = out.length;
    for (const e of v) if (isDoc(e)) sortKeyValues(e[parts[i]], parts, i + 1, out);
    if (/^\d+$/.test(parts[i]) && Number(parts[i]) < v.length) {
      sortKeyValues(v[Number(parts[i])], parts, i + 1, out);
    }
    any = out.length > before;
    if (!any) out.push(null);
    return;
  }
  if (isDoc(v)) sortKeyValues(v[parts[i]], parts, i + 1, out);
  else out.push(null);
}

/** compareValues with fast paths for the common same-type cases. */
function compareSortValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number' && !Number.isNaN(a) && !Number.isNaN(b)) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return 0;
    const n = Math.min(a.length, b.length);
    let i = 0;
    while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
    if (i === n) return a.length < b.length ? -1 : 1;
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    // Below the surrogate range UTF-16 order equals UTF-8 byte order.
    if (x < 0xd800 && y < 0xd800) return x < y ? -1 : 1;
    return compareValues(a, b);
  }
  // An empty array sorts below null (but above MinKey), as MongoDB does.
  if (a === EMPTY_ARRAY || b === EMPTY_ARRAY) {
    if (a === b) return 0;
    const other = a === EMPTY_ARRAY ? b : a;
    const c = canonicalTypeRank(other) <= 1 ? 1 : -1;
    return a === EMPTY_ARRAY ? c : -c;
  }
  return compareValues(a, b);
}

/** The sort key of one field: the smallest element ascending, the largest descending. */
function sortKey(doc: Document, parts: string[], dir: number): unknown {
  const vals: unknown[] = [];
  sortKeyValues(doc, parts, 0, vals);
  let best = vals[0];
  for (let i = 1; i < vals.length; i++) {
    const c = compareSortValues(vals[i], best);
    if (dir > 0 ? c < 0 : c > 0) best = vals[i];
  }
  return best;
}

export function compileSort(spec: unknown): (a: Document, b: Document) => number {
  const keys = sortSpecKeys(spec);
  return (a, b) => {
    for (const [parts, dir] of keys) {
      const c = compareSortValues(sortKey(a, parts, dir), sortKey(b, parts, dir));
      if (c !== 0) return c * dir;
    }
    return 0;
  };
}

function sortSpecKeys(spec: unknown): [string[], number][] {
  if (!isDoc(spec) || Object.keys(spec).length === 0) {
    throw fail(15976, '$sort stage must have at least one sort key');
  }
  const keys: [string[], number][] = [];
  for (const [k, v] of Object.entries(spec)) {
    if (isDoc(v) && v.$meta !== undefined) continue; // text score: not tracked here
    const n = toNumber(v);
    if (n !== 1 && n !== -1)
      throw fail(15975, '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
    keys.push([splitPath(k), n]);
  }
  return keys;
}

function sortStage(spec: unknown, docs: Document[]): Document[] {
  const keys = sortSpecKeys(spec);
  // Compute each document's keys once, then sort stably.
  const rows = docs.map((d, i) => ({
    d,
    i,
    k: keys.map(([parts, dir]) => sortKey(d, parts, dir)),
  }));
  rows.sort((x, y) => {
    for (let j = 0; j < keys.length; j++) {
      const c = compareSortValues(x.k[j], y.k[j]);
      if (c !== 0) return c * keys[j][1];
    }
    return x.i - y.i;
  });
  return rows.map((r) => r.d);
}

// ---- $project / $addFields --------------------------------------------------------------

type ProjNode =
  | { kind: 'include' }
  | { kind: 'exclude' }
  | { kind: 'expr'; expr: unknown }
  | { kind: 'nested'; children: Map<string, ProjNode> };

function isOperatorObject(v: unknown): boolean {
  if (!isDoc(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys[0].startsWith('$');
}

function insertPath(
  root: Map<string, ProjNode>,
  path: string,
  node: ProjNode,
  stage: string,
): void {
  const parts = path.split('.');
  let cur = root;
  for (let i = 0; i < parts.length - 1; i++) {
    let n = cur.get(parts[i]);
    if (!n) {
      n = { kind: 'nested', children: new Map() };
      cur.set(parts[i], n);
    } else if (n.kind !== 'nested') {
      throw fail(31250, `Invalid ${stage} :: caused by :: Path collision at ${path}`);
    }
    cur = n.children;
  }
  const last = parts[parts.length - 1];
  if (cur.has(last))
    throw fail(31250, `Invalid ${stage} :: caused by :: Path collision at ${path}`);
  cur.set(last, node);
}

function parseProjection(
  spec: Document,
  root: Map<string, ProjNode>,
  stage: string,
  prefix = '',
): void {
  for (const [k, v] of Object.entries(spec)) {
    if (k === '')
      throw fail(
        40352,
        `Invalid ${stage} :: caused by :: FieldPath cannot be constructed with empty string`,
      );
    if (k.startsWith('$'))
      throw fail(
        16410,
        `Invalid ${stage} :: caused by :: FieldPath field names may not start with '$'.`,
      );
    const path = prefix + k;
    if (typeof v === 'boolean' || typeof v === 'number' || isNumericWrapper(v)) {
      insertPath(root, path, truthy(v) ? { kind: 'include' } : { kind: 'exclude' }, stage);
    } else if (isDoc(v) && !isOperatorObject(v)) {
      if (Object.keys(v).length === 0) {
        throw fail(
          51270,
          `Invalid ${stage} :: caused by :: An empty sub-projection is not a valid value. Found empty object at path`,
        );
      }
      parseProjection(v, root, stage, path + '.');
    } else {
      insertPath(root, path, { kind: 'expr', expr: v }, stage);
    }
  }
}

function isNumericWrapper(v: unknown): boolean {
  const t = (v as { _bsontype?: string } | null)?._bsontype;
  return t === 'Double' || t === 'Long' || t === 'Int32' || t === 'Decimal128';
}

function scanModes(
  node: Map<string, ProjNode>,
  top: boolean,
  acc: { inc: boolean; exc: boolean },
): void {
  for (const [k, n] of node) {
    if (top && k === '_id' && n.kind !== 'nested') continue;
    if (n.kind === 'exclude') acc.exc = true;
    else if (n.kind === 'nested') scanModes(n.children, false, acc);
    else acc.inc = true;
  }
}

type Projector = (doc: Document, scope: Scope) => Document;

/** Compiles a $project (or $unset) specification. */
export function compileProjection(spec: unknown, stage = '$project'): Projector {
  if (!isDoc(spec)) throw fail(15969, `${stage} specification must be an object`);
  if (Object.keys(spec).length === 0) {
    throw fail(
      51272,
      `Invalid ${stage} :: caused by :: projection specification must have at least one field`,
    );
  }
  const root = new Map<string, ProjNode>();
  parseProjection(spec, root, stage);
  const modes = { inc: false, exc: false };
  scanModes(root, true, modes);
  if (modes.inc && modes.exc) {
    throw fail(
      31254,
      `Invalid ${stage} :: caused by :: Cannot do exclusion on field in inclusion projection`,
    );
  }
  const idNode = root.get('_id');
  const idIncluded = idNode !== undefined && idNode.kind !== 'exclude';
  if (modes.exc || (!modes.inc && !idIncluded)) {
    // Exclusion mode ({_id: 1} is allowed alongside exclusions and changes nothing).
    if (idIncluded) root.delete('_id');
    return (doc) => applyExclusion(doc, root) as Document;
  }
  if (!root.has('_id')) root.set('_id', { kind: 'include' });
  else if (root.get('_id')?.kind === 'exclude') root.delete('_id');
  return (doc, scope) => applyInclusion(doc, root, scope);
}

function applyExclusion(v: unknown, node: Map<string, ProjNode>): unknown {
  if (Array.isArray(v))
    return v.map((e) => (isDoc(e) || Array.isArray(e) ? applyExclusion(e, node) : e));
  if (!isDoc(v)) return v;
  const out: Document = {};
  for (const k of Object.keys(v)) {
    const n = node.get(k);
    if (!n) out[k] = v[k];
    else if (n.kind === 'nested') out[k] = applyExclusion(v[k], n.children);
    // excluded: dropped
  }
  return out;
}

function hasComputed(node: Map<string, ProjNode>): boolean {
  for (const n of node.values()) {
    if (n.kind === 'expr' || (n.kind === 'nested' && hasComputed(n.children))) return true;
  }
  return false;
}

function projectNested(v: unknown, node: Map<string, ProjNode>, scope: Scope): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const e of v) {
      if (isDoc(e) || Array.isArray(e)) out.push(projectNested(e, node, scope));
      else if (hasComputed(node)) out.push(applyInclusion({}, node, scope));
    }
    return out;
  }
  if (isDoc(v)) return applyInclusion(v, node, scope);
  return hasComputed(node) ? applyInclusion({}, node, scope) : undefined;
}

/** Included fields in document order, then computed fields in specification order. */
function applyInclusion(doc: Document, node: Map<string, ProjNode>, scope: Scope): Document {
  const out: Document = {};
  const done = new Set<string>();
  for (const k of Object.keys(doc)) {
    const n = node.get(k);
    if (!n) continue;
    if (n.kind === 'include') {
      out[k] = doc[k];
      done.add(k);
    } else if (n.kind === 'nested') {
      const r = projectNested(doc[k], n.children, scope);
      if (r !== undefined) out[k] = r;
      done.add(k);
    }
  }
  for (const [k, n] of node) {
    if (done.has(k)) continue;
    if (n.kind === 'expr') {
      const v = evaluate(n.expr, scope);
      if (v !== undefined) out[k] = v;
    } else if (n.kind === 'nested' && hasComputed(n.children)) {
      out[k] = applyInclusion({}, n.children, scope);
    }
  }
  return out;
}

type SetNode = { expr: unknown } | { children: Map<string, SetNode> };

function compileSetTree(
  spec: Document,
  root = new Map<string, SetNode>(),
  prefix = '',
): Map<string, SetNode> {
  for (const [k, v] of Object.entries(spec)) {
    if (k === '' || k.startsWith('$')) {
      throw fail(
        16410,
        `Invalid $addFields :: caused by :: FieldPath field names may not start with '$' or be empty`,
      );
    }
    const path = prefix + k;
    if (isDoc(v) && !isOperatorObject(v) && Object.keys(v).length > 0) {
      compileSetTree(v, root, path + '.');
      continue;
    }
    const parts = path.split('.');
    let cur = root;
    for (let i = 0; i < parts.length - 1; i++) {
      let n = cur.get(parts[i]);
      if (!n || 'expr' in n) {
        n = { children: new Map() };
        cur.set(parts[i], n);
      }
      cur = n.children;
    }
    cur.set(parts[parts.length - 1], { expr: v });
  }
  return root;
}

/** Returns a copy of `target` with the tree's fields set (expressions see the input doc). */
function applySetTree(target: unknown, tree: Map<string, SetNode>, scope: Scope): unknown {
  if (Array.isArray(target)) return target.map((e) => applySetTree(e, tree, scope));
  const out: Document = isDoc(target) ? { ...target } : {};
  for (const [k, n] of tree) {
    if ('expr' in n) {
      const v = evaluate(n.expr, scope);
      if (v === undefined) delete out[k];
      else out[k] = v;
    } else {
      out[k] = applySetTree(out[k], n.children, scope);
    }
  }
  return out;
}

// ---- $unwind ----------------------------------------------------------------------------

/** Copy of `doc` with the (document-only) path set to `value`; undefined removes it. */
function setPath(doc: Document, parts: string[], value: unknown, i = 0): Document {
  const out = { ...doc };
  const k = parts[i];
  if (i === parts.length - 1) {
    if (value === undefined) delete out[k];
    else out[k] = value;
  } else {
    const child = out[k];
    out[k] = setPath(isDoc(child) ? child : {}, parts, value, i + 1);
  }
  return out;
}

function getDocPath(doc: unknown, parts: string[]): unknown {
  let cur = doc;
  for (const p of parts) {
    if (!isDoc(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function unwindStage(spec: unknown, docs: Document[]): Document[] {
  const s = typeof spec === 'string' ? { path: spec } : spec;
  if (!isDoc(s))
    throw fail(15981, 'expected either a string or an object as specification for $unwind stage');
  if (typeof s.path !== 'string') throw fail(28812, 'no path specified to $unwind stage');
  if (!s.path.startsWith('$')) {
    throw fail(28818, `path option to $unwind stage should be prefixed with a '$': ${s.path}`);
  }
  const parts = splitPath(s.path.slice(1));
  const idx = s.includeArrayIndex;
  if (idx !== undefined && (typeof idx !== 'string' || idx === '' || idx.startsWith('$'))) {
    throw fail(
      28822,
      'includeArrayIndex option to $unwind stage should be a non-empty string not starting with $',
    );
  }
  const idxParts = typeof idx === 'string' ? splitPath(idx) : undefined;
  const preserve = s.preserveNullAndEmptyArrays === true;
  const out: Document[] = [];
  for (const d of docs) {
    const v = getDocPath(d, parts);
    if (Array.isArray(v)) {
      if (v.length === 0) {
        if (preserve) {
          const r = setPath(d, parts, undefined);
          out.push(idxParts ? setPath(r, idxParts, null) : r);
        }
        continue;
      }
      v.forEach((e, i) => {
        const r = setPath(d, parts, e);
        out.push(idxParts ? setPath(r, idxParts, Long.fromNumber(i)) : r);
      });
    } else if (v === null || v === undefined) {
      if (preserve) out.push(idxParts ? setPath(d, idxParts, null) : d);
    } else {
      out.push(idxParts ? setPath(d, idxParts, null) : d);
    }
  }
  return out;
}

// ---- $bucket ----------------------------------------------------------------------------

function bucketStage(spec: unknown, docs: Document[], run: Run): Document[] {
  if (!isDoc(spec)) throw fail(40201, 'Argument to $bucket stage must be an object');
  const bounds = spec.boundaries;
  if (!Array.isArray(bounds) || bounds.length < 2) {
    throw fail(40192, "The $bucket 'boundaries' field must be an array with at least two values");
  }
  for (let i = 1; i < bounds.length; i++) {
    if (canonicalTypeRank(bounds[i]) !== canonicalTypeRank(bounds[0])) {
      throw fail(40193, "All values in the 'boundaries' option to $bucket must have the same type");
    }
    if (compareValues(bounds[i - 1], bounds[i]) >= 0) {
      throw fail(40194, "The 'boundaries' option to $bucket must be sorted in ascending order");
    }
  }
  const hasDefault = 'default' in spec;
  if (
    hasDefault &&
    compareValues(spec.default, bounds[0]) >= 0 &&
    compareValues(spec.default, bounds[bounds.length - 1]) < 0 &&
    canonicalTypeRank(spec.default) === canonicalTypeRank(bounds[0])
  ) {
    throw fail(
      40199,
      'The $bucket default value must be less than the lowest boundary or greater than or equal to the highest boundary.',
    );
  }
  const output = (spec.output as Document | undefined) ?? { count: { $sum: 1 } };
  const groupScope = scopeFor({}, run);
  const fields = Object.entries(output).map(
    ([k, v]) => [k, accumulatorFactory(k, v, groupScope)] as const,
  );
  const buckets = new Map<number, { id: unknown; states: ReturnType<AccumulatorFactory>[] }>();
  for (const d of docs) {
    const scope = scopeFor(d, run);
    const v = evaluate(spec.groupBy, scope);
    let b = -1;
    if (canonicalTypeRank(v) === canonicalTypeRank(bounds[0])) {
      for (let i = 0; i < bounds.length - 1; i++) {
        if (compareValues(v, bounds[i]) >= 0 && compareValues(v, bounds[i + 1]) < 0) {
          b = i;
          break;
        }
      }
    }
    if (b < 0 && !hasDefault) {
      throw fail(
        40066,
        '$switch could not find a matching branch for an input, and no default was specified.',
      );
    }
    let g = buckets.get(b);
    if (!g) {
      g = { id: b < 0 ? spec.default : bounds[b], states: fields.map(([, f]) => f()) };
      buckets.set(b, g);
    }
    for (const st of g.states) st.add(scope);
  }
  return [...buckets.values()]
    .sort((x, y) => compareValues(x.id, y.id))
    .map((g) => {
      const doc: Document = { _id: g.id };
      fields.forEach(([k], i) => (doc[k] = g.states[i].result()));
      return doc;
    });
}

// ---- $facet -----------------------------------------------------------------------------

const FACET_FORBIDDEN = new Set([
  '$facet',
  '$out',
  '$merge',
  '$geoNear',
  '$changeStream',
  '$collStats',
  '$indexStats',
  '$documents',
]);

function facetStage(spec: unknown, docs: Document[], run: Run): Document[] {
  if (!isDoc(spec) || Object.keys(spec).length === 0) {
    throw fail(40169, 'the $facet specification must be a non-empty object');
  }
  const out: Document = {};
  for (const [name, sub] of Object.entries(spec)) {
    const p = validatePipeline(sub);
    for (const st of p) {
      if (FACET_FORBIDDEN.has(stageName(st))) {
        throw fail(40600, `${stageName(st)} is not allowed to be used within a $facet stage`);
      }
    }
    out[name] = runStages(docs, p, { ...run, nested: true });
  }
  return [out];
}

// ---- $lookup ----------------------------------------------------------------------------

/** Keys of the values found at a path (array elements and whole arrays); null when missing. */
function matchKeys(doc: unknown, parts: string[]): string[] {
  const keys: string[] = [];
  let missing = false;
  const walk = (v: unknown, i: number): void => {
    if (i === parts.length) {
      if (v === undefined) missing = true;
      else {
        keys.push(valueKey(v));
        if (Array.isArray(v)) for (const e of v) keys.push(valueKey(e));
      }
      return;
    }
    if (Array.isArray(v)) {
      for (const e of v) {
        if (isDoc(e)) walk(e[parts[i]], i + 1);
        else if (Array.isArray(e)) walk(e, i);
      }
      if (/^\d+$/.test(parts[i])) walk(v[Number(parts[i])], i + 1);
      return;
    }
    if (isDoc(v)) walk(v[parts[i]], i + 1);
    else missing = true;
  };
  walk(doc, 0);
  if (missing || keys.length === 0) keys.push(valueKey(null));
  return keys;
}

/** Local values used for equality: array elements (one level), null when missing. */
function localKeys(doc: Document, parts: string[]): string[] {
  const v = getPathValue(doc, parts);
  if (v === undefined) return [valueKey(null)];
  if (Array.isArray(v)) {
    // An array of values matches any of its elements (and a whole nested array value).
    return v.length === 0 ? [] : v.map(valueKey);
  }
  return [valueKey(v)];
}

function lookupStage(spec: unknown, docs: Document[], run: Run): Document[] {
  if (!isDoc(spec))
    throw fail(ErrorCode.FailedToParse, 'the $lookup specification must be an object');
  const { from, localField, foreignField, as, pipeline } = spec;
  if (typeof as !== 'string')
    throw fail(ErrorCode.FailedToParse, "must specify 'as' field for a $lookup");
  const collName = isDoc(from) ? from.coll : from;
  const hasEq = localField !== undefined || foreignField !== undefined;
  if (hasEq && (typeof localField !== 'string' || typeof foreignField !== 'string')) {
    throw fail(
      ErrorCode.FailedToParse,
      "$lookup requires both or neither of 'localField' and 'foreignField' to be specified",
    );
  }
  if (!hasEq && pipeline === undefined) {
    throw fail(
      ErrorCode.FailedToParse,
      "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified",
    );
  }
  const sub = pipeline === undefined ? undefined : validatePipeline(pipeline);
  if (sub) {
    for (const st of sub) {
      const n = stageName(st);
      if (n === '$out' || n === '$merge')
        throw fail(51047, `${n} is not allowed within a $lookup's sub-pipeline`);
    }
  }
  const foreign = collName === undefined ? [] : resolve(run, collName);
  const asParts = splitPath(as);

  // Hash index of the foreign collection on foreignField (built once per stage).
  let index: Map<string, number[]> | undefined;
  if (hasEq) {
    index = new Map();
    const ffParts = splitPath(foreignField as string);
    foreign.forEach((f, i) => {
      for (const k of new Set(matchKeys(f, ffParts))) {
        const list = index!.get(k);
        if (list) list.push(i);
        else index!.set(k, [i]);
      }
    });
  }
  const lfParts = hasEq ? splitPath(localField as string) : [];
  const letSpec = (spec.let as Document | undefined) ?? {};

  return docs.map((d) => {
    let matched: Document[] = foreign;
    if (index) {
      const hits = new Set<number>();
      for (const k of localKeys(d, lfParts)) for (const i of index.get(k) ?? []) hits.add(i);
      matched = [...hits].sort((a, b) => a - b).map((i) => foreign[i]);
    }
    if (sub) {
      const scope = scopeFor(d, run);
      const vars: Document = { ...run.vars };
      for (const [k, v] of Object.entries(letSpec)) vars[k] = evaluate(v, scope);
      matched = runStages(matched, sub, { ...run, vars, nested: true });
    }
    return setPath(d, asParts, matched);
  });
}

// ---- $graphLookup -----------------------------------------------------------------------

function graphLookupStage(spec: unknown, docs: Document[], run: Run): Document[] {
  if (!isDoc(spec)) throw fail(40327, 'the $graphLookup specification must be an object');
  const { from, startWith, connectFromField, connectToField, as, maxDepth, depthField } = spec;
  for (const [k, v] of Object.entries({ from, connectFromField, connectToField, as })) {
    if (typeof v !== 'string' && !(k === 'from' && isDoc(v))) {
      throw fail(40103, `missing or invalid '${k}' option to $graphLookup`);
    }
  }
  if (startWith === undefined) throw fail(40105, "missing 'startWith' option to $graphLookup");
  const max = maxDepth === undefined ? Infinity : toNumber(maxDepth);
  if (!(max >= 0)) throw fail(40101, 'maxDepth requires a nonnegative argument');
  let foreign = resolve(run, isDoc(from) ? from.coll : from);
  if (spec.restrictSearchWithMatch !== undefined) {
    const test = compileMatch(spec.restrictSearchWithMatch as Document, run);
    foreign = foreign.filter(test);
  }
  const toParts = splitPath(connectToField as string);
  const fromParts = splitPath(connectFromField as string);
  const index = new Map<string, number[]>();
  foreign.forEach((f, i) => {
    for (const k of new Set(matchKeys(f, toParts))) {
      const list = index.get(k);
      if (list) list.push(i);
      else index.set(k, [i]);
    }
  });
  const asParts = splitPath(as as string);
  const depthParts = typeof depthField === 'string' ? splitPath(depthField) : undefined;

  return docs.map((d) => {
    const start = evaluate(startWith, scopeFor(d, run));
    let frontier = (Array.isArray(start) ? start : [start])
      .filter((v) => v !== undefined)
      .map(valueKey);
    const found = new Map<number, number>();
    const seenKeys = new Set<string>();
    for (let depth = 0; frontier.length > 0 && depth <= max; depth++) {
      const next: string[] = [];
      for (const k of frontier) {
        if (seenKeys.has(k)) continue;
        seenKeys.add(k);
        for (const i of index.get(k) ?? []) {
          if (found.has(i)) continue;
          found.set(i, depth);
          const v = getPathValue(foreign[i], fromParts);
          for (const x of Array.isArray(v) ? v : [v]) if (x !== undefined) next.push(valueKey(x));
        }
      }
      frontier = next;
    }
    const results = [...found.entries()].map(([i, depth]) =>
      depthParts ? setPath(foreign[i], depthParts, Long.fromNumber(depth)) : foreign[i],
    );
    return setPath(d, asParts, results);
  });
}

// ---- $setWindowFields (mingo) -----------------------------------------------------------

const IDX = '__embeddedMongoIdx';

/**
 * Window functions run in mingo on converted copies tagged with their input position; the
 * outputs are then merged onto the original documents so untouched fields keep BSON types.
 */
function windowStage(spec: unknown, docs: Document[], run: Run): Document[] {
  if (!isDoc(spec) || !isDoc(spec.output))
    throw fail(ErrorCode.FailedToParse, '$setWindowFields requires an output object');
  const tagged = docs.map((d, i) => ({ ...(toMingo(d) as Document), [IDX]: i }));
  const fields = Object.keys(spec.output);
  let toMingoDocs = tagged;
  const sortSpec = spec.sortBy;
  // Pre-sort with MongoDB's order so mingo's own (stable) sort sees documents already ordered.
  if (isDoc(sortSpec)) {
    const cmp = compileSort(sortSpec);
    const order = docs.map((d, i) => i).sort((a, b) => cmp(docs[a], docs[b]) || a - b);
    toMingoDocs = order.map((i) => tagged[i]);
  }
  const out = mingoStage(toMingoDocs, { $setWindowFields: spec }, run.now, mingoVars(run));
  return out.map((o) => {
    let r = docs[o[IDX] as number];
    for (const f of fields) r = setPath(r, splitPath(f), fromMingo(getDocPath(o, splitPath(f))));
    return r;
  });
}

// ---- $out / $merge ----------------------------------------------------------------------

function outputStage(
  name: '$out' | '$merge',
  spec: unknown,
  docs: Document[],
  run: Run,
): Document[] {
  if (run.nested) throw fail(51047, `${name} is not allowed within a sub-pipeline`);
  const db = run.ctx.db ?? '';
  let norm: Document;
  if (name === '$out') {
    if (typeof spec === 'string') norm = { db, coll: spec };
    else if (isDoc(spec) && typeof spec.coll === 'string') norm = { ...spec, db: spec.db ?? db };
    else throw fail(16990, '$out only supports a string or object argument');
  } else {
    const s = typeof spec === 'string' ? { into: spec } : spec;
    if (!isDoc(s) || s.into === undefined)
      throw fail(40414, "BSON field '$merge.into' is missing but a required field");
    const into =
      typeof s.into === 'string' ? { db, coll: s.into } : { db, ...(s.into as Document) };
    norm = { ...s, into };
  }
  // The server stores these: hand over independent copies.
  run.output = { stage: name, spec: norm, docs: docs.map((d) => deepClone(d)) };
  return [];
}
