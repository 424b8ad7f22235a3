/**
 * Runs a filter over a collection: planning, matching ($text and $near included), sorting,
 * skip and limit. Returns stored documents (never mutate them) with their `_id` keys.
 */
import { Document, compareValues, isPlainDocument } from '../bson/values';
import { MongoError, ErrorCode } from '../errors';
import { compileFilter, MatchContext } from '../query/matcher';
import { compileSort, sortKeyFor } from '../query/sort';
import { TEXT_SCORE } from '../query/projection';
import { parseTextQuery, queryStems, textMatch } from '../query/text';
import { nearDistance, parseNear } from '../query/geo';
import { evaluateExpression } from '../aggregate';
import { Collection } from './collection';
import { plan } from './planner';
import { Transaction } from './sessions';

export interface QueryShape {
  filter?: Document;
  sort?: Document;
  skip?: number;
  /** 0 or absent: no limit. */
  limit?: number;
  /** ICU-style collation; applied to sorting strings (locale and strength). */
  collation?: Document;
}

export interface Match {
  idKey: string;
  doc: Document;
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

export const matchContextBase: MatchContext = {
  evalExpr: (expr, doc) => evaluateExpression(expr, doc),
};

export function findMatches(
  coll: Collection | undefined,
  shape: QueryShape,
  txn: Transaction | null,
): Match[] {
  if (!coll) return [];
  const filter = shape.filter ?? {};
  const special = findSpecial(filter);
  const ctx: MatchContext = { ...matchContextBase };
  let scores: WeakMap<Document, number> | null = null;
  let textIds: Set<string> | null = null;
  if (special.text) {
    const index = [...coll.indexes.values()].find((i) => i.kind === 'text');
    if (!index?.text) {
      throw new MongoError(ErrorCode.IndexNotFound, 'text index required for $text query');
    }
    const q = parseTextQuery(special.text);
    const spec = index.text;
    const s = new WeakMap<Document, number>();
    scores = s;
    ctx.textMatcher = (doc) => {
      const score = textMatch(doc, spec, q);
      if (score === null) return false;
      s.set(doc, score);
      return true;
    };
    const terms = queryStems(q, spec).positive;
    if (terms.length && filter.$text !== undefined) textIds = index.textCandidates(terms);
  }
  if (special.near) {
    const { field } = special.near;
    const geo = [...coll.indexes.values()].some(
      (i) => (i.kind === '2dsphere' || i.kind === '2d') && field in i.spec.key,
    );
    if (!geo) {
      throw new MongoError(291, 'error processing query: unable to find index for $geoNear query');
    }
  }
  const matches = compileFilter(filter, ctx);
  const collated = collatedSort(shape.sort, shape.collation);
  const sortFn = collated ?? compileSort(shape.sort);
  const skip = shape.skip ?? 0;
  const limit = shape.limit ?? 0;

  const out: Match[] = [];
  let sorted = false;
  let wanted = Infinity;
  const consider = (idKey: string, doc: Document | undefined): boolean => {
    if (doc && matches(doc)) {
      out.push({ idKey, doc: scores ? withScore(doc, scores.get(doc)) : doc });
      if (out.length >= wanted) return false;
    }
    return true;
  };
  if (txn) {
    scanInTransaction(coll, filter, shape.sort, txn, consider);
  } else if (textIds) {
    for (const idKey of textIds) consider(idKey, coll.get(idKey));
  } else {
    const p = plan(coll, filter, shape.sort);
    sorted = p.sorted && !special.near && !collated;
    if (sorted && limit > 0) wanted = skip + limit;
    if (p.scan) p.scan((idKey) => consider(idKey, coll.get(idKey)));
    else {
      for (const [idKey, rec] of coll.records) if (!consider(idKey, rec.doc)) break;
    }
  }

  if (special.near && !shape.sort) {
    const near = parseNear(special.near.spec, special.near.spherical);
    const field = special.near.field;
    const dist = new Map<Match, number>();
    for (const m of out) dist.set(m, nearDistance(pathGet(m.doc, field), near) ?? Infinity);
    out.sort((a, b) => (dist.get(a) as number) - (dist.get(b) as number));
  } else if (sortFn && !sorted) {
    out.sort((a, b) => sortFn(a.doc, b.doc));
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
  filter: Document,
  sort: Document | undefined,
  txn: Transaction,
  consider: (idKey: string, doc: Document | undefined) => boolean,
): void {
  const p = plan(coll, filter, sort);
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
  p.scan(visit);
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

function pathGet(doc: Document, path: string): unknown {
  let v: unknown = doc;
  for (const part of path.split('.')) {
    if (!isPlainDocument(v)) return undefined;
    v = v[part];
  }
  return v;
}

/** Documents of a collection as a transaction (or, without one, the present) sees them. */
export function allDocuments(coll: Collection | undefined, txn: Transaction | null): Document[] {
  if (!coll) return [];
  if (txn) return [...txn.scan(coll)].map(([, d]) => d);
  return [...coll.records.values()].map((r) => r.doc);
}
