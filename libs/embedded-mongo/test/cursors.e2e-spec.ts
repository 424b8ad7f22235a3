/**
 * Cursors and batching: 0/1/101/102/10,000 documents with various batch sizes, firstBatch /
 * nextBatch shapes with int64 ids and ns, getMore without batchSize, singleBatch and negative
 * limits, killCursors, CursorNotFound.
 */
import { Long } from 'bson';
import { Schema } from 'mongoose';
import { serverError, setupSuite } from './harness';
import type { Doc } from './harness';

const t = setupSuite(__filename, { mongoose: true });

const SIZES = [0, 1, 101, 102, 10_000];
const collName = (n: number) => `docs_${n}`;
const raw = { promoteLongs: false } as const;

beforeAll(async () => {
  for (const n of SIZES) {
    const c = t.db.collection(collName(n));
    await c.insertOne({ _id: -1, tmp: true } as never); // ensures the collection exists even for n = 0
    await c.deleteOne({ _id: -1 } as never);
    for (let i = 0; i < n; i += 5000) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + 5000); j++)
        batch.push({ _id: j, v: j % 7, pad: 'x'.repeat(20) });
      await c.insertMany(batch as never[]);
    }
  }
});

function getMores(): number {
  return t.commands.filter((c) => c.commandName === 'getMore').length;
}

describe('driver cursors return every document', () => {
  for (const n of SIZES) {
    for (const batchSize of [undefined, 1, 2, 100, 101, 1000]) {
      if (n === 10_000 && batchSize === 1) continue; // 10,000 round trips add nothing over batchSize 2
      it(`${n} docs, batchSize ${batchSize ?? 'default'}`, async () => {
        t.clearCommands();
        const cursor = t.db
          .collection<Doc>(collName(n))
          .find({}, batchSize ? { batchSize } : {})
          .sort({ _id: 1 });
        const docs = await cursor.toArray();
        expect(docs).toHaveLength(n);
        expect(docs.every((d, i) => d._id === i)).toBe(true);
        const expectedBatches = Math.ceil(n / (batchSize ?? 101));
        // The server may or may not notice exhaustion when a batch ends exactly at the last
        // document; it must not need more than one extra round trip for it.
        const g = getMores();
        if (batchSize === undefined && n > 101) {
          // After the first 101, getMore has no batchSize and returns the rest (< 16 MiB).
          expect(g).toBe(1);
        } else {
          expect(g).toBeGreaterThanOrEqual(Math.max(0, expectedBatches - 1));
          expect(g).toBeLessThanOrEqual(Math.max(0, expectedBatches));
        }
      });
    }
  }

  it('batchSize 300 over 10,000: exactly 33 getMores, batches of <= 300, the last closes the cursor', async () => {
    t.clearCommands();
    const sizes: number[] = [];
    t.client.on('commandSucceeded', function onReply(e) {
      if (e.commandName === 'find' || e.commandName === 'getMore') {
        const cur = (e.reply as { cursor: { firstBatch?: unknown[]; nextBatch?: unknown[] } })
          .cursor;
        sizes.push((cur.firstBatch ?? cur.nextBatch)!.length);
      }
    });
    try {
      const docs = await t.db
        .collection(collName(10_000))
        .find({}, { batchSize: 300 })
        .sort({ _id: 1 })
        .toArray();
      expect(docs).toHaveLength(10_000);
    } finally {
      t.client.removeAllListeners('commandSucceeded');
    }
    expect(getMores()).toBe(33);
    expect(sizes).toHaveLength(34);
    expect(sizes.slice(0, 33).every((s) => s === 300)).toBe(true);
    expect(sizes[33]).toBe(100);
  });
});

describe('raw cursor shapes', () => {
  it('first batch of 101 by default with an int64 id and ns; getMore without batchSize returns the rest', async () => {
    const r = await t.db.command({ find: collName(10_000), filter: {}, sort: { _id: 1 } }, raw);
    expect(r.ok).toBe(1);
    expect(r.cursor.firstBatch).toHaveLength(101);
    expect(r.cursor.id).toBeInstanceOf(Long);
    expect(r.cursor.id.isZero()).toBe(false);
    expect(r.cursor.ns).toBe(`${t.dbName}.${collName(10_000)}`);
    const g = await t.db.command({ getMore: r.cursor.id, collection: collName(10_000) }, raw);
    expect(g.ok).toBe(1);
    expect(g.cursor.nextBatch).toHaveLength(10_000 - 101);
    expect(g.cursor.nextBatch[0]._id).toBe(101);
    expect(g.cursor.id).toBeInstanceOf(Long);
    expect(g.cursor.id.isZero()).toBe(true);
    expect(g.cursor.ns).toBe(`${t.dbName}.${collName(10_000)}`);
    expect(g.cursor.firstBatch).toBeUndefined();
  });

  it('0 and 1 documents: the first batch exhausts the cursor (id 0)', async () => {
    for (const n of [0, 1]) {
      const r = await t.db.command({ find: collName(n), filter: {} }, raw);
      expect(r.cursor.firstBatch).toHaveLength(n);
      expect(r.cursor.id.isZero()).toBe(true);
    }
  });

  it('102 documents: 101 then 1', async () => {
    const r = await t.db.command({ find: collName(102), filter: {}, sort: { _id: 1 } }, raw);
    expect(r.cursor.firstBatch).toHaveLength(101);
    expect(r.cursor.id.isZero()).toBe(false);
    const g = await t.db.command({ getMore: r.cursor.id, collection: collName(102) }, raw);
    expect(g.cursor.nextBatch.map((d: { _id: number }) => d._id)).toEqual([101]);
    expect(g.cursor.id.isZero()).toBe(true);
  });

  it('batchSize 0 gives an empty first batch with the cursor left open', async () => {
    const r = await t.db.command({ find: collName(102), filter: {}, batchSize: 0 }, raw);
    expect(r.cursor.firstBatch).toEqual([]);
    expect(r.cursor.id.isZero()).toBe(false);
    const g = await t.db.command(
      { getMore: r.cursor.id, collection: collName(102), batchSize: 50 },
      raw,
    );
    expect(g.cursor.nextBatch).toHaveLength(50);
    expect(g.cursor.id.isZero()).toBe(false);
    await t.db.command({ killCursors: collName(102), cursors: [r.cursor.id] });
  });

  it('singleBatch and a negative limit close the cursor after the first batch', async () => {
    const r = await t.db.command(
      { find: collName(10_000), filter: {}, batchSize: 5, singleBatch: true },
      raw,
    );
    expect(r.cursor.firstBatch).toHaveLength(5);
    expect(r.cursor.id.isZero()).toBe(true);
    t.clearCommands();
    const docs = await t.db
      .collection(collName(10_000))
      .find()
      .sort({ _id: 1 })
      .limit(-7)
      .toArray();
    expect(docs.map((d) => d._id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(getMores()).toBe(0);
    const find = t.commands.find((c) => c.commandName === 'find')!;
    expect(find.command.singleBatch).toBe(true);
  });

  it('a limit larger than a batch stops exactly at the limit', async () => {
    const docs = await t.db
      .collection(collName(10_000))
      .find({}, { batchSize: 40 })
      .sort({ _id: 1 })
      .limit(150)
      .toArray();
    expect(docs).toHaveLength(150);
    expect(docs[149]._id).toBe(149);
  });

  it('aggregate cursor: batchSize 0, then getMore', async () => {
    const r = await t.db.command(
      { aggregate: collName(102), pipeline: [{ $match: { v: 0 } }], cursor: { batchSize: 0 } },
      raw,
    );
    expect(r.cursor.firstBatch).toEqual([]);
    expect(r.cursor.id.isZero()).toBe(false);
    expect(r.cursor.ns).toBe(`${t.dbName}.${collName(102)}`);
    const g = await t.db.command({ getMore: r.cursor.id, collection: collName(102) }, raw);
    expect(g.cursor.nextBatch).toHaveLength(15); // 0, 7, ..., 98
    expect(g.cursor.id.isZero()).toBe(true);
  });
});

describe('killCursors and CursorNotFound', () => {
  it('killCursors reply shape, then getMore on the killed cursor fails with 43', async () => {
    const r = await t.db.command({ find: collName(102), filter: {}, batchSize: 2 }, raw);
    const id: Long = r.cursor.id;
    const bogus = Long.fromString('123456789');
    const k = await t.db.command({ killCursors: collName(102), cursors: [id, bogus] }, raw);
    expect(k.ok).toBe(1);
    expect(k.cursorsKilled).toHaveLength(1);
    expect(k.cursorsKilled[0]).toBeInstanceOf(Long);
    expect(k.cursorsKilled[0].equals(id)).toBe(true);
    expect(k.cursorsNotFound).toHaveLength(1);
    expect(k.cursorsNotFound[0].equals(bogus)).toBe(true);
    expect(k.cursorsAlive).toEqual([]);
    expect(k.cursorsUnknown).toEqual([]);
    const e = await serverError(t.db.command({ getMore: id, collection: collName(102) }));
    expect(e.code).toBe(43);
    expect(e.codeName).toBe('CursorNotFound');
  });

  it('a getMore of a bogus id fails with 43 CursorNotFound', async () => {
    const e = await serverError(
      t.db.command({ getMore: Long.fromString('987654321987'), collection: collName(102) }),
    );
    expect(e.code).toBe(43);
    expect(e.codeName).toBe('CursorNotFound');
    expect(e.message).toMatch(/cursor id 987654321987 not found/);
  });

  it('closing a driver cursor early sends killCursors and frees the cursor', async () => {
    t.clearCommands();
    const cursor = t.db.collection(collName(10_000)).find({}, { batchSize: 10 });
    await cursor.next();
    const id = cursor.id!;
    await cursor.close();
    expect(t.commands.some((c) => c.commandName === 'killCursors')).toBe(true);
    const e = await serverError(t.db.command({ getMore: id, collection: collName(10_000) }));
    expect(e.code).toBe(43);
  });

  it('mongoose QueryCursor iterates 10,000 documents in batches and closes', async () => {
    const M = t.conn.model(
      'Big',
      new Schema({ _id: Number, v: Number, pad: String }),
      collName(10_000),
    );
    let n = 0;
    const cursor = M.find({ v: 3 }).sort({ _id: 1 }).batchSize(100).lean().cursor();
    for await (const d of cursor) {
      expect((d as { v: number }).v).toBe(3);
      n++;
    }
    expect(n).toBe(Math.floor((10_000 - 3 - 1) / 7) + 1);
    const partial = M.find().batchSize(5).cursor();
    await partial.next();
    await partial.close();
  });
});
