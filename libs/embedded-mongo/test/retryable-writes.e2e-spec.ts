/**
 * Retryable writes: a statement resent with the same (lsid, txnNumber) is not applied twice,
 * and its original result is replayed. Uses the driver with an explicit session and a
 * hand-set txnNumber (what the driver does when it retries after a network error).
 */
import { Long } from 'bson';
import type { ClientSession, Document, MongoClient } from 'mongodb';
import { clean, setupSuite } from './harness';

const t = setupSuite(__filename);

// Hand-set txnNumbers run on their own client, so they never collide with the txnNumbers the
// driver itself assigns to the server sessions pooled by the main client.
let rwClient: MongoClient;
let session: ClientSession;
beforeAll(async () => {
  rwClient = await t.newClient();
});
beforeEach(() => {
  session = rwClient.startSession();
});
afterEach(async () => {
  await session.endSession();
});

const run = (cmd: Document) => rwClient.db(t.dbName).command(cmd, { session });

// The driver pools server sessions, so a later test may get an lsid an earlier test used:
// txnNumbers only ever grow across the file, as they would on a real client.
let lastTxn = 0;
const nextTxn = () => Long.fromNumber((lastTxn += 10));

describe('retried statements are applied once', () => {
  it('insert', async () => {
    const cmd = { insert: 'rw_ins', documents: [{ _id: 1, v: 'once' }], txnNumber: nextTxn() };
    const first = await run({ ...cmd });
    const again = await run({ ...cmd });
    expect(clean(first)).toEqual({ n: 1, ok: 1 });
    expect(again.ok).toBe(1);
    expect(again.n).toBe(1);
    expect(again.writeErrors).toBeUndefined();
    expect(await t.db.collection('rw_ins').countDocuments()).toBe(1);
  });

  it('update with $inc', async () => {
    await t.db.collection('rw_upd').insertOne({ _id: 1, n: 0 } as never);
    const cmd = {
      update: 'rw_upd',
      updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }],
      txnNumber: nextTxn(),
    };
    const first = await run({ ...cmd });
    const again = await run({ ...cmd });
    expect(clean(first)).toEqual({ n: 1, nModified: 1, ok: 1 });
    expect(again.n).toBe(1);
    expect(again.nModified).toBe(1);
    expect((await t.db.collection('rw_upd').findOne({ _id: 1 } as never))!.n).toBe(1);
    // A new txnNumber is a new statement.
    await run({ ...cmd, txnNumber: cmd.txnNumber.add(1) });
    expect((await t.db.collection('rw_upd').findOne({ _id: 1 } as never))!.n).toBe(2);
  });

  it('upsert replays the same upserted _id', async () => {
    const cmd = {
      update: 'rw_ups',
      updates: [{ q: { k: 'x' }, u: { $inc: { n: 1 } }, upsert: true }],
      txnNumber: nextTxn(),
    };
    const first = await run({ ...cmd });
    const again = await run({ ...cmd });
    expect(first.upserted).toHaveLength(1);
    expect(again.upserted).toEqual(first.upserted);
    const docs = await t.db.collection('rw_ups').find().toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0].n).toBe(1);
  });

  it('delete', async () => {
    await t.db.collection('rw_del').insertMany([{ g: 1 }, { g: 1 }, { g: 1 }]);
    const cmd = { delete: 'rw_del', deletes: [{ q: { g: 1 }, limit: 1 }], txnNumber: nextTxn() };
    await run({ ...cmd });
    const again = await run({ ...cmd });
    expect(again.n).toBe(1);
    expect(await t.db.collection('rw_del').countDocuments()).toBe(2);
  });

  it('findAndModify replays the original pre-image', async () => {
    await t.db.collection('rw_fam').insertOne({ _id: 1, n: 10 } as never);
    const cmd = {
      findAndModify: 'rw_fam',
      query: { _id: 1 },
      update: { $inc: { n: 5 } },
      txnNumber: nextTxn(),
    };
    const first = await run({ ...cmd });
    const again = await run({ ...cmd });
    expect(first.value).toEqual({ _id: 1, n: 10 });
    expect(again.value).toEqual({ _id: 1, n: 10 });
    expect((await t.db.collection('rw_fam').findOne({ _id: 1 } as never))!.n).toBe(15);
  });

  it('a batch retried after partial execution does not re-insert executed statements', async () => {
    const cmd = {
      insert: 'rw_batch',
      documents: [{ _id: 1 }, { _id: 2 }, { _id: 3 }],
      txnNumber: nextTxn(),
    };
    await run({ ...cmd });
    const again = await run({ ...cmd });
    expect(again.n).toBe(3);
    expect(again.writeErrors).toBeUndefined();
    expect(await t.db.collection('rw_batch').countDocuments()).toBe(3);
  });

  it('the same txnNumber on another session is independent', async () => {
    const other = rwClient.startSession();
    try {
      const cmd = { insert: 'rw_sessions', documents: [{ k: 1 }], txnNumber: nextTxn() };
      await run({ ...cmd });
      await rwClient.db(t.dbName).command({ ...cmd }, { session: other });
      expect(await t.db.collection('rw_sessions').countDocuments()).toBe(2);
    } finally {
      await other.endSession();
    }
  });

  it('driver retryable writes (retryWrites default) succeed normally', async () => {
    const c = t.db.collection('rw_driver');
    await c.insertOne({ a: 1 });
    await c.updateOne({ a: 1 }, { $inc: { b: 1 } });
    await c.findOneAndUpdate({ a: 1 }, { $inc: { b: 1 } });
    await c.deleteOne({ a: 1 });
    expect(await c.countDocuments()).toBe(0);
  });
});
