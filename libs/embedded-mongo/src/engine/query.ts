/**
 * Runs a filter over a collection: planning, matching ($text and $near included), sorting,
 * skip and limit. Returns stored documents (never mutate them) with their `_id` keys.
 * `planQuery` is the decision alone (what explain's queryPlanner reports); `findMatches` runs
 * it and, when given a `QueryStats`, counts the keys and documents it examined.
 */
import { Document, compareValues, isPlainDocument } from '../bson/values';
import { MongoError, ErrorCode } from '../errors';
import { compileFilter, MatchContext } from '../query/matcher';
import { compileSort, sortKeyFor } from '../query/sort';
import { TEXT_SCORE } from '../query/projection';
import { getPathValues } from '../query/paths';
import { parseTextQuery, queryStems, textMatch, TextQuery } from '../query/text';
import { NearSpec, nearestLocation, parseNear } from '../query/geo';
import { evaluateExpression } from '../aggregate';
import { Collection } from './collection';
import { Index } from './indexes';
import { plan, Plan, resolveHint, ScanCounters } from './planner';
import { Transaction } from './sessions';

export interface QueryShape {
  filter?: Document;
  sort?: Document;
  skip?: number;
  /** 0 or absent: no limit. */
  limit?: number;
  /** ICU-style collation; applied to sorting strings (locale and strength). */
  collation?: Document;
  /** Index name, key pattern or `{ $natural: 1 | -1 }`. */
  hint?: unknown;
}

export interface Match {
  idKey: string;
  doc: Document;
  /** $near queries: the distance, and the stored location it was measured to. */
  distance?: number;
  location?: unknown;
}

/** What running a query cost, as explain's executionStats reports it. */
export interface QueryStats extends ScanCounters {
  /** Documents read from the collection (fetched) and tested against the filter. */
  docsExamined: number;
  /** Documents that passed the filter, before sort, skip and limit. */
  matched: number;
}

export function newQueryStats(): QueryStats {
  return { keysExamined: 0, seeks: 0, dupsTested: 0, dupsDropped: 0, docsExamined: 0, matched: 0 };
}

/** How a query runs; explain describes exactly this. */
export interface QueryPlan {
  /** How candidates are read (unless the text index's postings supply them). */
  access: Plan;
  text: { index: Index; query: TextQuery; terms: string[]; candidates: boolean } | null;
  near: { field: string; spec: NearSpec; index: Index } | null;
  /** The order after the scan: none needed, the sort specification, or distance ($near). */
  order: 'scan' | 'sort' | 'distance';
  /** The sort specification as a comparator (collation included), null without one. */
  compare: ((a: Document, b: Document) => number) | null;
  /** The scan may stop after this many matches (skip + limit), else Infinity. */
  stopAfter: number;
}

interface Special {
  text?: Document;
  near?: { field: string; spec: unknown; spherical: boolean };
}

/** Finds `$text` and `$near` where MongoDB allows them: top level or in a top-level `$and`. */
function findSpecial(filter: Document): Special {
  const out: Special = {};
  const visit = (f: Document) => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$text') out.text = v as Document;
      else if (k === '$and' && Array.isArray(v)) v.forEach((c) => isPlainDocument(c) && visit(c));
      else if (!k.startsWith('$') && isPlainDocument(v)) {
        if ('$near' in v) out.near = { field: k, spec: v, spherical: false };
        else if ('$nearSphere' in v) out.near = { field: k, spec: v, spherical: true };
      }
    }
  };
  visit(filter);
  return out;
}

/**
 * The geo index a near query on `field` can use, as MongoDB's planner picks one: GeoJSON
 * points need a 2dsphere index, a legacy pair with $near (flat) a 2d index, a legacy pair with
 * $nearSphere either. Fails with 291 NoQueryExecutionPlans when there is none.
 */
export function geoIndexFor(coll: Collection, field: string, near: NearSpec): Index {
  for (const index of coll.indexes.values()) {
    const type = index.spec.key[field];
    if (type === '2d' && near.legacy) return index;
    if (type === '2dsphere' && (near.spherical || !near.legacy)) return index;
  }
  throw new MongoError(
    ErrorCode.NoQueryExecutionPlans,
    `error processing query: ns=${coll.ns}: planner returned error :: caused by :: unable to find index for $geoNear query`,
  );
}

export const matchContextBase: MatchContext = {
  evalExpr: (expr, doc) => evaluateExpression(expr, doc),
};

/** Chooses how `shape` runs over `coll` (validating the filter's special operators and hint). */
export function planQuery(coll: Collection, shape: QueryShape): QueryPlan {
  const filter = shape.filter ?? {};
  const special = findSpecial(filter);
  let text: QueryPlan['text'] = null;
  if (special.text) {
    const index = [...coll.indexes.values()].find((i) => i.kind === 'text');
    if (!index?.text) {
      throw new MongoError(ErrorCode.IndexNotFound, 'text index required for $text query');
    }
    const query = parseTextQuery(special.text);
    const terms = queryStems(query, index.text).positive;
    text = { index, query, terms, candidates: terms.length > 0 && filter.$text !== undefined };
  }
  let near: QueryPlan['near'] = null;
  if (special.near) {
    const { field } = special.near;
    const spec = parseNear(special.near.spec, special.near.spherical);
    near = { field, spec, index: geoIndexFor(coll, field, spec) };
  }
  let hint = resolveHint(coll, shape.hint);
  if (hint instanceof Index && hint.kind !== 'regular') {
    // Hinting the index a $text or $near query uses anyway is fine; other special ones are not.
    if (hint !== text?.index && hint !== near?.index) {
      throw new MongoError(
        ErrorCode.NotImplemented,
        `hint of the ${hint.kind} index ${hint.name} for a query that does not use it is not supported by the embedded server`,
      );
    }
    hint = null;
  }
  const access = plan(coll, filter, shape.sort, hint);
  const collated = collatedSort(shape.sort, shape.collation);
  const compare = collated ?? compileSort(shape.sort); // also validates the specification
  const sortedByIndex = access.sorted && !text?.candidates && !near && !collated;
  const order: QueryPlan['order'] =
    near && !shape.sort ? 'distance' : compare && !sortedByIndex ? 'sort' : 'scan';
  const limit = shape.limit ?? 0;
  const stopAfter = order === 'scan' && limit > 0 ? (shape.skip ?? 0) + limit : Infinity;
  return { access, text, near, order, compare, stopAfter };
}

export function findMatches(
  coll: Collection | undefined,
  shape: QueryShape,
  txn: Transaction | null,
  stats: QueryStats = newQueryStats(),
): Match[] {
  if (!coll) return [];
  return runPlan(coll, planQuery(coll, shape), shape, txn, stats);
}

/** Executes a plan from `planQuery` (same shape), counting its work into `stats`. */
export function runPlan(
  coll: Collection,
  qp: QueryPlan,
  shape: QueryShape,
  txn: Transaction | null,
  stats: QueryStats,
): Match[] {
  const filter = shape.filter ?? {};
  const ctx: MatchContext = { ...matchContextBase };
  let scores: WeakMap<Document, number> | null = null;
  if (qp.text) {
    const { index, query } = qp.text;
    const spec = index.text as NonNullable<Index['text']>;
    const s = new WeakMap<Document, number>();
    scores = s;
    ctx.textMatcher = (doc) => {
      const score = textMatch(doc, spec, query);
      if (score === null) return false;
      s.set(doc, score);
      return true;
    };
  }
  const matches = compileFilter(filter, ctx);
  const skip = shape.skip ?? 0;
  const limit = shape.limit ?? 0;
  // A transaction adds documents changed since its snapshot after the index walk, out of
  // index order: it reads every candidate and sorts.
  const order = txn && qp.order === 'scan' && qp.compare ? 'sort' : qp.order;
  const stopAfter = txn ? Infinity : qp.stopAfter;

  const out: Match[] = [];
  const consider = (idKey: string, doc: Document | undefined): boolean => {
    if (doc === undefined) return true;
    stats.docsExamined++;
    if (matches(doc)) {
      out.push({ idKey, doc: scores ? withScore(doc, scores.get(doc)) : doc });
      if (out.length >= stopAfter) return false;
    }
    return true;
  };
  if (txn) {
    scanInTransaction(coll, qp.access, txn, consider, stats);
  } else if (qp.text?.candidates) {
    for (const idKey of qp.text.index.textCandidates(qp.text.terms, stats)) {
      if (!consider(idKey, coll.get(idKey))) break;
    }
  } else if (qp.access.scan) {
    qp.access.scan((idKey) => consider(idKey, coll.get(idKey)), stats);
  } else {
    for (const [idKey, rec] of coll.records) if (!consider(idKey, rec.doc)) break;
  }
  stats.matched = out.length;

  if (order === 'distance' && qp.near) {
    const { field, spec } = qp.near;
    for (let i = 0; i < out.length; i++) {
      const nearest = nearestLocation(getPathValues(out[i].doc, field, false), spec);
      out[i] = {
        idKey: out[i].idKey,
        doc: out[i].doc,
        distance: nearest?.distance ?? Infinity,
        location: nearest?.location,
      };
    }
    out.sort((a, b) => (a.distance as number) - (b.distance as number));
  } else if (order === 'sort' && qp.compare) {
    const compare = qp.compare;
    out.sort((a, b) => compare(a.doc, b.doc));
  }
  const end = limit > 0 ? skip + limit : undefined;
  return skip || end !== undefined ? out.slice(skip, end) : out;
}

/**
 * A transaction reads its snapshot. The committed indexes find the documents unchanged since
 * the snapshot; documents changed after it (kept in history) and the transaction's own writes
 * are added, and each candidate is read at the snapshot's version.
 */
function scanInTransaction(
  coll: Collection,
  p: Plan,
  txn: Transaction,
  consider: (idKey: string, doc: Document | undefined) => boolean,
  counters: ScanCounters,
): void {
  if (!p.scan) {
    for (const [idKey, doc] of txn.scan(coll)) consider(idKey, doc);
    return;
  }
  const seen = new Set<string>();
  const visit = (idKey: string): boolean => {
    if (seen.has(idKey)) return true;
    seen.add(idKey);
    consider(idKey, txn.read(coll, idKey) ?? undefined);
    return true;
  };
  p.scan(visit, counters);
  for (const idKey of coll.history.keys()) visit(idKey);
  for (const idKey of txn.writes.get(coll)?.keys() ?? []) visit(idKey);
}

/**
 * A sort comparator honouring a collation's locale and strength for strings (strength 1 and 2
 * ignore case, 1 also accents); null when the collation is absent or simple.
 */
function collatedSort(
  sort: Document | undefined,
  collation: Document | undefined,
): ((a: Document, b: Document) => number) | null {
  if (
    !sort ||
    !collation ||
    collation.locale === 'simple' ||
    typeof collation.locale !== 'string'
  ) {
    return null;
  }
  const strength = Number(collation.strength ?? 3);
  const sensitivity = strength <= 1 ? 'base' : strength === 2 ? 'accent' : 'variant';
  const collator = new Intl.Collator(collation.locale, {
    sensitivity,
    numeric: collation.numericOrdering === true,
    caseFirst:
      collation.caseFirst === 'upper'
        ? 'upper'
        : collation.caseFirst === 'lower'
          ? 'lower'
          : 'false',
  });
  compileSort(sort); // validates the specification
  const keys = Object.entries(sort).map(([path, d]) => ({ path, dir: Number(d) < 0 ? -1 : 1 }));
  return (a, b) => {
    for (const { path, dir } of keys) {
      const x = sortKeyFor(a, path, dir);
      const y = sortKeyFor(b, path, dir);
      const c =
        typeof x === 'string' && typeof y === 'string'
          ? collator.compare(x, y)
          : compareValues(x, y);
      if (c !== 0) return c * dir;
    }
    return 0;
  };
}

function withScore(doc: Document, score: number | undefined): Document {
  const copy: Document = { ...doc };
  (copy as Record<symbol, unknown>)[TEXT_SCORE] = score ?? 0;
  return copy;
}

/** Documents of a collection as a transaction (or, without one, the present) sees them. */
export function allDocuments(coll: Collection | undefined, txn: Transaction | null): Document[] {
  if (!coll) return [];
  if (txn) return [...txn.scan(coll)].map(([, d]) => d);
  return [...coll.records.values()].map((r) => r.doc);
}
