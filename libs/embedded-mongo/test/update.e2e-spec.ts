/**
 * Note: update errors arrive as writeErrors ({index, code, errmsg}), which carry no codeName in
 * MongoDB, so only `code` is asserted for them.
 *
 * Update: every operator, arrayFilters, positional $, $[], pipeline updates, nModified for no-ops,
 * upserts (equality seeding, $setOnInsert), numeric type preservation, and error codes
 * 14, 2, 28, 40, 66, 9.
 */
import { Decimal128, Double, Int32, Long, Timestamp } from 'bson';
import type { Document } from 'mongodb';
import { clean, serverError, setupSuite } from './harness';
import type { Doc } from './harness';

const t = setupSuite(__filename);

let seq = 0;
/** A fresh collection holding one document, for isolated operator tests. */
async function one(doc: Document) {
  const c = t.db.collection<Doc>(`u${++seq}`);
  await c.insertOne({ _id: 1, ...doc });
  return c;
}
async function after(doc: Document, update: Document | Document[], options: Document = {}) {
  const c = await one(doc);
  const r = await c.updateOne({ _id: 1 }, update, options);
  expect(r.matchedCount).toBe(1);
  return { r, doc: await c.findOne({ _id: 1 }), c };
}

describe('field operators', () => {
  it('$set (top level, nested, creates intermediate objects) and $unset', async () => {
    const { doc } = await after(
      { a: 1, b: { c: 1 }, gone: 1 },
      { $set: { a: 2, 'b.d': 3, 'x.y.z': 4 }, $unset: { gone: '' } },
    );
    expect(doc).toEqual({ _id: 1, a: 2, b: { c: 1, d: 3 }, x: { y: { z: 4 } } });
  });

  it('$set keeps field order and appends new fields', async () => {
    const { doc } = await after({ a: 1, b: 2 }, { $set: { c: 3, a: 9 } });
    expect(Object.keys(doc!)).toEqual(['_id', 'a', 'b', 'c']);
  });

  it('$inc and $mul (missing fields start at 0)', async () => {
    const { doc } = await after(
      { n: 5, f: 1.5 },
      { $inc: { n: 2, m: 3, f: 0.25 }, $mul: { z: 4 } },
    );
    expect(doc).toEqual({ _id: 1, n: 7, f: 1.75, m: 3, z: 0 });
    const { doc: d2 } = await after({ n: 5 }, { $mul: { n: 3 } });
    expect(d2!.n).toBe(15);
  });

  it('$min and $max, including dates', async () => {
    const early = new Date('2020-01-01T00:00:00Z');
    const late = new Date('2024-01-01T00:00:00Z');
    const { doc } = await after(
      { lo: 5, hi: 5, d: late },
      { $min: { lo: 3, d: early }, $max: { hi: 9, newMax: 1 } },
    );
    expect(doc).toEqual({ _id: 1, lo: 3, hi: 9, d: early, newMax: 1 });
    const { r } = await after({ lo: 5 }, { $min: { lo: 7 } });
    expect(r.modifiedCount).toBe(0);
  });

  it('$rename (including into a nested path)', async () => {
    const { doc } = await after({ a: 1, b: { c: 2 } }, { $rename: { a: 'z', 'b.c': 'q.r' } });
    expect(doc).toEqual({ _id: 1, b: {}, z: 1, q: { r: 2 } });
  });

  it('$currentDate with date and timestamp types', async () => {
    const before = Date.now();
    const { doc } = await after(
      {},
      { $currentDate: { d: true, d2: { $type: 'date' }, ts: { $type: 'timestamp' } } },
    );
    expect(doc!.d).toBeInstanceOf(Date);
    expect(doc!.d2).toBeInstanceOf(Date);
    expect(doc!.d.getTime()).toBeGreaterThanOrEqual(before - 2000);
    expect(doc!.ts).toBeInstanceOf(Timestamp);
  });

  it('$setOnInsert does nothing on an update that matches', async () => {
    const { r, doc } = await after(
      { a: 1 },
      { $set: { b: 2 }, $setOnInsert: { c: 3 } },
      { upsert: true },
    );
    expect(r.upsertedCount).toBe(0);
    expect(doc).toEqual({ _id: 1, a: 1, b: 2 });
  });
});

describe('array operators', () => {
  it('$push, with $each/$position/$sort/$slice', async () => {
    const { doc } = await after({ a: [1, 2] }, { $push: { a: 3, fresh: 'x' } });
    expect(doc).toEqual({ _id: 1, a: [1, 2, 3], fresh: ['x'] });
    const { doc: d2 } = await after(
      { a: [5, 1] },
      { $push: { a: { $each: [4, 2], $sort: 1, $slice: 3 } } },
    );
    expect(d2!.a).toEqual([1, 2, 4]);
    const { doc: d3 } = await after(
      { a: [1, 2] },
      { $push: { a: { $each: [9, 8], $position: 1 } } },
    );
    expect(d3!.a).toEqual([1, 9, 8, 2]);
    const { doc: d4 } = await after(
      { a: [{ s: 3 }, { s: 1 }] },
      { $push: { a: { $each: [{ s: 2 }], $sort: { s: -1 }, $slice: -2 } } },
    );
    expect(d4!.a).toEqual([{ s: 2 }, { s: 1 }]);
  });

  it('$addToSet (with $each; objects compared with field order)', async () => {
    const { r, doc } = await after({ a: [1, 2] }, { $addToSet: { a: { $each: [2, 3, 3] } } });
    expect(r.modifiedCount).toBe(1);
    expect(doc!.a).toEqual([1, 2, 3]);
    const { r: r2 } = await after({ a: [1, 2] }, { $addToSet: { a: 2 } });
    expect(r2.modifiedCount).toBe(0);
    const { doc: d3 } = await after({ a: [{ x: 1, y: 2 }] }, { $addToSet: { a: { y: 2, x: 1 } } });
    expect(d3!.a).toEqual([
      { x: 1, y: 2 },
      { y: 2, x: 1 },
    ]);
  });

  it('$pop first and last', async () => {
    const { doc } = await after({ a: [1, 2, 3], b: [1, 2, 3] }, { $pop: { a: 1, b: -1 } });
    expect(doc).toEqual({ _id: 1, a: [1, 2], b: [2, 3] });
  });

  it('$pull by value and by condition, $pullAll', async () => {
    const { doc } = await after(
      {
        a: [1, 2, 3, 2],
        b: [
          { k: 1, v: 'x' },
          { k: 2, v: 'y' },
        ],
        c: [1, 2, 3, 4],
      },
      { $pull: { a: 2, b: { k: { $gt: 1 } } }, $pullAll: { c: [1, 4] } },
    );
    expect(doc).toEqual({ _id: 1, a: [1, 3], b: [{ k: 1, v: 'x' }], c: [2, 3] });
  });

  it('$bit and / or / xor', async () => {
    const { doc } = await after(
      { a: 13, b: 3, c: 1 },
      { $bit: { a: { and: 10 }, b: { or: 5 }, c: { xor: 5 } } },
    );
    expect(doc).toEqual({ _id: 1, a: 8, b: 7, c: 4 });
  });

  it('positional $ updates the first matched element', async () => {
    const c = await one({
      items: [
        { n: 'a', q: 1 },
        { n: 'b', q: 1 },
        { n: 'b', q: 1 },
      ],
    });
    await c.updateOne({ _id: 1, 'items.n': 'b' }, { $set: { 'items.$.q': 5 } });
    expect((await c.findOne({ _id: 1 }))!.items).toEqual([
      { n: 'a', q: 1 },
      { n: 'b', q: 5 },
      { n: 'b', q: 1 },
    ]);
    const c2 = await one({ grades: [80, 85, 90] });
    await c2.updateOne({ _id: 1, grades: 85 }, { $set: { 'grades.$': 86 } });
    expect((await c2.findOne({ _id: 1 }))!.grades).toEqual([80, 86, 90]);
  });

  it('all positional $[] and filtered $[id] with arrayFilters', async () => {
    const { doc } = await after({ a: [1, 2, 3] }, { $inc: { 'a.$[]': 10 } });
    expect(doc!.a).toEqual([11, 12, 13]);
    const { doc: d2 } = await after(
      { grades: [95, 80, 100, 70] },
      { $set: { 'grades.$[g]': 0 } },
      { arrayFilters: [{ g: { $gte: 95 } }] },
    );
    expect(d2!.grades).toEqual([0, 80, 0, 70]);
    const { doc: d3 } = await after(
      {
        items: [
          { name: 'x', qty: 1, tags: ['a', 'b'] },
          { name: 'y', qty: 2, tags: ['b'] },
        ],
      },
      { $inc: { 'items.$[i].qty': 5 }, $set: { 'items.$[].tags.$[t]': 'B' } },
      { arrayFilters: [{ 'i.name': 'y' }, { t: 'b' }] },
    );
    expect(d3!.items).toEqual([
      { name: 'x', qty: 1, tags: ['a', 'B'] },
      { name: 'y', qty: 7, tags: ['B'] },
    ]);
  });

  it('an unused arrayFilters identifier fails with FailedToParse (9)', async () => {
    const c = await one({ a: [1] });
    const e = await serverError(
      c.updateOne({ _id: 1 }, { $set: { 'a.$[x]': 2 } }, { arrayFilters: [{ x: 1 }, { y: 2 }] }),
    );
    expect(e.code).toBe(9);
  });
});

describe('pipeline updates, updateMany and no-op detection', () => {
  it('pipeline update with $set/$unset stages and expressions', async () => {
    const { doc } = await after({ a: 2, b: 3, tmp: 1 }, [
      { $set: { total: { $add: ['$a', '$b'] }, s: { $concat: ['x', 'y'] } } },
      { $unset: 'tmp' },
    ]);
    expect(doc).toEqual({ _id: 1, a: 2, b: 3, total: 5, s: 'xy' });
  });

  it('updateMany counts matched and modified separately; a no-op is not modified', async () => {
    const c = t.db.collection<Doc>('many');
    await c.insertMany([
      { _id: 1, g: 1, v: 1 },
      { _id: 2, g: 1, v: 2 },
      { _id: 3, g: 1, v: 1 },
      { _id: 4, g: 2, v: 1 },
    ]);
    const r = await c.updateMany({ g: 1 }, { $set: { v: 1 } });
    expect(r).toMatchObject({
      acknowledged: true,
      matchedCount: 3,
      modifiedCount: 1,
      upsertedCount: 0,
      upsertedId: null,
    });
    const raw = await t.db.command({
      update: 'many',
      updates: [{ q: { g: 1 }, u: { $set: { v: 1 } }, multi: true }],
    });
    expect(clean(raw)).toEqual({ n: 3, nModified: 0, ok: 1 });
    const none = await c.updateOne({ g: 99 }, { $set: { v: 5 } });
    expect(none).toMatchObject({ matchedCount: 0, modifiedCount: 0 });
  });

  it('no-ops: $set same value, $unset missing, $pull absent, $inc by 0', async () => {
    for (const u of [
      { $set: { a: 1 } },
      { $unset: { zz: '' } },
      { $pull: { arr: 9 } },
      { $inc: { a: 0 } },
      { $max: { a: 0 } },
    ]) {
      const { r } = await after({ a: 1, arr: [1] }, u);
      expect(r.modifiedCount).toBe(0);
    }
    const { r } = await after({ a: 1 }, { $set: { a: 1.5 } });
    expect(r.modifiedCount).toBe(1);
  });
});

describe('numeric types survive updates', () => {
  const rawRead = { promoteValues: false } as const;

  it('$inc keeps Long, Decimal128 and double types; int32 overflow promotes to Long', async () => {
    const c = await one({
      l: Long.fromNumber(5),
      d: Decimal128.fromString('1.1'),
      i: 2147483647,
      f: new Double(1),
    });
    await c.updateOne({ _id: 1 }, { $inc: { l: 1, d: 1, i: 1, f: 1 } });
    const doc = await c.findOne({ _id: 1 }, rawRead);
    expect(doc!.l).toBeInstanceOf(Long);
    expect(doc!.l.toString()).toBe('6');
    expect(doc!.d).toBeInstanceOf(Decimal128);
    expect(doc!.d.toString()).toBe('2.1');
    expect(doc!.i).toBeInstanceOf(Long);
    expect(doc!.i.toString()).toBe('2147483648');
    expect(doc!.f).toBeInstanceOf(Double);
    expect(doc!.f.valueOf()).toBe(2);
  });

  it('$inc int32 by a double gives a double; $mul Long by int stays Long', async () => {
    const c = await one({ i: 3, l: Long.fromNumber(4) });
    await c.updateOne({ _id: 1 }, { $inc: { i: new Double(0.5) }, $mul: { l: 3 } });
    const doc = await c.findOne({ _id: 1 }, rawRead);
    expect(doc!.i).toBeInstanceOf(Double);
    expect(doc!.i.valueOf()).toBe(3.5);
    expect(doc!.l).toBeInstanceOf(Long);
    expect(doc!.l.toString()).toBe('12');
  });

  it('$inc on a Decimal128 field by a Decimal128 is exact', async () => {
    const c = await one({ bal: Decimal128.fromString('0.1') });
    await c.updateOne({ _id: 1 }, { $inc: { bal: Decimal128.fromString('0.2') } });
    const doc = await c.findOne({ _id: 1 });
    expect(doc!.bal.toString()).toBe('0.3');
  });

  it('int32 fields stay int32 after $set of another field', async () => {
    const c = await one({ i: 5 });
    await c.updateOne({ _id: 1 }, { $set: { o: 1 } });
    const doc = await c.findOne({ _id: 1 }, rawRead);
    expect(doc!.i).toBeInstanceOf(Int32);
  });
});

describe('update error codes', () => {
  it('14 TypeMismatch: $inc on a string', async () => {
    const c = await one({ name: 'x' });
    const e = await serverError(c.updateOne({ _id: 1 }, { $inc: { name: 1 } }));
    expect(e.code).toBe(14);
    expect(e.message).toMatch(/Cannot apply \$inc to a value of non-numeric type/);
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, name: 'x' });
  });

  it('14 TypeMismatch: $inc with a non-numeric argument, $pop on a non-array', async () => {
    const c = await one({ n: 1, s: 'str' });
    const e1 = await serverError(c.updateOne({ _id: 1 }, { $inc: { n: 'x' } } as never));
    expect(e1.code).toBe(14);
    const e2 = await serverError(c.updateOne({ _id: 1 }, { $pop: { s: 1 } }));
    expect(e2.code).toBe(14);
  });

  it('2 BadValue: $push / $addToSet / $pull on a non-array', async () => {
    const c = await one({ tags: 'not-an-array' });
    const e = await serverError(c.updateOne({ _id: 1 }, { $push: { tags: 'x' } } as Doc));
    expect(e.code).toBe(2);
    expect(e.message).toMatch(/must be an array but is of type string/);
    const e2 = await serverError(c.updateOne({ _id: 1 }, { $addToSet: { tags: 'x' } }));
    expect(e2.code).toBe(2);
    const e3 = await serverError(c.updateOne({ _id: 1 }, { $pull: { tags: 'x' } } as Doc));
    expect(e3.code).toBe(2);
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, tags: 'not-an-array' });
  });

  it('28 PathNotViable: $set through a scalar', async () => {
    const c = await one({ a: 1 });
    const e = await serverError(c.updateOne({ _id: 1 }, { $set: { 'a.b': 2 } }));
    expect(e.code).toBe(28);
    expect(e.message).toMatch(/Cannot create field 'b' in element \{a: 1\}/);
  });

  it('40 ConflictingUpdateOperators: two operators on one path or a parent and a child', async () => {
    const c = await one({ a: 1 });
    const e = await serverError(c.updateOne({ _id: 1 }, { $set: { a: 2 }, $inc: { a: 1 } }));
    expect(e.code).toBe(40);
    expect(e.message).toMatch(/Updating the path 'a' would create a conflict at 'a'/);
    const e2 = await serverError(c.updateOne({ _id: 1 }, { $set: { b: { c: 1 }, 'b.c': 2 } }));
    expect(e2.code).toBe(40);
  });

  it('66 ImmutableField: changing _id with $set, and a replacement with another _id', async () => {
    const c = await one({ a: 1 });
    const e = await serverError(c.updateOne({ _id: 1 }, { $set: { _id: 2 } }));
    expect(e.code).toBe(66);
    expect(e.message).toMatch(/_id/);
    // Setting _id to its current value is allowed.
    expect((await c.updateOne({ _id: 1 }, { $set: { _id: 1, b: 1 } })).modifiedCount).toBe(1);
  });

  it('9 FailedToParse: unknown update operator', async () => {
    const c = await one({ a: 1 });
    const e = await serverError(c.updateOne({ _id: 1 }, { $frobnicate: { a: 1 } } as never));
    expect(e.code).toBe(9);
    expect(e.message).toMatch(/Unknown modifier: \$frobnicate/);
  });

  it('an error in updateMany reports a writeError and leaves the failing document unchanged', async () => {
    const c = t.db.collection<Doc>('many_err');
    await c.insertMany([
      { _id: 1, v: 1 },
      { _id: 2, v: 'x' },
    ]);
    const raw = await t.db.command({
      update: 'many_err',
      updates: [{ q: { _id: 2 }, u: { $inc: { v: 1 } }, multi: true }],
    });
    expect(raw.ok).toBe(1);
    expect(raw.n).toBe(0);
    expect(raw.nModified).toBe(0);
    expect(raw.writeErrors).toHaveLength(1);
    expect(raw.writeErrors[0]).toMatchObject({ index: 0, code: 14 });
    expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2, v: 'x' });
  });
});

describe('upserts', () => {
  it('seeds from equality fields (plain, $eq, $and, dotted), not from ranges, with _id first', async () => {
    const c = t.db.collection<Doc>('ups1');
    const r = await c.updateOne(
      { email: 'a@x', age: { $gt: 5 }, k: { $eq: 3 }, $and: [{ p: 1 }, { q: 7 }], 'n.m': 'deep' },
      { $set: { x: 1 } },
      { upsert: true },
    );
    expect(r).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    const doc = await c.findOne({ _id: r.upsertedId! });
    expect(Object.keys(doc!)[0]).toBe('_id');
    expect(doc).toEqual({
      _id: r.upsertedId,
      email: 'a@x',
      k: 3,
      p: 1,
      q: 7,
      n: { m: 'deep' },
      x: 1,
    });
  });

  it('$setOnInsert applies only on insert, and upserted[] is reported', async () => {
    const c = t.db.collection<Doc>('ups2');
    const raw = await t.db.command({
      update: 'ups2',
      updates: [
        {
          q: { key: 'k' },
          u: { $set: { v: 1 }, $setOnInsert: { created: 'first' } },
          upsert: true,
        },
      ],
    });
    expect(raw.ok).toBe(1);
    expect(raw.n).toBe(1);
    expect(raw.nModified).toBe(0);
    expect(raw.upserted).toHaveLength(1);
    expect(raw.upserted[0].index).toBe(0);
    const id = raw.upserted[0]._id;
    expect(await c.findOne({ key: 'k' })).toEqual({ _id: id, key: 'k', v: 1, created: 'first' });
    const r2 = await c.updateOne(
      { key: 'k' },
      { $set: { v: 2 }, $setOnInsert: { created: 'second' } },
      { upsert: true },
    );
    expect(r2).toMatchObject({
      matchedCount: 1,
      modifiedCount: 1,
      upsertedCount: 0,
      upsertedId: null,
    });
    expect(await c.findOne({ key: 'k' })).toEqual({ _id: id, key: 'k', v: 2, created: 'first' });
  });

  it('uses the _id from the query and reports upserted indexes in a multi-statement update', async () => {
    const raw = await t.db.command({
      update: 'ups3',
      updates: [
        { q: { _id: 'a' }, u: { $set: { v: 1 } }, upsert: true },
        { q: { _id: 'a' }, u: { $set: { v: 2 } }, upsert: true },
        { q: { _id: 'b' }, u: { $inc: { v: 1 } }, upsert: true },
      ],
    });
    expect(clean(raw)).toEqual({
      n: 3,
      nModified: 1,
      upserted: [
        { index: 0, _id: 'a' },
        { index: 2, _id: 'b' },
      ],
      ok: 1,
    });
    expect(await t.db.collection('ups3').find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', v: 2 },
      { _id: 'b', v: 1 },
    ]);
  });

  it('replacement upsert keeps the query _id', async () => {
    const c = t.db.collection<Doc>('ups4');
    const r = await c.replaceOne({ _id: 7 }, { name: 'seven' }, { upsert: true });
    expect(r.upsertedId).toBe(7);
    expect(await c.findOne({ _id: 7 })).toEqual({ _id: 7, name: 'seven' });
  });

  it('pipeline upsert seeds from the query', async () => {
    const c = t.db.collection<Doc>('ups5');
    const r = await c.updateOne({ k: 1 }, [{ $set: { doubled: { $multiply: ['$k', 2] } } }], {
      upsert: true,
    });
    expect(r.upsertedCount).toBe(1);
    expect(await c.findOne({ k: 1 }, { projection: { _id: 0 } })).toEqual({ k: 1, doubled: 2 });
  });

  it('concurrent upserts on a unique key all succeed and create one document', async () => {
    const c = t.db.collection<Doc>('ups_race');
    await c.createIndex({ key: 1 }, { unique: true });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        c.updateOne({ key: 'same' }, { $inc: { hits: 1 } }, { upsert: true }),
      ),
    );
    expect(results.filter((r) => r.upsertedCount === 1)).toHaveLength(1);
    expect(await c.countDocuments({ key: 'same' })).toBe(1);
    expect((await c.findOne({ key: 'same' }))!.hits).toBe(20);
  });
});
