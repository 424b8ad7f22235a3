/**
 * The aggregate command. A leading $match / $sort (with a following $skip/$limit) runs through
 * the query planner so it uses indexes; a leading $geoNear runs as a near query; the rest runs
 * in the pipeline engine. $out and $merge are applied here, since only the server may write.
 */
import { ObjectId } from 'bson';
import { Document, isPlainDocument, valueKey } from '../bson/values';
import { MongoError, ErrorCode } from '../errors';
import { Collection } from '../engine/collection';
import { allDocuments, findMatches, QueryShape } from '../engine/query';
import { PipelineContext, runPipeline, validatePipeline } from '../aggregate';
import { CommandContext, asNumber } from './context';
import { geoNearOutput, geoNearShape, parseGeoNear } from './geo-near';

/**
 * The query a pipeline starts with: a $match and/or $sort, then $skip and $limit in this order
 * (they mean the same as the query's). With a hint and no such stages, the whole collection
 * in the hinted index's order. Null when the pipeline reads the collection as it is.
 */
export function leadingQuery(
  pipeline: Document[],
  hint: unknown,
): { shape: QueryShape; consumed: number } | null {
  const shape: QueryShape = { filter: {}, hint };
  let i = 0;
  if (pipeline[i] && isPlainDocument(pipeline[i].$match))
    shape.filter = pipeline[i++].$match as Document;
  if (pipeline[i] && isPlainDocument(pipeline[i].$sort))
    shape.sort = pipeline[i++].$sort as Document;
  if (i === 0 && hint === undefined) return null;
  if (pipeline[i] && pipeline[i].$skip !== undefined) {
    shape.skip = asNumber(pipeline[i++].$skip, '$skip');
  }
  if (pipeline[i] && pipeline[i].$limit !== undefined) {
    shape.limit = asNumber(pipeline[i++].$limit, '$limit');
  }
  return { shape, consumed: i };
}

export function rejectChangeStreams(pipeline: Document[]): void {
  if (pipeline.some((s) => '$changeStream' in s)) {
    throw new MongoError(
      ErrorCode.NotImplemented,
      'change streams are not supported by the embedded server',
    );
  }
}

export function pipelineContext(ctx: CommandContext): PipelineContext {
  return {
    db: ctx.db,
    resolveCollection: (other) => allDocuments(ctx.engine.collection(ctx.db, other), ctx.txn),
  };
}

export function aggregate(cmd: Document, ctx: CommandContext): Document {
  const pipeline = validatePipeline(cmd.pipeline);
  rejectChangeStreams(pipeline);
  const cursorSpec = cmd.cursor;
  if (!isPlainDocument(cursorSpec)) {
    throw new MongoError(
      ErrorCode.FailedToParse,
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  const dbLevel = cmd.aggregate === 1 || typeof cmd.aggregate !== 'string';
  const name = dbLevel ? null : (cmd.aggregate as string);
  const coll = name ? ctx.engine.collection(ctx.db, name) : undefined;
  const ns = name ? `${ctx.db}.${name}` : `${ctx.db}.$cmd.aggregate`;
  let input: Document[];
  let rest = pipeline;
  const first = pipeline[0];
  if (first && '$geoNear' in first) {
    const spec = parseGeoNear(first.$geoNear);
    input = geoNearOutput(findMatches(coll, geoNearShape(coll, ns, spec), ctx.txn), spec);
    rest = pipeline.slice(1);
  } else {
    const lead = name ? leadingQuery(pipeline, cmd.hint) : null;
    if (lead) {
      input = findMatches(coll, lead.shape, ctx.txn).map((m) => m.doc);
      rest = pipeline.slice(lead.consumed);
    } else {
      input = name ? allDocuments(coll, ctx.txn) : [];
    }
  }
  const result = runPipeline(input, rest, pipelineContext(ctx));
  if (result.output) writeOutput(ctx, result.output.stage, result.output.spec, result.output.docs);
  const batchSize =
    cursorSpec.batchSize !== undefined ? asNumber(cursorSpec.batchSize, 'batchSize') : undefined;
  const docs = result.output ? [] : result.docs;
  return ctx.cursors.firstBatch(ns, docs, batchSize, false, ctx.session);
}

function writeOutput(
  ctx: CommandContext,
  stage: '$out' | '$merge',
  spec: Document,
  docs: Document[],
) {
  if (ctx.txn) {
    throw new MongoError(
      ErrorCode.OperationNotSupportedInTransaction,
      `${stage} cannot be used in a transaction`,
    );
  }
  const target =
    typeof spec.into === 'string'
      ? { db: ctx.db, coll: spec.into }
      : ((spec.into as Document) ?? spec);
  const db = (target.db as string) ?? ctx.db;
  const collName = (target.coll as string) ?? (spec.coll as string);
  if (typeof collName !== 'string')
    throw new MongoError(ErrorCode.BadValue, `${stage} needs a target collection`);
  const withIds = docs.map((d) => (d._id === undefined ? { _id: new ObjectId(), ...d } : d));
  if (stage === '$out') {
    ctx.engine.atomically(() => {
      const existing = ctx.engine.collection(db, collName);
      const indexes = existing ? existing.indexSpecs().filter((s) => s.name !== '_id_') : [];
      if (existing) ctx.engine.dropCollection(db, collName);
      const coll = ctx.engine.collection(db, collName, true);
      for (const spec of indexes) ctx.engine.createIndex(coll, spec);
      for (const d of withIds) coll.insert(d);
    });
    return;
  }
  const on =
    spec.on === undefined
      ? ['_id']
      : Array.isArray(spec.on)
        ? (spec.on as string[])
        : [spec.on as string];
  const whenMatched = spec.whenMatched ?? 'merge';
  const whenNotMatched = spec.whenNotMatched ?? 'insert';
  if (Array.isArray(whenMatched)) {
    throw new MongoError(ErrorCode.NotImplemented, '$merge with a pipeline is not supported');
  }
  ctx.engine.atomically(() => {
    const coll = ctx.engine.collection(db, collName, true) as Collection;
    for (const d of withIds) {
      const filter: Document = {};
      for (const f of on) filter[f] = d[f];
      const [hit] = findMatches(coll, { filter, limit: 1 }, null);
      if (hit) {
        if (whenMatched === 'fail') {
          throw coll.idIndex.duplicateError(coll.ns, [hit.doc._id]);
        }
        if (whenMatched === 'keepExisting') continue;
        const next =
          whenMatched === 'replace'
            ? { ...d, _id: hit.doc._id }
            : { ...hit.doc, ...d, _id: hit.doc._id };
        coll.replace(hit.idKey, next);
      } else if (whenNotMatched === 'insert') {
        coll.insert(d);
      } else if (whenNotMatched === 'fail') {
        throw new MongoError(
          13113,
          `$merge could not find a matching document in the target collection for ${valueKey(d._id)}`,
        );
      }
    }
  });
}
