/**
 * Explain output for a planned (and optionally executed) query: MongoDB's stage tree (IDHACK,
 * IXSCAN, FETCH, COLLSCAN, SORT, SKIP, LIMIT, PROJECTION_*, TEXT_*, GEO_NEAR_*, COUNT) built
 * from the plan the engine really runs, with index bounds in MongoDB's notation. With stats
 * the same tree carries the counters the run produced (nReturned, keysExamined, docsExamined).
 */
import {
  Document,
  bsonTypeOf,
  canonicalTypeRank,
  compareValues,
  isPlainDocument,
} from '../bson/values';
import { FieldRange } from '../query/matcher';
import { shellFormat, Index } from './indexes';
import { Access } from './planner';
import { QueryPlan, QueryShape, QueryStats } from './query';

/** Fields of an executionStages node that a winningPlan node does not have. */
const STAT_FIELDS = new Set([
  'nReturned',
  'keysExamined',
  'docsExamined',
  'seeks',
  'dupsTested',
  'dupsDropped',
  'nCounted',
  'nSkipped',
]);

export interface StageTrees {
  /** queryPlanner.winningPlan */
  winningPlan: Document;
  /** executionStats.executionStages (only when stats were given) */
  executionStages?: Document;
}

/** The winning plan (and, with stats, the execution stages) of a find-shaped query. */
export function findStages(
  qp: QueryPlan,
  shape: QueryShape,
  projection: Document | undefined,
  stats: QueryStats | undefined,
): StageTrees {
  const s = stats ?? zeroStats();
  let node = accessTree(qp, shape, s);
  let n = s.matched;
  const skip = shape.skip ?? 0;
  const limit = shape.limit ?? 0;
  if (qp.order === 'sort') {
    n = limit > 0 ? Math.min(n, skip + limit) : n;
    node = {
      stage: 'SORT',
      nReturned: n,
      sortPattern: shape.sort,
      memLimit: 104857600,
      ...(limit > 0 ? { limitAmount: skip + limit } : {}),
      type: 'simple',
      inputStage: node,
    };
  }
  if (skip > 0) {
    n = Math.max(0, n - skip);
    node = { stage: 'SKIP', nReturned: n, skipAmount: skip, inputStage: node };
  }
  if (limit > 0 && qp.order !== 'sort') {
    n = Math.min(n, limit);
    node = { stage: 'LIMIT', nReturned: n, limitAmount: limit, inputStage: node };
  }
  if (projection && Object.keys(projection).length > 0) {
    node = {
      stage: isSimpleProjection(projection) ? 'PROJECTION_SIMPLE' : 'PROJECTION_DEFAULT',
      nReturned: n,
      transformBy: projection,
      inputStage: node,
    };
  }
  return trees(node, stats !== undefined);
}

/** The plan of a `count` with a query: COUNT over the access path. */
export function countStages(
  qp: QueryPlan,
  shape: QueryShape,
  counted: number,
  stats: QueryStats | undefined,
): StageTrees {
  const s = stats ?? zeroStats();
  const node = {
    stage: 'COUNT',
    nReturned: 0,
    nCounted: counted,
    nSkipped: Math.min(s.matched, shape.skip ?? 0),
    inputStage: accessTree(qp, shape, s),
  };
  return trees(node, stats !== undefined);
}

/** The plan of a `count` without a query, answered from the collection's size. */
export function fastCountStages(counted: number, skipped: number, withStats: boolean): StageTrees {
  const node = {
    stage: 'RECORD_STORE_FAST_COUNT',
    nReturned: 0,
    nCounted: counted,
    nSkipped: skipped,
  };
  return trees(node, withStats);
}

/** A query on a collection that does not exist. */
export function eofStages(withStats: boolean): StageTrees {
  return trees({ stage: 'EOF', nReturned: 0 }, withStats);
}

function trees(node: Document, withStats: boolean): StageTrees {
  const winningPlan = stripStats(node);
  return withStats ? { winningPlan, executionStages: node } : { winningPlan };
}

function stripStats(node: Document): Document {
  const out: Document = {};
  for (const [k, v] of Object.entries(node)) {
    if (STAT_FIELDS.has(k)) continue;
    out[k] = k === 'inputStage' && isPlainDocument(v) ? stripStats(v) : v;
  }
  return out;
}

function zeroStats(): QueryStats {
  return {
    keysExamined: 0,
    seeks: 0,
    dupsTested: 0,
    dupsDropped: 0,
    docsExamined: 0,
    matched: 0,
  };
}

/** How the documents are reached, up to and including the filter (and $text / $near). */
function accessTree(qp: QueryPlan, shape: QueryShape, s: QueryStats): Document {
  const filter = shape.filter ?? {};
  // $text and $near predicates belong to their own stages, never to a filter.
  const plain = withoutSpecial(filter, qp.near?.field);
  if (qp.text) {
    const { index, query } = qp.text;
    const input = qp.text.candidates
      ? {
          stage: 'FETCH',
          nReturned: s.matched,
          ...filterField(plain),
          docsExamined: s.docsExamined,
          inputStage: {
            stage: 'TEXT_OR',
            nReturned: s.docsExamined,
            indexName: index.name,
            keysExamined: s.keysExamined,
          },
        }
      : planTree(qp.access.access, plain, s, coveredFields(qp.access.access, plain));
    return {
      stage: 'TEXT_MATCH',
      nReturned: s.matched,
      indexPrefix: {},
      indexName: index.name,
      parsedTextQuery: {
        terms: query.terms,
        negatedTerms: query.negatedTerms,
        phrases: query.phrases,
        negatedPhrases: query.negatedPhrases,
      },
      textIndexVersion: index.spec.textIndexVersion ?? 3,
      inputStage: input,
    };
  }
  const tree = planTree(qp.access.access, plain, s, coveredFields(qp.access.access, plain));
  if (!qp.near) return tree;
  const { index } = qp.near;
  return {
    stage: index.kind === '2d' ? 'GEO_NEAR_2D' : 'GEO_NEAR_2DSPHERE',
    nReturned: s.matched,
    keyPattern: index.spec.key,
    indexName: index.name,
    indexVersion: index.spec.v,
    inputStage: tree,
  };
}

function planTree(access: Access, filter: Document, s: QueryStats, covered: Set<string>): Document {
  if (access.kind === 'collscan') {
    return {
      stage: 'COLLSCAN',
      nReturned: s.matched,
      ...filterField(filter),
      direction: access.forward ? 'forward' : 'backward',
      docsExamined: s.docsExamined,
    };
  }
  const residual = residualFilter(filter, covered);
  if (access.kind === 'ids' && Object.keys(residual).length === 0 && isSimpleIdQuery(filter)) {
    return {
      stage: 'IDHACK',
      nReturned: s.matched,
      keysExamined: s.keysExamined,
      docsExamined: s.docsExamined,
    };
  }
  const ixscan =
    access.kind === 'ids'
      ? {
          stage: 'IXSCAN',
          nReturned: s.docsExamined,
          keyPattern: { _id: 1 },
          indexName: '_id_',
          isMultiKey: false,
          isUnique: true,
          isSparse: false,
          isPartial: false,
          indexVersion: 2,
          direction: 'forward',
          indexBounds: {
            _id: [...access.ids].sort(compareValues).map((v) => point(v)),
          },
          keysExamined: s.keysExamined,
          seeks: s.seeks,
          dupsTested: 0,
          dupsDropped: 0,
        }
      : ixscanNode(access, s);
  return {
    stage: 'FETCH',
    nReturned: s.matched,
    ...filterField(residual),
    docsExamined: s.docsExamined,
    inputStage: ixscan,
  };
}

function ixscanNode(access: Extract<Access, { kind: 'ixscan' }>, s: QueryStats): Document {
  const { index } = access;
  return {
    stage: 'IXSCAN',
    nReturned: s.docsExamined,
    keyPattern: index.spec.key,
    indexName: index.name,
    isMultiKey: index.multikey,
    isUnique: index.spec.unique === true,
    isSparse: index.spec.sparse === true,
    isPartial: index.spec.partialFilterExpression !== undefined,
    indexVersion: index.spec.v,
    direction: access.forward ? 'forward' : 'backward',
    indexBounds: indexBounds(access),
    keysExamined: s.keysExamined,
    seeks: s.seeks,
    dupsTested: s.dupsTested,
    dupsDropped: s.dupsDropped,
  };
}

function filterField(filter: Document): Document {
  return Object.keys(filter).length ? { filter: normalizeFilter(filter) } : {};
}

function isSimpleIdQuery(filter: Document): boolean {
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return false;
  const cond = filter._id;
  if (!isOperatorDoc(cond)) return bsonTypeOf(cond) !== 'regex';
  return Object.keys(cond).length === 1 && '$eq' in cond;
}

function isOperatorDoc(v: unknown): v is Document {
  if (!isPlainDocument(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys[0].startsWith('$');
}

function withoutSpecial(filter: Document, nearField: string | undefined): Document {
  const out: Document = {};
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$text' || k === nearField) continue;
    if (k === '$and' && Array.isArray(v)) {
      const members = v
        .map((m) => (isPlainDocument(m) ? withoutSpecial(m, nearField) : m))
        .filter((m) => !isPlainDocument(m) || Object.keys(m).length > 0);
      if (members.length) out.$and = members;
      continue;
    }
    out[k] = v;
  }
  return out;
}

/**
 * Top-level fields whose whole predicate the index bounds express (equalities on the walked
 * prefix, and a range or `$in` on the next field), so FETCH need not show them.
 */
function coveredFields(access: Access, filter: Document): Set<string> {
  const covered = new Set<string>();
  if (access.kind === 'ids') {
    if (Object.keys(filter).includes('_id') && expressedBy(filter._id, true)) covered.add('_id');
    return covered;
  }
  if (access.kind !== 'ixscan') return covered;
  const { index, eqs, bounds } = access;
  index.fields.slice(0, eqs.length).forEach((f) => {
    if (f in filter && expressedBy(filter[f], true)) covered.add(f);
  });
  const rangeField = index.fields[eqs.length];
  if (bounds && rangeField in filter && expressedBy(filter[rangeField], false, bounds)) {
    covered.add(rangeField);
  }
  return covered;
}

/** Whether bounds capture a predicate entirely (an equality, or a range / `$in` they hold). */
function expressedBy(cond: unknown, equality: boolean, bounds?: FieldRange): boolean {
  const scalar = (v: unknown) => !['array', 'object', 'regex', 'missing'].includes(bsonTypeOf(v));
  if (!isOperatorDoc(cond)) return equality && scalar(cond);
  const ops = Object.keys(cond);
  if (equality) return ops.length === 1 && ops[0] === '$eq' && scalar(cond.$eq);
  if (!bounds) return false;
  if (bounds.in) return ops.length === 1 && ops[0] === '$in';
  const used: unknown[] = [bounds.gt, bounds.gte, bounds.lt, bounds.lte].filter(
    (v) => v !== undefined,
  );
  const ranks = new Set(used.map(canonicalTypeRank));
  return (
    ranks.size === 1 &&
    ops.every((op) => ['$gt', '$gte', '$lt', '$lte'].includes(op)) &&
    ops.every((op) => used.includes(cond[op]))
  );
}

function residualFilter(filter: Document, covered: Set<string>): Document {
  const out: Document = {};
  for (const [k, v] of Object.entries(filter)) if (!covered.has(k)) out[k] = v;
  return out;
}

/**
 * The filter as MongoDB's parsedQuery shows it: implicit equalities as `$eq`, one predicate per
 * operator, several predicates under `$and` (in the order given; MongoDB sorts them).
 */
export function normalizeFilter(filter: Document): Document {
  const parts: Document[] = [];
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$and' && Array.isArray(v)) {
      for (const m of v) {
        const n = isPlainDocument(m) ? normalizeFilter(m) : m;
        if (isPlainDocument(n) && Array.isArray(n.$and)) parts.push(...(n.$and as Document[]));
        else if (isPlainDocument(n) && Object.keys(n).length) parts.push(n);
      }
    } else if (k.startsWith('$')) {
      parts.push({ [k]: v });
    } else if (isOperatorDoc(v)) {
      const ops = Object.keys(v);
      const split =
        ops.length > 1 &&
        ops.every((op) => !['$options', '$maxDistance', '$minDistance'].includes(op));
      if (split) for (const op of ops) parts.push({ [k]: { [op]: v[op] } });
      else parts.push({ [k]: v });
    } else if (bsonTypeOf(v) === 'regex') {
      parts.push({ [k]: { $regex: v } });
    } else {
      parts.push({ [k]: { $eq: v } });
    }
  }
  if (parts.length === 0) return {};
  return parts.length === 1 ? parts[0] : { $and: parts };
}

function isSimpleProjection(projection: Document): boolean {
  return Object.entries(projection).every(
    ([k, v]) =>
      !k.includes('.') &&
      !k.startsWith('$') &&
      (typeof v === 'boolean' || typeof v === 'number' || bsonTypeOf(v) === 'double'),
  );
}

// ---- index bounds -------------------------------------------------------------------------

interface Interval {
  lo: string;
  hi: string;
  loIncl: boolean;
  hiIncl: boolean;
}

const ALL: Interval = { lo: 'MinKey', hi: 'MaxKey', loIncl: true, hiIncl: true };

function point(v: unknown): string {
  const s = formatBound(v);
  return `[${s}, ${s}]`;
}

/** indexBounds as MongoDB prints them: per field, intervals in the order the scan reads them. */
function indexBounds(access: Extract<Access, { kind: 'ixscan' }>): Document {
  const { index, eqs, bounds, forward } = access;
  const out: Document = {};
  index.fields.forEach((field, i) => {
    let intervals: Interval[];
    if (i < eqs.length) {
      const s = formatBound(eqs[i]);
      intervals = [{ lo: s, hi: s, loIncl: true, hiIncl: true }];
    } else if (i === eqs.length && bounds) {
      intervals = rangeIntervals(bounds);
    } else {
      intervals = [ALL];
    }
    out[field] = inScanOrder(intervals, index, i, forward).map(show);
  });
  return out;
}

function rangeIntervals(bounds: FieldRange): Interval[] {
  if (bounds.in) {
    const values = [...bounds.in].sort(compareValues);
    return values
      .filter((v, i) => i === 0 || compareValues(v, values[i - 1]) !== 0)
      .map((v) => {
        const s = formatBound(v);
        return { lo: s, hi: s, loIncl: true, hiIncl: true };
      });
  }
  const lower = bounds.gte ?? bounds.gt;
  const upper = bounds.lte ?? bounds.lt;
  const bracket = typeBracket(lower !== undefined ? lower : upper);
  return [
    {
      lo: lower !== undefined ? formatBound(lower) : bracket.min,
      loIncl: lower !== undefined ? bounds.gte !== undefined : true,
      hi: upper !== undefined ? formatBound(upper) : bracket.max,
      hiIncl: upper !== undefined ? bounds.lte !== undefined : bracket.maxIncl,
    },
  ];
}

/** Descending key fields and backward scans read intervals reversed. */
function inScanOrder(intervals: Interval[], index: Index, i: number, forward: boolean): Interval[] {
  const reversed = index.directions[i] < 0 !== !forward;
  if (!reversed) return intervals;
  return intervals
    .map((iv) => ({ lo: iv.hi, hi: iv.lo, loIncl: iv.hiIncl, hiIncl: iv.loIncl }))
    .reverse();
}

function show(iv: Interval): string {
  return `${iv.loIncl ? '[' : '('}${iv.lo}, ${iv.hi}${iv.hiIncl ? ']' : ')'}`;
}

/** The smallest and largest values of a bound's type, as MongoDB brackets one-sided ranges. */
function typeBracket(v: unknown): { min: string; max: string; maxIncl: boolean } {
  switch (canonicalTypeRank(v)) {
    case 10:
      return { min: '-inf.0', max: 'inf.0', maxIncl: true };
    case 15:
      return { min: '""', max: '{}', maxIncl: false };
    case 35:
      return {
        min: "ObjectId('000000000000000000000000')",
        max: "ObjectId('ffffffffffffffffffffffff')",
        maxIncl: true,
      };
    case 40:
      return { min: 'false', max: 'true', maxIncl: true };
    case 45:
      return {
        min: 'new Date(-9223372036854775808)',
        max: 'new Date(9223372036854775807)',
        maxIncl: true,
      };
    default:
      return { min: 'MinKey', max: 'MaxKey', maxIncl: true };
  }
}

/** A bound value in MongoDB's notation (doubles keep a decimal point: 5.0, inf.0). */
function formatBound(v: unknown): string {
  switch (bsonTypeOf(v)) {
    case 'double': {
      const n = Number((v as { valueOf(): number }).valueOf());
      if (Number.isNaN(n)) return 'nan.0';
      if (!Number.isFinite(n)) return n > 0 ? 'inf.0' : '-inf.0';
      return Number.isInteger(n) && Math.abs(n) < 1e21 ? `${n}.0` : String(n);
    }
    case 'int':
    case 'long':
      return String(v);
    case 'bool':
      return String(v);
    case 'minKey':
      return 'MinKey';
    case 'maxKey':
      return 'MaxKey';
    default:
      return shellFormat(v);
  }
}
