/**
 * explain: the plan a query runs with (IXSCAN with the expected index, COLLSCAN without one,
 * hints) and the work it really did (executionStats totals), through find, mongoose, aggregate,
 * count and distinct. Plan details differ legitimately between servers and versions (classic
 * and slot-based plans, IDHACK and EXPRESS stages), so the assertions look for the stages and
 * numbers that matter wherever they sit in the plan tree.
 */
import { Schema } from 'mongoose';
import type { Document } from 'mongodb';
import { serverError, setupSuite } from './harness';
import type { Doc } from './harness';

const t = setupSuite(__filename, { mongoose: true });

const SIZE = 500;
const STATUSES = ['open', 'closed', 'draft', 'review', 'archived'];
const OPEN = SIZE / STATUSES.length;
const initiatives = () => t.db.collection<Doc>('initiatives');

beforeAll(async () => {
  const base = Date.UTC(2025, 0, 1);
  await initiatives().insertMany(
    Array.from({ length: SIZE }, (_, i) => ({
      _id: i,
      status: STATUSES[i % STATUSES.length],
      createdAt: new Date(base + i * 60_000),
      n: i,
    })),
  );
  await initiatives().createIndex({ status: 1, createdAt: -1 });
  await initiatives().createIndex({ n: 1 });
});

/** Every plan node (a document with a `stage`) below `node`, however plans nest them. */
function planNodes(node: unknown, out: Document[] = []): Document[] {
  if (Array.isArray(node)) {
    for (const el of node) planNodes(el, out);
  } else if (node !== null && typeof node === 'object') {
    const d = node as Document;
    if (typeof d.stage === 'string') out.push(d);
    for (const v of Object.values(d)) planNodes(v, out);
  }
  return out;
}

const stageNames = (node: unknown) => planNodes(node).map((n) => n.stage as string);
const ixscans = (node: unknown) => planNodes(node).filter((n) => n.stage === 'IXSCAN');

/**
 * The query-layer part of an aggregate explain: the top level when the pipeline was pushed
 * into the query system entirely, else the `$cursor` of its first stage.
 */
function queryLayer(explain: Document): Document {
  if (explain.queryPlanner) return explain;
  const first = (explain.stages as Document[])[0];
  return first.$cursor as Document;
}

describe('explain on find', () => {
  it('equality + sort served by a compound index stops after the page (limit 20)', async () => {
    const e = await initiatives()
      .find({ status: 'open' })
      .sort({ createdAt: -1 })
      .limit(20)
      .explain('executionStats');
    expect(e.queryPlanner.namespace).toBe(`${t.dbName}.initiatives`);
    expect(Array.isArray(e.queryPlanner.rejectedPlans)).toBe(true);
    const plan = e.queryPlanner.winningPlan;
    expect(stageNames(plan)).toEqual(['LIMIT', 'FETCH', 'IXSCAN']);
    const [ix] = ixscans(plan);
    expect(ix.indexName).toBe('status_1_createdAt_-1');
    expect(ix.keyPattern).toEqual({ status: 1, createdAt: -1 });
    expect(ix.direction).toBe('forward');
    expect(ix.indexBounds).toEqual({
      status: ['["open", "open"]'],
      createdAt: ['[MaxKey, MinKey]'],
    });
    expect(e.executionStats.nReturned).toBe(20);
    expect(e.executionStats.totalDocsExamined).toBeGreaterThanOrEqual(20);
    expect(e.executionStats.totalDocsExamined).toBeLessThanOrEqual(21);
    expect(e.executionStats.totalKeysExamined).toBeLessThanOrEqual(21);
    expect(stageNames(e.executionStats.executionStages)).toContain('IXSCAN');
  });

  it('the opposite sort walks the same index backward', async () => {
    const e = await initiatives()
      .find({ status: 'open' })
      .sort({ createdAt: 1 })
      .limit(20)
      .explain('executionStats');
    const [ix] = ixscans(e.queryPlanner.winningPlan);
    expect(ix.indexName).toBe('status_1_createdAt_-1');
    expect(ix.direction).toBe('backward');
    expect(ix.indexBounds).toEqual({
      status: ['["open", "open"]'],
      createdAt: ['[MinKey, MaxKey]'],
    });
    expect(stageNames(e.queryPlanner.winningPlan)).not.toContain('SORT');
    expect(e.executionStats.totalDocsExamined).toBeLessThanOrEqual(21);
  });

  it('a range uses its index with exact bounds and examines only the range', async () => {
    const e = await initiatives()
      .find({ n: { $gte: 100, $lt: 150 } })
      .explain('executionStats');
    const plan = e.queryPlanner.winningPlan;
    expect(stageNames(plan)).not.toContain('COLLSCAN');
    const [ix] = ixscans(plan);
    expect(ix.indexName).toBe('n_1');
    expect(ix.indexBounds).toEqual({ n: ['[100, 150)'] });
    expect(e.executionStats.nReturned).toBe(50);
    expect(e.executionStats.totalDocsExamined).toBe(50);
    expect(e.executionStats.totalKeysExamined).toBeGreaterThanOrEqual(50);
    expect(e.executionStats.totalKeysExamined).toBeLessThanOrEqual(51);
  });

  it('without a usable index it scans the whole collection', async () => {
    const e = await initiatives().find({ title: 'none' }).explain('executionStats');
    expect(stageNames(e.queryPlanner.winningPlan)).toEqual(['COLLSCAN']);
    expect(e.executionStats.nReturned).toBe(0);
    expect(e.executionStats.totalDocsExamined).toBe(SIZE);
    expect(e.executionStats.totalKeysExamined).toBe(0);
  });

  it('a sort no index provides is a blocking SORT over the scan', async () => {
    const e = await initiatives().find({}).sort({ title: 1 }).limit(5).explain('executionStats');
    const names = stageNames(e.queryPlanner.winningPlan);
    expect(names).toContain('SORT');
    expect(names).toContain('COLLSCAN');
    expect(e.executionStats.nReturned).toBe(5);
    expect(e.executionStats.totalDocsExamined).toBe(SIZE);
  });

  it('an _id lookup examines one key and one document', async () => {
    const e = await initiatives().find({ _id: 7 }).explain('executionStats');
    expect(e.executionStats.nReturned).toBe(1);
    expect(e.executionStats.totalKeysExamined).toBe(1);
    expect(e.executionStats.totalDocsExamined).toBe(1);
  });

  it('queryPlanner verbosity plans without execution statistics', async () => {
    const e = await initiatives().find({ status: 'open' }).explain('queryPlanner');
    expect(ixscans(e.queryPlanner.winningPlan)[0].indexName).toBe('status_1_createdAt_-1');
    expect(e.executionStats).toBeUndefined();
  });

  it('allPlansExecution verbosity includes execution statistics', async () => {
    const e = await initiatives().find({ status: 'open' }).explain('allPlansExecution');
    expect(e.executionStats.nReturned).toBe(OPEN);
    expect(e.executionStats.totalDocsExamined).toBe(OPEN);
  });
});

describe('hint', () => {
  it('forces the hinted index, by key pattern or by name', async () => {
    for (const hint of [{ n: 1 }, 'n_1']) {
      const e = await initiatives()
        .find({ status: 'open' })
        .hint(hint)
        .limit(5)
        .explain('executionStats');
      const plan = e.queryPlanner.winningPlan;
      expect(ixscans(plan).map((s) => s.indexName)).toEqual(['n_1']);
      expect(stageNames(plan)).toContain('FETCH');
      expect(e.executionStats.nReturned).toBe(5);
      // n order: the open initiatives are n = 0, 5, ..., 20.
      expect(e.executionStats.totalDocsExamined).toBeLessThanOrEqual(25);
    }
    const docs = await initiatives().find({ status: 'open' }).hint({ n: 1 }).limit(5).toArray();
    expect(docs.map((d) => d._id)).toEqual([0, 5, 10, 15, 20]);
  });

  it('$natural forces a collection scan', async () => {
    const e = await initiatives()
      .find({ status: 'open' })
      .hint({ $natural: 1 })
      .explain('executionStats');
    expect(stageNames(e.queryPlanner.winningPlan)).toEqual(['COLLSCAN']);
    expect(e.executionStats.totalDocsExamined).toBe(SIZE);
    expect(e.executionStats.nReturned).toBe(OPEN);
  });

  it('a hint naming no index fails with BadValue', async () => {
    const e = await serverError(initiatives().find({ status: 'open' }).hint('nope_1').toArray());
    expect(e.code).toBe(2);
    expect(e.message).toMatch(/hint provided does not correspond to an existing index/);
    const ex = await serverError(
      initiatives().find({ status: 'open' }).hint({ nope: 1 }).explain('queryPlanner'),
    );
    expect(ex.code).toBe(2);
  });
});

describe('explain through mongoose', () => {
  it('Model.find().sort().limit().explain() shows the index and a page-sized read', async () => {
    const Initiative =
      t.conn.models.Initiative ??
      t.conn.model(
        'Initiative',
        new Schema(
          { _id: Number, status: String, createdAt: Date, n: Number },
          { collection: 'initiatives', autoIndex: false, autoCreate: false },
        ),
      );
    const e = (await Initiative.find({ status: 'open' })
      .sort({ createdAt: -1 })
      .limit(20)
      .explain('executionStats')) as unknown as Document;
    expect(ixscans(e.queryPlanner.winningPlan)[0].indexName).toBe('status_1_createdAt_-1');
    expect(e.executionStats.nReturned).toBe(20);
    expect(e.executionStats.totalDocsExamined).toBeLessThanOrEqual(21);
  });
});

describe('explain on aggregate', () => {
  it('$match + $sort + $limit runs in the query layer on the index', async () => {
    const e = await initiatives()
      .aggregate([{ $match: { status: 'open' } }, { $sort: { createdAt: -1 } }, { $limit: 20 }])
      .explain('executionStats');
    const layer = queryLayer(e);
    const plan = layer.queryPlanner.winningPlan;
    expect(ixscans(plan)[0].indexName).toBe('status_1_createdAt_-1');
    expect(stageNames(plan)).not.toContain('SORT');
    expect(stageNames(plan)).not.toContain('COLLSCAN');
    expect(layer.executionStats.totalDocsExamined).toBeLessThanOrEqual(21);
  });

  it('$match + $group: the $match part uses the index and reads only the matches', async () => {
    const e = await initiatives()
      .aggregate([{ $match: { status: 'open' } }, { $group: { _id: null, n: { $sum: 1 } } }])
      .explain('executionStats');
    const layer = queryLayer(e);
    expect(layer.queryPlanner.namespace).toBe(`${t.dbName}.initiatives`);
    expect(ixscans(layer.queryPlanner.winningPlan)[0].indexName).toBe('status_1_createdAt_-1');
    expect(layer.executionStats.totalDocsExamined).toBe(OPEN);
    expect(layer.executionStats.totalKeysExamined).toBeGreaterThanOrEqual(OPEN);
  });

  it('a $match no index serves scans the collection', async () => {
    const e = await initiatives()
      .aggregate([{ $match: { title: 'none' } }, { $count: 'n' }])
      .explain('executionStats');
    const layer = queryLayer(e);
    expect(stageNames(layer.queryPlanner.winningPlan)).toContain('COLLSCAN');
    expect(layer.executionStats.totalDocsExamined).toBe(SIZE);
  });

  it('queryPlanner verbosity', async () => {
    const e = await initiatives()
      .aggregate([{ $match: { n: { $lt: 10 } } }, { $project: { n: 1 } }])
      .explain('queryPlanner');
    const layer = queryLayer(e);
    expect(ixscans(layer.queryPlanner.winningPlan)[0].indexName).toBe('n_1');
    expect(layer.executionStats).toBeUndefined();
  });
});

describe('explain on count and distinct', () => {
  it('count with a query counts through the index', async () => {
    const e = await t.db.command({
      explain: { count: 'initiatives', query: { status: 'open' } },
      verbosity: 'executionStats',
    });
    const names = stageNames(e.queryPlanner.winningPlan);
    expect(names).toContain('COUNT');
    expect(names).not.toContain('COLLSCAN');
    expect(planNodes(e.executionStats.executionStages)[0].nCounted).toBe(OPEN);
  });

  it('distinct with a query uses the query field index', async () => {
    const e = await t.db.command({
      explain: { distinct: 'initiatives', key: 'status', query: { n: { $lt: 10 } } },
      verbosity: 'queryPlanner',
    });
    expect(ixscans(e.queryPlanner.winningPlan).map((s) => s.indexName)).toContain('n_1');
  });
});

describe('multikey indexes', () => {
  it('an equality on an array field still gives the sort of the fields after it', async () => {
    const c = t.db.collection<Doc>('skilled');
    await c.insertMany(
      Array.from({ length: 60 }, (_, i) => ({
        _id: i,
        visibility: 'public',
        skills: i % 2 ? ['welding', 'first-aid'] : ['cooking'],
        rankedAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000),
      })),
    );
    await c.createIndex({ visibility: 1, skills: 1, rankedAt: -1, _id: -1 });
    const query = () =>
      c.find({ visibility: 'public', skills: 'welding' }).sort({ rankedAt: -1, _id: -1 }).limit(3);
    const e = await query().explain('executionStats');
    const plan = e.queryPlanner.winningPlan;
    expect(stageNames(plan)).not.toContain('SORT');
    const [ix] = ixscans(plan);
    expect(ix.indexName).toBe('visibility_1_skills_1_rankedAt_-1__id_-1');
    expect(ix.isMultiKey).toBe(true);
    expect(e.executionStats.nReturned).toBe(3);
    expect(e.executionStats.totalDocsExamined).toBeLessThanOrEqual(4);
    expect((await query().toArray()).map((d) => d._id)).toEqual([59, 57, 55]);
  });

  it('a sort on the array field itself is a blocking sort', async () => {
    const e = await t.db
      .collection<Doc>('skilled')
      .find({ visibility: 'public' })
      .sort({ skills: 1 })
      .limit(3)
      .explain('queryPlanner');
    expect(stageNames(e.queryPlanner.winningPlan)).toContain('SORT');
  });

  it('two bounds on a multikey field match arrays with elements on either side', async () => {
    const c = t.db.collection<Doc>('multikey');
    await c.insertMany([
      { _id: 1, a: [0, 10] },
      { _id: 2, a: 3 },
      { _id: 3, a: [20, 30] },
    ]);
    await c.createIndex({ a: 1 });
    const ids = (await c.find({ a: { $gt: 1, $lt: 5 } }).toArray()).map((d) => d._id).sort();
    expect(ids).toEqual([1, 2]);
  });
});
