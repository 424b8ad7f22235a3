/**
 * Transactions: withTransaction commit/abort, manual start/commit/abort, read-your-writes and
 * isolation, any error aborts (251 + TransientTransactionError), idempotent commit retry, abort
 * after commit (256), write conflicts (112 + label, withTransaction retries), 263 for count and
 * drop, higher txnNumber, snapshot across collections.
 */
import { Long, UUID } from 'bson';
import type { ClientSession } from 'mongodb';
import { MongoServerError } from 'mongodb';
import { RawConnection, describeEmbedded, serverError, setupSuite, sleep } from './harness';
import type { Doc } from './harness';

const t = setupSuite(__filename);

const accounts = () => t.db.collection<Doc>('accounts');
const ledger = () => t.db.collection<Doc>('ledger');

beforeAll(async () => {
  // Collections exist up front (as applications usually arrange).
  await t.db.createCollection('accounts');
  await t.db.createCollection('ledger');
});

beforeEach(async () => {
  await accounts().deleteMany({});
  await ledger().deleteMany({});
  await accounts().insertMany([
    { _id: 'a', bal: 100 },
    { _id: 'b', bal: 0 },
  ]);
});

async function withSession<T>(fn: (s: ClientSession) => Promise<T>): Promise<T> {
  const s = t.client.startSession();
  try {
    return await fn(s);
  } finally {
    await s.endSession();
  }
}

function expectTransient(e: MongoServerError, code: number) {
  expect(e).toBeInstanceOf(MongoServerError);
  expect(e.code).toBe(code);
  expect(e.hasErrorLabel('TransientTransactionError')).toBe(true);
}

describe('commit and abort', () => {
  it('withTransaction commits all writes across collections', async () => {
    await withSession((s) =>
      s.withTransaction(async () => {
        await accounts().updateOne({ _id: 'a' }, { $inc: { bal: -30 } }, { session: s });
        await accounts().updateOne({ _id: 'b' }, { $inc: { bal: 30 } }, { session: s });
        await ledger().insertOne({ from: 'a', to: 'b', amount: 30 }, { session: s });
      }),
    );
    expect(await accounts().find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', bal: 70 },
      { _id: 'b', bal: 30 },
    ]);
    expect(await ledger().countDocuments()).toBe(1);
  });

  it('withTransaction aborts when the callback throws; the error propagates', async () => {
    const boom = new Error('boom');
    await expect(
      withSession((s) =>
        s.withTransaction(async () => {
          await accounts().updateOne({ _id: 'a' }, { $inc: { bal: -30 } }, { session: s });
          await ledger().insertOne({ x: 1 }, { session: s });
          throw boom;
        }),
      ),
    ).rejects.toBe(boom);
    expect(await accounts().findOne({ _id: 'a' })).toEqual({ _id: 'a', bal: 100 });
    expect(await ledger().countDocuments()).toBe(0);
  });

  it('manual start / commit and start / abort', async () => {
    await withSession(async (s) => {
      s.startTransaction();
      await ledger().insertOne({ n: 1 }, { session: s });
      await s.commitTransaction();
      s.startTransaction();
      await ledger().insertOne({ n: 2 }, { session: s });
      await s.abortTransaction();
    });
    expect(
      await ledger()
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    ).toEqual([{ n: 1 }]);
  });

  it('an empty transaction commits', async () => {
    await withSession(async (s) => {
      s.startTransaction();
      await s.commitTransaction();
    });
  });

  it('creating a collection by inserting into it inside a transaction', async () => {
    const name = `created_in_txn_${Date.now()}`;
    await withSession((s) =>
      s.withTransaction(async () => {
        await t.db.collection(name).insertOne({ a: 1 }, { session: s });
      }),
    );
    expect(await t.db.collection(name).countDocuments()).toBe(1);
  });
});

describe('isolation', () => {
  it('read-your-own-writes inside; invisible outside until commit', async () => {
    await withSession(async (s) => {
      s.startTransaction();
      await ledger().insertOne({ _id: 'x', v: 1 }, { session: s });
      await accounts().updateOne({ _id: 'a' }, { $set: { bal: 1 } }, { session: s });
      expect(await ledger().findOne({ _id: 'x' }, { session: s })).toEqual({ _id: 'x', v: 1 });
      expect(await accounts().findOne({ _id: 'a' }, { session: s })).toEqual({ _id: 'a', bal: 1 });
      expect(await ledger().countDocuments({}, { session: s })).toBe(1);
      // Outside (no session): not visible yet.
      expect(await ledger().findOne({ _id: 'x' })).toBeNull();
      expect(await accounts().findOne({ _id: 'a' })).toEqual({ _id: 'a', bal: 100 });
      await s.commitTransaction();
    });
    expect(await ledger().findOne({ _id: 'x' })).toEqual({ _id: 'x', v: 1 });
    expect(await accounts().findOne({ _id: 'a' })).toEqual({ _id: 'a', bal: 1 });
  });

  it('a transaction reads one snapshot across collections', async () => {
    await withSession(async (s) => {
      s.startTransaction();
      expect(await accounts().findOne({ _id: 'a' }, { session: s })).toEqual({
        _id: 'a',
        bal: 100,
      });
      // Committed outside after the transaction's first read, into another collection.
      await ledger().insertOne({ _id: 'late' });
      await accounts().insertOne({ _id: 'late' });
      expect(await ledger().findOne({ _id: 'late' }, { session: s })).toBeNull();
      expect(await accounts().findOne({ _id: 'late' }, { session: s })).toBeNull();
      await s.abortTransaction();
    });
  });
});

describe('errors abort the transaction', () => {
  it('a duplicate key inside a transaction aborts it: later statements get 251 with the label, earlier writes are rolled back', async () => {
    await withSession(async (s) => {
      s.startTransaction();
      await ledger().insertOne({ _id: 'first' }, { session: s });
      const dup = await serverError(accounts().insertOne({ _id: 'a' }, { session: s }));
      expect(dup.code).toBe(11000);
      const e = await serverError(ledger().insertOne({ _id: 'second' }, { session: s }));
      expectTransient(e, 251);
      expect(e.codeName).toBe('NoSuchTransaction');
      await s.abortTransaction().catch(() => undefined);
    });
    expect(await ledger().countDocuments()).toBe(0);
  });

  it('commit after an error fails with 251', async () => {
    await withSession(async (s) => {
      s.startTransaction();
      await ledger().insertOne({ _id: 'one' }, { session: s });
      await serverError(
        accounts().updateOne({ _id: 'a' }, { $inc: { bal: 'x' } } as never, { session: s }),
      );
      const e = await serverError(s.commitTransaction());
      expect(e.code).toBe(251);
    });
    expect(await ledger().countDocuments()).toBe(0);
  });

  it('count and drop inside a transaction fail with 263', async () => {
    await withSession(async (s) => {
      s.startTransaction();
      await ledger().insertOne({ a: 1 }, { session: s });
      const e = await serverError(ledger().estimatedDocumentCount({ session: s }));
      expect(e.code).toBe(263);
      expect(e.codeName).toBe('OperationNotSupportedInTransaction');
      expect(e.message).toMatch(/Cannot run 'count' in a multi-document transaction/);
      await s.abortTransaction().catch(() => undefined);
    });
    await withSession(async (s) => {
      s.startTransaction();
      await ledger().insertOne({ a: 1 }, { session: s });
      const e = await serverError(t.db.command({ drop: 'ledger' }, { session: s }));
      expect(e.code).toBe(263);
      await s.abortTransaction().catch(() => undefined);
    });
    expect(await ledger().countDocuments()).toBe(0);
  });
});

describe('commit and abort retries', () => {
  it('a retried commit is ok; abortTransaction after commit is 256 TransactionCommitted', async () => {
    await withSession(async (s) => {
      s.startTransaction();
      await ledger().insertOne({ _id: 'c1' }, { session: s });
      await s.commitTransaction();
      // The driver re-sends commitTransaction with the same lsid/txnNumber.
      await s.commitTransaction();
      const raw = await t.client.db('admin').command({ commitTransaction: 1 }, { session: s });
      expect(raw.ok).toBe(1);
      const e = await serverError(
        t.client.db('admin').command({ abortTransaction: 1 }, { session: s }),
      );
      expect(e.code).toBe(256);
      expect(e.codeName).toBe('TransactionCommitted');
    });
    expect(await ledger().countDocuments()).toBe(1);
  });

  it('commitTransaction on a transaction that was aborted is 251', async () => {
    await withSession(async (s) => {
      s.startTransaction();
      await ledger().insertOne({ _id: 'c2' }, { session: s });
      await s.abortTransaction();
      const e = await serverError(
        t.client.db('admin').command({ commitTransaction: 1 }, { session: s }),
      );
      expect(e.code).toBe(251);
    });
  });
});

describe('write conflicts', () => {
  it('two transactions writing one document: the second gets 112 WriteConflict with TransientTransactionError; the first commits', async () => {
    const s1 = t.client.startSession();
    const s2 = t.client.startSession();
    try {
      s1.startTransaction();
      s2.startTransaction();
      await accounts().updateOne({ _id: 'a' }, { $inc: { bal: 1 } }, { session: s1 });
      let conflict: MongoServerError | undefined;
      let phase = 'write';
      try {
        await accounts().updateOne({ _id: 'a' }, { $inc: { bal: 10 } }, { session: s2 });
        phase = 'commit';
        await s1.commitTransaction();
        await s2.commitTransaction();
      } catch (e) {
        conflict = e as MongoServerError;
      }
      console.info(
        `[transactions] write conflict detected at ${phase} (MongoDB 7.0 detects it at the write)`,
      );
      expect(conflict).toBeDefined();
      expectTransient(conflict!, 112);
      expect(conflict!.codeName).toBe('WriteConflict');
      if (phase === 'write') {
        await s2.abortTransaction().catch(() => undefined);
        await s1.commitTransaction();
      }
      expect(await accounts().findOne({ _id: 'a' })).toEqual({ _id: 'a', bal: 101 });
    } finally {
      await s1.endSession();
      await s2.endSession();
    }
  });

  it('withTransaction retries a conflicting transaction to success', async () => {
    let aWrote!: () => void;
    const aWroteP = new Promise<void>((r) => (aWrote = r));
    let bTried!: () => void;
    const bTriedP = new Promise<void>((r) => (bTried = r));
    let bAttempts = 0;

    const txA = withSession((s) =>
      s.withTransaction(async () => {
        const doc = await accounts().findOne({ _id: 'a' }, { session: s });
        await accounts().updateOne({ _id: 'a' }, { $set: { bal: doc!.bal + 1 } }, { session: s });
        aWrote();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([bTriedP, new Promise((r) => (timer = setTimeout(r, 2000)))]);
        clearTimeout(timer);
      }),
    );
    const txB = withSession(async (s) => {
      await aWroteP;
      return s.withTransaction(async () => {
        bAttempts++;
        try {
          const doc = await accounts().findOne({ _id: 'a' }, { session: s });
          await accounts().updateOne(
            { _id: 'a' },
            { $set: { bal: doc!.bal + 10 } },
            { session: s },
          );
        } finally {
          bTried();
        }
      });
    });
    await Promise.all([txA, txB]);
    expect(await accounts().findOne({ _id: 'a' })).toEqual({ _id: 'a', bal: 111 });
    expect(bAttempts).toBeGreaterThanOrEqual(2);
  });

  it('a non-transactional write to a document a transaction holds is not lost', async () => {
    await withSession(async (s) => {
      s.startTransaction();
      await accounts().updateOne({ _id: 'a' }, { $inc: { bal: 1 } }, { session: s });
      const outside = accounts().updateOne({ _id: 'a' }, { $inc: { bal: 1000 } });
      await sleep(100);
      let committed = true;
      try {
        await s.commitTransaction();
      } catch (e) {
        committed = false;
        expectTransient(e as MongoServerError, 112);
      }
      await outside;
      console.info(
        `[transactions] non-transactional write vs open transaction: transaction ${committed ? 'committed (outside write waited)' : 'failed at commit with 112'}`,
      );
      expect((await accounts().findOne({ _id: 'a' }))!.bal).toBe(committed ? 1101 : 1100);
    });
  });
});

describeEmbedded(
  'transactions on the raw wire',
  'it sends hand-made lsid/txnNumber over a plain unauthenticated socket',
  () => {
    it('a higher txnNumber on the same session aborts the open transaction', async () => {
      const raw = await RawConnection.connect(t.host, t.port);
      try {
        const lsid = { id: new UUID() };
        const db = t.dbName;
        const r1 = await raw.command({
          insert: 'ledger',
          documents: [{ _id: 'old-txn' }],
          lsid,
          txnNumber: Long.fromNumber(1),
          startTransaction: true,
          autocommit: false,
          $db: db,
        });
        expect(r1.ok).toBe(1);
        const r2 = await raw.command({
          insert: 'ledger',
          documents: [{ _id: 'new-txn' }],
          lsid,
          txnNumber: Long.fromNumber(2),
          startTransaction: true,
          autocommit: false,
          $db: db,
        });
        expect(r2.ok).toBe(1);
        const commitOld = await raw.command({
          commitTransaction: 1,
          lsid,
          txnNumber: Long.fromNumber(1),
          autocommit: false,
          $db: 'admin',
        });
        expect(commitOld.ok).toBe(0);
        expect(commitOld.code).toBe(225);
        expect(commitOld.codeName).toBe('TransactionTooOld');
        const commitNew = await raw.command({
          commitTransaction: 1,
          lsid,
          txnNumber: Long.fromNumber(2),
          autocommit: false,
          $db: 'admin',
        });
        expect(commitNew.ok).toBe(1);
        expect((await ledger().find().toArray()).map((d) => d._id)).toEqual(['new-txn']);
      } finally {
        raw.close();
      }
    });

    it('a statement on an unknown transaction gets 251 with TransientTransactionError', async () => {
      const raw = await RawConnection.connect(t.host, t.port);
      try {
        const r = await raw.command({
          find: 'ledger',
          lsid: { id: new UUID() },
          txnNumber: Long.fromNumber(5),
          autocommit: false,
          $db: t.dbName,
        });
        expect(r.ok).toBe(0);
        expect(r.code).toBe(251);
        expect(r.errorLabels).toContain('TransientTransactionError');
      } finally {
        raw.close();
      }
    });
  },
);
