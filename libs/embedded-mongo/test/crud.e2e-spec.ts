/**
 * CRUD: insert (_id generation and placement, invalid _id, ordered/unordered), find (filter,
 * sort, skip, limit, projection), delete, replace, and the raw reply shapes.
 */
import { Binary, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { MongoBulkWriteError } from 'mongodb';
import { clean, serverError, setupSuite } from './harness';
import type { Doc } from './harness';

const t = setupSuite(__filename);

describe('insert', () => {
  it('generates a missing _id server-side as an ObjectId placed first', async () => {
    const r = await t.db.command({ insert: 'gen', documents: [{ a: 1, b: 'x' }] });
    expect(clean(r)).toEqual({ n: 1, ok: 1 });
    const [doc] = await t.db.collection('gen').find({ a: 1 }).toArray();
    expect(doc._id).toBeInstanceOf(ObjectId);
    expect(Object.keys(doc)).toEqual(['_id', 'a', 'b']);
  });

  it('moves a supplied _id to the front', async () => {
    await t.db.command({ insert: 'front', documents: [{ a: 1, _id: 7, z: 2 }] });
    const doc = await t.db.collection('front').findOne({ _id: 7 as never });
    expect(Object.keys(doc!)).toEqual(['_id', 'a', 'z']);
  });

  it('rejects an array _id and a regex _id with BadValue', async () => {
    const arr = await t.db.command({ insert: 'badid', documents: [{ _id: [1, 2] }] });
    expect(arr.n).toBe(0);
    expect(arr.writeErrors).toHaveLength(1);
    expect(arr.writeErrors[0]).toMatchObject({ index: 0, code: 2 });
    expect(arr.writeErrors[0].errmsg).toMatch(/can't use an array for _id/);
    const rx = await t.db.command({ insert: 'badid', documents: [{ _id: /x/ }] });
    expect(rx.writeErrors[0]).toMatchObject({ index: 0, code: 2 });
    expect(rx.writeErrors[0].errmsg).toMatch(/can't use a regex for _id/);
    expect(await t.db.collection('badid').countDocuments()).toBe(0);
  });

  it('an ordered insert stops at the first error, an unordered one continues', async () => {
    const c = t.db.collection<Doc>('ordered');
    const e1 = await serverError(c.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }]));
    expect(e1).toBeInstanceOf(MongoBulkWriteError);
    const b1 = e1 as unknown as MongoBulkWriteError;
    expect(b1.insertedCount).toBe(1);
    expect(b1.writeErrors).toHaveLength(1);
    expect((b1.writeErrors as unknown as { index: number; code: number }[])[0]).toMatchObject({
      index: 1,
      code: 11000,
    });
    expect(await c.countDocuments()).toBe(1);

    const c2 = t.db.collection<Doc>('unordered');
    const e2 = await serverError(
      c2.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }, { _id: 2 }, { _id: 3 }], {
        ordered: false,
      }),
    );
    const b2 = e2 as unknown as MongoBulkWriteError;
    expect(b2.insertedCount).toBe(3);
    expect((b2.writeErrors as unknown as { index: number }[]).map((w) => w.index)).toEqual([1, 3]);
    expect((await c2.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([1, 2, 3]);
  });

  it('raw insert reply: n and writeErrors with index/code/errmsg', async () => {
    const r = await t.db.command({
      insert: 'rawins',
      documents: [{ _id: 1 }, { _id: 2 }, { _id: 1 }, { _id: 3 }],
      ordered: false,
    });
    expect(r.ok).toBe(1);
    expect(r.n).toBe(3);
    expect(r.writeErrors).toHaveLength(1);
    expect(r.writeErrors[0]).toMatchObject({ index: 2, code: 11000 });
    expect(typeof r.writeErrors[0].errmsg).toBe('string');
  });

  it('auto-creates the collection on first insert', async () => {
    await t.db.collection('autocreated').insertOne({ a: 1 });
    const names = (await t.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toContain('autocreated');
  });
});

describe('find', () => {
  const docs = [
    {
      _id: 1,
      name: 'ann',
      age: 30,
      city: 'Kyiv',
      tags: ['a', 'b'],
      address: { zip: '01001', street: 'Khreshchatyk' },
      scores: [5, 9, 1],
    },
    {
      _id: 2,
      name: 'bob',
      age: 25,
      city: 'Lviv',
      tags: ['b'],
      address: { zip: '79000', street: 'Rynok' },
      scores: [7],
    },
    {
      _id: 3,
      name: 'cat',
      age: 35,
      city: 'Kyiv',
      tags: [],
      address: { zip: '01002', street: 'Lesi' },
      scores: [2, 3],
    },
    { _id: 4, name: 'dan', age: 25, city: 'Odesa', tags: ['c', 'a'], scores: [] },
    {
      _id: 5,
      name: 'eve',
      age: null,
      city: 'Lviv',
      tags: ['a'],
      items: [
        { sku: 'x', qty: 1 },
        { sku: 'y', qty: 5 },
      ],
    },
    { _id: 6, name: 'Fay', city: 'kyiv', items: [{ sku: 'y', qty: 2 }] },
  ];
  const c = () => t.db.collection<Doc>('people');
  const ids = (arr: { _id?: unknown }[]) => arr.map((d) => d._id);

  beforeAll(async () => {
    await c().insertMany(docs as never[]);
  });

  it('filters with comparison, logical, element, array and evaluation operators', async () => {
    expect(
      ids(
        await c()
          .find({ age: { $gte: 30 } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3]);
    expect(
      ids(
        await c()
          .find({ city: { $in: ['Lviv', 'Odesa'] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 4, 5]);
    expect(
      ids(
        await c()
          .find({ city: { $nin: ['Lviv', 'Odesa'] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3, 6]);
    expect(ids(await c().find({ age: null }).sort({ _id: 1 }).toArray())).toEqual([5, 6]);
    expect(
      ids(
        await c()
          .find({ age: { $exists: false } })
          .toArray(),
      ),
    ).toEqual([6]);
    expect(
      ids(
        await c()
          .find({ $or: [{ age: 25 }, { name: 'cat' }] })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 3, 4]);
    expect(
      ids(
        await c()
          .find({ $and: [{ city: 'Kyiv' }, { age: { $lt: 33 } }] })
          .toArray(),
      ),
    ).toEqual([1]);
    expect(
      ids(
        await c()
          .find({ $nor: [{ city: 'Kyiv' }, { city: 'Lviv' }] })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([4, 6]);
    expect(
      ids(
        await c()
          .find({ age: { $not: { $gt: 26 } } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 4, 5, 6]);
    expect(ids(await c().find({ tags: 'a' }).sort({ _id: 1 }).toArray())).toEqual([1, 4, 5]);
    expect(
      ids(
        await c()
          .find({ tags: { $all: ['a', 'b'] } })
          .toArray(),
      ),
    ).toEqual([1]);
    expect(
      ids(
        await c()
          .find({ tags: { $size: 0 } })
          .toArray(),
      ),
    ).toEqual([3]);
    expect(
      ids(
        await c()
          .find({ items: { $elemMatch: { sku: 'y', qty: { $gt: 3 } } } })
          .toArray(),
      ),
    ).toEqual([5]);
    expect(ids(await c().find({ 'items.sku': 'y' }).sort({ _id: 1 }).toArray())).toEqual([5, 6]);
    expect(
      ids(
        await c()
          .find({ 'address.zip': { $regex: '^01' } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3]);
    expect(ids(await c().find({ name: /^F/i }).toArray())).toEqual([6]);
    expect(
      ids(
        await c()
          .find({ $expr: { $gt: [{ $size: { $ifNull: ['$scores', []] } }, 1] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3]);
    expect(
      ids(
        await c()
          .find({ age: { $mod: [10, 5] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 3, 4]);
    expect(
      ids(
        await c()
          .find({ 'scores.1': { $exists: true } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3]);
    expect(
      ids(
        await c()
          .find({ scores: { $gt: 8 } })
          .toArray(),
      ),
    ).toEqual([1]);
  });

  it('rejects an unknown query operator with BadValue', async () => {
    const e = await serverError(
      c()
        .find({ age: { $foo: 1 } })
        .toArray(),
    );
    expect(e.code).toBe(2);
    expect(e.codeName).toBe('BadValue');
    expect(e.message).toMatch(/unknown operator: \$foo/);
  });

  it('sorts by several keys, skips and limits', async () => {
    const r = await c()
      .find({}, { projection: { _id: 1 } })
      .sort({ age: -1, name: 1 })
      .toArray();
    // age desc: 35, 30, 25 (bob, dan), then null/missing (eve, Fay by name: 'Fay' < 'eve' in binary order)
    expect(ids(r)).toEqual([3, 1, 2, 4, 6, 5]);
    expect(ids(await c().find().sort({ _id: 1 }).skip(2).limit(2).toArray())).toEqual([3, 4]);
    expect(ids(await c().find().sort({ _id: -1 }).limit(-2).toArray())).toEqual([6, 5]);
  });

  it('sorts array fields by their minimum ascending and maximum descending', async () => {
    const asc = await c()
      .find({ scores: { $exists: true, $ne: [] } })
      .sort({ scores: 1 })
      .toArray();
    expect(ids(asc)).toEqual([1, 3, 2]); // mins 1, 2, 7
    const desc = await c()
      .find({ scores: { $exists: true, $ne: [] } })
      .sort({ scores: -1 })
      .toArray();
    expect(ids(desc)).toEqual([1, 2, 3]); // maxes 9, 7, 3
  });

  it('sorts mixed types in BSON order', async () => {
    const m = t.db.collection<Doc>('mixed');
    await m.insertMany([
      { _id: 1, v: 'str' },
      { _id: 2, v: 10 },
      { _id: 3, v: null },
      { _id: 4 },
      { _id: 5, v: { o: 1 } },
      { _id: 6, v: new ObjectId('0000000000000000000000aa') },
      { _id: 7, v: true },
      { _id: 8, v: new Date(0) },
      { _id: 9, v: new Binary(Buffer.from('x')) },
      { _id: 10, v: new MinKey() },
      { _id: 11, v: new MaxKey() },
      { _id: 12, v: new Timestamp({ t: 1, i: 1 }) },
      { _id: 13, v: /re/ },
      { _id: 14, v: -Infinity },
      { _id: 15, v: Long.fromNumber(3) },
    ]);
    const asc = await m.find().sort({ v: 1, _id: 1 }).toArray();
    expect(ids(asc)).toEqual([10, 3, 4, 14, 15, 2, 1, 5, 9, 6, 7, 8, 12, 13, 11]);
  });

  it('sorts with a case-insensitive collation', async () => {
    const r = await c()
      .find({ city: { $in: ['Kyiv', 'kyiv'] } }, { projection: { name: 1 } })
      .sort({ name: 1 })
      .collation({ locale: 'en', strength: 2 })
      .toArray();
    expect(r.map((d) => d.name)).toEqual(['ann', 'cat', 'Fay']);
    const binary = await c()
      .find({ city: { $in: ['Kyiv', 'kyiv'] } })
      .sort({ name: 1 })
      .toArray();
    expect(binary.map((d) => d.name)).toEqual(['Fay', 'ann', 'cat']);
  });

  it('projects: inclusion, exclusion, _id:0, nested, $slice, $elemMatch, positional', async () => {
    expect(await c().findOne({ _id: 1 }, { projection: { name: 1 } })).toEqual({
      _id: 1,
      name: 'ann',
    });
    expect(await c().findOne({ _id: 1 }, { projection: { name: 1, _id: 0 } })).toEqual({
      name: 'ann',
    });
    const ex = await c().findOne({ _id: 2 }, { projection: { tags: 0, address: 0, scores: 0 } });
    expect(ex).toEqual({ _id: 2, name: 'bob', age: 25, city: 'Lviv' });
    expect(await c().findOne({ _id: 1 }, { projection: { 'address.zip': 1, _id: 0 } })).toEqual({
      address: { zip: '01001' },
    });
    expect(
      await c().findOne({ _id: 1 }, { projection: { scores: { $slice: 2 }, _id: 0, name: 1 } }),
    ).toEqual({ name: 'ann', scores: [5, 9] });
    expect(
      await c().findOne({ _id: 1 }, { projection: { scores: { $slice: -1 }, name: 1 } }),
    ).toMatchObject({ scores: [1] });
    expect(
      await c().findOne({ _id: 5 }, { projection: { items: { $elemMatch: { qty: { $gt: 2 } } } } }),
    ).toEqual({
      _id: 5,
      items: [{ sku: 'y', qty: 5 }],
    });
    expect(
      await c().findOne({ _id: 5, 'items.sku': 'y' }, { projection: { 'items.$': 1 } }),
    ).toEqual({
      _id: 5,
      items: [{ sku: 'y', qty: 5 }],
    });
    expect(
      await c().findOne(
        { _id: 2 },
        { projection: { label: { $concat: ['$name', '@', '$city'] } } },
      ),
    ).toEqual({
      _id: 2,
      label: 'bob@Lviv',
    });
    // Field order follows the stored document, not the projection.
    expect(
      Object.keys((await c().findOne({ _id: 1 }, { projection: { city: 1, name: 1 } }))!),
    ).toEqual(['_id', 'name', 'city']);
  });

  it('raw find reply shape: cursor {firstBatch, id: Long 0, ns}', async () => {
    const r = await t.db.command(
      { find: 'people', filter: { city: 'Lviv' }, sort: { _id: 1 } },
      { promoteLongs: false },
    );
    expect(r.ok).toBe(1);
    expect(r.cursor.ns).toBe(`${t.dbName}.people`);
    expect(r.cursor.id).toBeInstanceOf(Long);
    expect(r.cursor.id.isZero()).toBe(true);
    expect(r.cursor.firstBatch.map((d: { _id: number }) => d._id)).toEqual([2, 5]);
  });

  it('find on a missing collection returns an empty exhausted cursor', async () => {
    const r = await t.db.command({ find: 'does_not_exist', filter: {} }, { promoteLongs: false });
    expect(r.ok).toBe(1);
    expect(r.cursor.firstBatch).toEqual([]);
    expect(r.cursor.id.isZero()).toBe(true);
    expect(r.cursor.ns).toBe(`${t.dbName}.does_not_exist`);
  });
});

describe('delete and replace', () => {
  const c = () => t.db.collection<Doc>('del');
  beforeEach(async () => {
    await c().deleteMany({});
    await c().insertMany([
      { _id: 1, g: 'a' },
      { _id: 2, g: 'a' },
      { _id: 3, g: 'b' },
    ]);
  });

  it('deleteOne removes one (limit 1), deleteMany all matching (limit 0)', async () => {
    expect((await c().deleteOne({ g: 'a' })).deletedCount).toBe(1);
    expect(await c().countDocuments({ g: 'a' })).toBe(1);
    expect((await c().deleteMany({})).deletedCount).toBe(2);
    const raw = await t.db.command({ delete: 'del', deletes: [{ q: {}, limit: 0 }] });
    expect(clean(raw)).toEqual({ n: 0, ok: 1 });
  });

  it('raw delete with two statements reports the total n', async () => {
    const r = await t.db.command({
      delete: 'del',
      deletes: [
        { q: { g: 'a' }, limit: 1 },
        { q: { g: 'b' }, limit: 0 },
      ],
    });
    expect(clean(r)).toEqual({ n: 2, ok: 1 });
  });

  it('deleting on a missing collection is n: 0', async () => {
    const r = await t.db.command({ delete: 'no_such_coll', deletes: [{ q: {}, limit: 0 }] });
    expect(clean(r)).toEqual({ n: 0, ok: 1 });
  });

  it('replaceOne keeps _id and replaces the whole body', async () => {
    const r = await c().replaceOne({ _id: 1 }, { g: 'z', v: 1 });
    expect(r).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await c().findOne({ _id: 1 })).toEqual({ _id: 1, g: 'z', v: 1 });
    const e = await serverError(c().replaceOne({ _id: 2 }, { _id: 99, g: 'q' } as never));
    expect(e.code).toBe(66); // a write error: no codeName in MongoDB's writeErrors
  });
});
