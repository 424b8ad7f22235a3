/**
 * Atomicity under concurrent clients: each write statement reads and writes one document
 * without another command slipping in between (no lost updates), and conditional updates
 * guard scarce capacity exactly (the pattern services use for slots).
 */
import { MongoClient } from 'mongodb';
import { setupSuite } from './harness';
import type { Doc } from './harness';

const t = setupSuite(__filename);

describe('concurrent writers', () => {
  let clients: MongoClient[] = [];

  beforeAll(async () => {
    clients = await Promise.all(
      Array.from({ length: 4 }, () => MongoClient.connect(t.uri, { maxPoolSize: 25 })),
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  const coll = (i: number, name = 'counters') =>
    clients[i % clients.length].db(t.dbName).collection<Doc>(name);

  it('200 concurrent $inc on one document lose no increment', async () => {
    await coll(0).insertOne({ _id: 'inc', n: 0 });
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => coll(i).updateOne({ _id: 'inc' }, { $inc: { n: 1 } })),
    );
    expect(await coll(0).findOne({ _id: 'inc' })).toEqual({ _id: 'inc', n: 200 });
  });

  it('100 concurrent findOneAndUpdate each see a distinct value', async () => {
    await coll(0).insertOne({ _id: 'seq', n: 0 });
    const seen = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        coll(i).findOneAndUpdate({ _id: 'seq' }, { $inc: { n: 1 } }, { returnDocument: 'after' }),
      ),
    );
    const values = seen.map((d) => d?.n as number).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('a conditional update fills exactly the free slots (100 racers, 5 slots)', async () => {
    await coll(0).insertOne({ _id: 'task', slots: 5, filled: 0 });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        coll(i).updateOne(
          { _id: 'task', $expr: { $lt: ['$filled', '$slots'] } },
          { $inc: { filled: 1 } },
        ),
      ),
    );
    expect(results.filter((r) => r.modifiedCount === 1)).toHaveLength(5);
    expect(await coll(0).findOne({ _id: 'task' })).toEqual({ _id: 'task', slots: 5, filled: 5 });
  });

  it('concurrent upserts on a unique key create one document and fail or match the rest', async () => {
    await coll(0, 'keys').createIndex({ key: 1 }, { unique: true });
    const settled = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        coll(i, 'keys').updateOne({ key: 'k' }, { $setOnInsert: { at: i } }, { upsert: true }),
      ),
    );
    const upserted = settled.filter((s) => s.status === 'fulfilled' && s.value.upsertedCount === 1);
    expect(upserted).toHaveLength(1);
    for (const s of settled) {
      if (s.status === 'rejected') expect((s.reason as { code: number }).code).toBe(11000);
    }
    expect(await coll(0, 'keys').countDocuments({ key: 'k' })).toBe(1);
  });
});
