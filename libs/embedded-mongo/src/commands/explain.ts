/**
 * The explain command (and aggregate's `explain: true`) for find, aggregate, count and
 * distinct. queryPlanner reports the plan the engine chose, without running it; executionStats
 * and allPlansExecution run the query and report what that run examined. The engine plans one
 * way only, so rejectedPlans and allPlansExecution are always empty.
 */
import { performance } from 'node:perf_hooks';
import { Document, isPlainDocument } from '../bson/values';
import { ErrorCode, MongoError } from '../errors';
import {
  countStages,
  eofStages,
  fastCountStages,
  findStages,
  normalizeFilter,
  StageTrees,
} from '../engine/explain';
import { newQueryStats, planQuery, QueryShape, QueryStats, runPlan } from '../engine/query';
import { runPipeline, validatePipeline } from '../aggregate';
import { SERVER_VERSION } from './admin';
import { leadingQuery, pipelineContext, rejectChangeStreams } from './aggregate';
import { asNumber, CommandContext, requireString } from './context';
import { findProjection, optionalDoc, parseFind } from './crud';
import { geoNearOutput, geoNearShape, parseGeoNear } from './geo-near';

export type Verbosity = 'queryPlanner' | 'executionStats' | 'allPlansExecution';

const VERBOSITIES: Verbosity[] = ['queryPlanner', 'executionStats', 'allPlansExecution'];

/** Commands MongoDB explains that the embedded server does not. */
const NOT_EXPLAINED = new Set(['update', 'delete', 'findAndModify', 'findandmodify', 'mapReduce']);

export function explain(cmd: Document, ctx: CommandContext): Document {
  if (ctx.txn) {
    throw new MongoError(
      ErrorCode.OperationNotSupportedInTransaction,
      "Cannot run 'explain' in a multi-document transaction.",
    );
  }
  const inner = cmd.explain;
  if (!isPlainDocument(inner)) {
    throw new MongoError(
      ErrorCode.TypeMismatch,
      "BSON field 'explain.explain' is the wrong type, expected type 'object'",
    );
  }
  const verbosity = cmd.verbosity ?? 'allPlansExecution';
  if (!VERBOSITIES.includes(verbosity as Verbosity)) {
    throw new MongoError(
      ErrorCode.BadValue,
      `Enumeration value '${String(verbosity)}' for field 'explain.verbosity' is not a valid value.`,
    );
  }
  const name = Object.keys(inner)[0];
  switch (name) {
    case 'find':
      return explainFind(inner, ctx, verbosity as Verbosity);
    case 'aggregate':
      return explainAggregate(inner, ctx, verbosity as Verbosity);
    case 'count':
      return explainCount(inner, ctx, verbosity as Verbosity);
    case 'distinct':
      return explainDistinct(inner, ctx, verbosity as Verbosity);
    default:
      if (NOT_EXPLAINED.has(name)) {
        throw new MongoError(
          ErrorCode.NotImplemented,
          `explain of '${name}' is not supported by the embedded server`,
        );
      }
      throw new MongoError(
        ErrorCode.CommandNotFound,
        `Explain failed due to unknown command: ${name}`,
      );
  }
}

// ---- find, count, distinct ----------------------------------------------------------------

interface Execution {
  nReturned: number;
  millis: number;
  stats: QueryStats;
}

function explainFind(cmd: Document, ctx: CommandContext, verbosity: Verbosity): Document {
  const { name, shape, projection } = parseFind(cmd);
  const coll = ctx.engine.collection(ctx.db, name);
  const ns = `${ctx.db}.${name}`;
  const execute = verbosity !== 'queryPlanner';
  if (!coll)
    return queryReply(ctx, cmd, ns, shape, eofStages(execute), execute ? noRun() : null, verbosity);
  const qp = planQuery(coll, shape);
  let run: Execution | null = null;
  if (execute) {
    const stats = newQueryStats();
    const start = performance.now();
    const matches = runPlan(coll, qp, shape, null, stats);
    const project = findProjection(projection, shape.filter);
    if (project) for (const m of matches) project(m.doc);
    run = { nReturned: matches.length, millis: performance.now() - start, stats };
  }
  const trees = findStages(qp, shape, projection, run?.stats);
  return queryReply(ctx, cmd, ns, shape, trees, run, verbosity);
}

function explainCount(cmd: Document, ctx: CommandContext, verbosity: Verbosity): Document {
  const name = requireString(cmd.count, 'collection name');
  const query = optionalDoc(cmd.query, 'query') ?? {};
  const skip = asNumber(cmd.skip, 'skip', 0);
  const limit = Math.abs(asNumber(cmd.limit, 'limit', 0));
  const shape: QueryShape = { filter: query, skip, limit, hint: cmd.hint };
  const coll = ctx.engine.collection(ctx.db, name);
  const ns = `${ctx.db}.${name}`;
  const execute = verbosity !== 'queryPlanner';
  if (!coll)
    return queryReply(ctx, cmd, ns, shape, eofStages(execute), execute ? noRun() : null, verbosity);
  if (Object.keys(query).length === 0) {
    const total = Math.max(0, coll.size - skip);
    const counted = limit ? Math.min(limit, total) : total;
    const trees = fastCountStages(counted, Math.min(skip, coll.size), execute);
    return queryReply(ctx, cmd, ns, shape, trees, execute ? noRun() : null, verbosity);
  }
  const qp = planQuery(coll, shape);
  let run: Execution | null = null;
  let counted = 0;
  if (execute) {
    const stats = newQueryStats();
    const start = performance.now();
    counted = runPlan(coll, qp, shape, null, stats).length;
    // COUNT returns no documents, it counts them.
    run = { nReturned: 0, millis: performance.now() - start, stats };
  }
  const trees = countStages(qp, shape, counted, run?.stats);
  return queryReply(ctx, cmd, ns, shape, trees, run, verbosity);
}

function explainDistinct(cmd: Document, ctx: CommandContext, verbosity: Verbosity): Document {
  const name = requireString(cmd.distinct, 'collection name');
  if (typeof cmd.key !== 'string') {
    throw new MongoError(ErrorCode.TypeMismatch, '"key" had the wrong type. Expected string');
  }
  const shape: QueryShape = { filter: optionalDoc(cmd.query, 'query') ?? {}, hint: cmd.hint };
  const coll = ctx.engine.collection(ctx.db, name);
  const ns = `${ctx.db}.${name}`;
  const execute = verbosity !== 'queryPlanner';
  if (!coll)
    return queryReply(ctx, cmd, ns, shape, eofStages(execute), execute ? noRun() : null, verbosity);
  const qp = planQuery(coll, shape);
  let run: Execution | null = null;
  if (execute) {
    const stats = newQueryStats();
    const start = performance.now();
    const n = runPlan(coll, qp, shape, null, stats).length;
    run = { nReturned: n, millis: performance.now() - start, stats };
  }
  return queryReply(
    ctx,
    cmd,
    ns,
    shape,
    findStages(qp, shape, undefined, run?.stats),
    run,
    verbosity,
  );
}

function noRun(): Execution {
  return { nReturned: 0, millis: 0, stats: newQueryStats() };
}

function queryPlannerDoc(ns: string, filter: Document, winningPlan: Document): Document {
  return {
    namespace: ns,
    indexFilterSet: false,
    parsedQuery: normalizeFilter(filter),
    maxIndexedOrSolutionsReached: false,
    maxIndexedAndSolutionsReached: false,
    maxScansToExplodeReached: false,
    winningPlan,
    rejectedPlans: [],
  };
}

function executionStatsDoc(run: Execution, trees: StageTrees, verbosity: Verbosity): Document {
  return {
    executionSuccess: true,
    nReturned: run.nReturned,
    executionTimeMillis: Math.round(run.millis),
    totalKeysExamined: run.stats.keysExamined,
    totalDocsExamined: run.stats.docsExamined,
    executionStages: trees.executionStages,
    ...(verbosity === 'allPlansExecution' ? { allPlansExecution: [] } : {}),
  };
}

function queryReply(
  ctx: CommandContext,
  cmd: Document,
  ns: string,
  shape: QueryShape,
  trees: StageTrees,
  run: Execution | null,
  verbosity: Verbosity,
  extra: Document = {},
): Document {
  const body: Document = {
    queryPlanner: { ...queryPlannerDoc(ns, shape.filter ?? {}, trees.winningPlan), ...extra },
  };
  if (run) body.executionStats = executionStatsDoc(run, trees, verbosity);
  return reply(ctx, cmd, body);
}

function reply(ctx: CommandContext, cmd: Document, body: Document): Document {
  const command: Document = { ...cmd, $db: ctx.db };
  delete command.explain;
  return {
    explainVersion: '1',
    ...body,
    command,
    serverInfo: {
      host: ctx.server.host,
      port: ctx.server.port,
      version: SERVER_VERSION,
      gitVersion: 'spilno-embedded-mongo',
    },
    ok: 1,
  };
}

// ---- aggregate ------------------------------------------------------------------------------

/**
 * Aggregate explain in MongoDB's shape: a pipeline wholly answered by the query layer (a
 * $match/$sort/$skip/$limit prefix and nothing else) reports like find, with
 * `optimizedPipeline: true`; otherwise `stages` starts with the `$cursor` (or `$geoNearCursor`)
 * query part, followed by the remaining stages as given.
 */
export function explainAggregate(
  cmd: Document,
  ctx: CommandContext,
  verbosity: Verbosity,
): Document {
  const pipeline = validatePipeline(cmd.pipeline);
  rejectChangeStreams(pipeline);
  const execute = verbosity !== 'queryPlanner';
  if (execute && pipeline.some((s) => '$out' in s || '$merge' in s)) {
    throw new MongoError(
      ErrorCode.NotImplemented,
      `explain of a pipeline with $out or $merge at verbosity ${verbosity} is not supported by the embedded server`,
    );
  }
  const name = cmd.aggregate === 1 || typeof cmd.aggregate !== 'string' ? null : cmd.aggregate;
  const ns = name ? `${ctx.db}.${name}` : `${ctx.db}.$cmd.aggregate`;
  const coll = name ? ctx.engine.collection(ctx.db, name) : undefined;
  const stages: Document[] = [];
  let docs: Document[] = [];
  let rest = pipeline;
  const first = pipeline[0];
  if (name && first && '$geoNear' in first) {
    const spec = parseGeoNear(first.$geoNear);
    const shape = geoNearShape(coll, ns, spec);
    const part = queryPart(coll as NonNullable<typeof coll>, ns, shape, execute, verbosity);
    docs = geoNearOutput(part.matches, spec);
    stages.push({ $geoNearCursor: part.explained, ...part.timing });
    rest = pipeline.slice(1);
  } else if (name) {
    const lead = leadingQuery(pipeline, cmd.hint) ?? { shape: { filter: {} }, consumed: 0 };
    rest = pipeline.slice(lead.consumed);
    if (!coll) {
      const run = execute ? noRun() : null;
      return queryReply(ctx, cmd, ns, lead.shape, eofStages(execute), run, verbosity);
    }
    if (rest.length === 0) {
      const qp = planQuery(coll, lead.shape);
      let run: Execution | null = null;
      if (execute) {
        const stats = newQueryStats();
        const start = performance.now();
        const n = runPlan(coll, qp, lead.shape, null, stats).length;
        run = { nReturned: n, millis: performance.now() - start, stats };
      }
      const trees = findStages(qp, lead.shape, undefined, run?.stats);
      return queryReply(ctx, cmd, ns, lead.shape, trees, run, verbosity, {
        optimizedPipeline: true,
      });
    }
    const part = queryPart(coll, ns, lead.shape, execute, verbosity);
    docs = part.matches.map((m) => m.doc);
    stages.push({ $cursor: part.explained, ...part.timing });
  }
  const pctx = pipelineContext(ctx);
  for (const stage of rest) {
    if (!execute) {
      stages.push(stage);
      continue;
    }
    const start = performance.now();
    docs = runPipeline(docs, [stage], pctx).docs;
    stages.push({
      ...stage,
      nReturned: docs.length,
      executionTimeMillisEstimate: Math.round(performance.now() - start),
    });
  }
  return reply(ctx, cmd, { stages });
}

/** The query layer's part of a pipeline: its explain document, and its result when run. */
function queryPart(
  coll: NonNullable<ReturnType<CommandContext['engine']['collection']>>,
  ns: string,
  shape: QueryShape,
  execute: boolean,
  verbosity: Verbosity,
) {
  const qp = planQuery(coll, shape);
  if (!execute) {
    const trees = findStages(qp, shape, undefined, undefined);
    return {
      explained: { queryPlanner: queryPlannerDoc(ns, shape.filter ?? {}, trees.winningPlan) },
      matches: [],
      timing: {},
    };
  }
  const stats = newQueryStats();
  const start = performance.now();
  const matches = runPlan(coll, qp, shape, null, stats);
  const run: Execution = { nReturned: matches.length, millis: performance.now() - start, stats };
  const trees = findStages(qp, shape, undefined, stats);
  return {
    explained: {
      queryPlanner: queryPlannerDoc(ns, shape.filter ?? {}, trees.winningPlan),
      executionStats: executionStatsDoc(run, trees, verbosity),
    },
    matches,
    timing: { nReturned: matches.length, executionTimeMillisEstimate: Math.round(run.millis) },
  };
}
