/**
 * Aggregation: $match/$group/$sort/$project/$lookup (both forms)/$unwind/$facet/$count of
 * nothing/$out/$merge/$toString of _id/database-level $documents; countDocuments,
 * estimatedDocumentCount, distinct; BSON types inside pipelines; stored data is not mutated.
 */
import { Decimal128, Long, ObjectId } from 'bson';
import type { Document } from 'mongodb';
import { serverError, setupSuite } from './harness';
import type { Doc } from './harness';

const t = setupSuite(__filename);

const orders = () => t.db.collection<Doc>('orders');
const users = () => t.db.collection<Doc>('users');
const u1 = new ObjectId('65a000000000000000000001');
const u2 = new ObjectId('65a000000000000000000002');
const u3 = new ObjectId('65a000000000000000000003');

beforeAll(async () => {
  await users().insertMany([
    { _id: u1, name: 'ann', city: 'Kyiv', friends: [u2, u3] },
    { _id: u2, name: 'bob', city: 'Lviv', friends: [] },
    { _id: u3, name: 'cat', city: 'Kyiv' },
  ]);
  await orders().insertMany([
    {
      _id: 1,
      user: u1,
      item: 'tea',
      qty: 2,
      price: 3.5,
      tags: ['hot', 'drink'],
      at: new Date('2024-01-01T10:00:00Z'),
    },
    {
      _id: 2,
      user: u1,
      item: 'cake',
      qty: 1,
      price: 10,
      tags: ['sweet'],
      at: new Date('2024-01-02T10:00:00Z'),
    },
    {
      _id: 3,
      user: u2,
      item: 'tea',
      qty: 5,
      price: 3.5,
      tags: [],
      at: new Date('2024-02-01T10:00:00Z'),
    },
    { _id: 4, user: u2, item: 'coffee', qty: 1, price: 4, at: new Date('2024-02-03T10:00:00Z') },
    {
      _id: 5,
      user: u3,
      item: 'tea',
      qty: 1,
      price: 3.5,
      tags: ['hot'],
      at: new Date('2024-03-01T10:00:00Z'),
    },
  ]);
});

describe('core stages', () => {
  it('$match + $group (accumulators) + $sort', async () => {
    const r = await orders()
      .aggregate([
        { $match: { qty: { $gte: 1 } } },
        {
          $group: {
            _id: '$item',
            n: { $sum: 1 },
            qty: { $sum: '$qty' },
            revenue: { $sum: { $multiply: ['$qty', '$price'] } },
            avgQty: { $avg: '$qty' },
            minQty: { $min: '$qty' },
            maxQty: { $max: '$qty' },
            firstId: { $first: '$_id' },
            lastId: { $last: '$_id' },
            ids: { $push: '$_id' },
            users: { $addToSet: '$user' },
          },
        },
        { $sort: { qty: -1, _id: 1 } },
      ])
      .toArray();
    expect(r.map((g) => g._id)).toEqual(['tea', 'cake', 'coffee']);
    const tea = r[0];
    expect(tea).toMatchObject({
      n: 3,
      qty: 8,
      revenue: 28,
      minQty: 1,
      maxQty: 5,
      firstId: 1,
      lastId: 5,
      ids: [1, 3, 5],
    });
    expect(tea.avgQty).toBeCloseTo(8 / 3);
    expect(tea.users).toHaveLength(3);
  });

  it('$group with _id null and compound _id; $project, $addFields, $limit, $skip', async () => {
    const all = await orders()
      .aggregate([{ $group: { _id: null, total: { $sum: '$qty' }, count: { $count: {} } } }])
      .toArray();
    expect(all).toEqual([{ _id: null, total: 10, count: 5 }]);
    const byMonth = await orders()
      .aggregate([
        { $group: { _id: { m: { $month: '$at' }, item: '$item' }, n: { $sum: 1 } } },
        { $sort: { '_id.m': 1, '_id.item': 1 } },
        { $skip: 1 },
        { $limit: 2 },
        { $project: { _id: 0, month: '$_id.m', item: '$_id.item', n: 1 } },
      ])
      .toArray();
    expect(byMonth).toEqual([
      { n: 1, month: 1, item: 'tea' },
      { n: 1, month: 2, item: 'coffee' },
    ]);
    const added = await orders()
      .aggregate([
        { $match: { _id: 2 } },
        { $addFields: { total: { $multiply: ['$qty', '$price'] } } },
        { $project: { total: 1 } },
      ])
      .toArray();
    expect(added).toEqual([{ _id: 2, total: 10 }]);
  });

  it('$unwind: plain, includeArrayIndex, preserveNullAndEmptyArrays', async () => {
    const plain = await orders()
      .aggregate([{ $unwind: '$tags' }, { $project: { tags: 1 } }, { $sort: { _id: 1, tags: 1 } }])
      .toArray();
    expect(plain).toEqual([
      { _id: 1, tags: 'drink' },
      { _id: 1, tags: 'hot' },
      { _id: 2, tags: 'sweet' },
      { _id: 5, tags: 'hot' },
    ]);
    const full = await orders()
      .aggregate([
        { $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } },
        { $project: { tags: 1, i: 1 } },
        { $sort: { _id: 1, i: 1 } },
      ])
      .toArray();
    expect(full).toEqual([
      { _id: 1, tags: 'hot', i: 0 },
      { _id: 1, tags: 'drink', i: 1 },
      { _id: 2, tags: 'sweet', i: 0 },
      { _id: 3, i: null },
      { _id: 4, i: null },
      { _id: 5, tags: 'hot', i: 0 },
    ]);
  });

  it('$lookup with localField/foreignField, including an array localField', async () => {
    const r = await users()
      .aggregate([
        { $match: { _id: u1 } },
        { $lookup: { from: 'orders', localField: '_id', foreignField: 'user', as: 'orders' } },
        {
          $lookup: { from: 'users', localField: 'friends', foreignField: '_id', as: 'friendDocs' },
        },
        { $project: { orderIds: '$orders._id', friendNames: '$friendDocs.name' } },
      ])
      .toArray();
    expect(r).toHaveLength(1);
    expect([...r[0].orderIds].sort()).toEqual([1, 2]);
    expect([...r[0].friendNames].sort()).toEqual(['bob', 'cat']);
  });

  it('$lookup with let + pipeline, and the combined form', async () => {
    const r = await users()
      .aggregate([
        { $sort: { name: 1 } },
        {
          $lookup: {
            from: 'orders',
            let: { uid: '$_id' },
            pipeline: [
              {
                $match: {
                  $expr: { $and: [{ $eq: ['$user', '$$uid'] }, { $eq: ['$item', 'tea'] }] },
                },
              },
              { $project: { _id: 0, qty: 1 } },
            ],
            as: 'teas',
          },
        },
        { $project: { _id: 0, name: 1, teas: 1 } },
      ])
      .toArray();
    expect(r).toEqual([
      { name: 'ann', teas: [{ qty: 2 }] },
      { name: 'bob', teas: [{ qty: 5 }] },
      { name: 'cat', teas: [{ qty: 1 }] },
    ]);
    const combined = await users()
      .aggregate([
        { $match: { _id: u2 } },
        {
          $lookup: {
            from: 'orders',
            localField: '_id',
            foreignField: 'user',
            let: { min: 2 },
            pipeline: [{ $match: { $expr: { $gte: ['$qty', '$$min'] } } }],
            as: 'big',
          },
        },
      ])
      .toArray();
    expect(combined[0].big.map((o: Document) => o._id)).toEqual([3]);
  });

  it('$facet, $sortByCount, $bucket', async () => {
    const [f] = await orders()
      .aggregate([
        {
          $facet: {
            byItem: [{ $sortByCount: '$item' }],
            cheap: [{ $match: { price: { $lt: 4 } } }, { $count: 'n' }],
            none: [{ $match: { price: { $gt: 1000 } } }, { $count: 'n' }],
            buckets: [
              {
                $bucket: {
                  groupBy: '$qty',
                  boundaries: [0, 2, 10],
                  default: 'other',
                  output: { c: { $sum: 1 } },
                },
              },
            ],
          },
        },
      ])
      .toArray();
    expect(f.byItem[0]).toEqual({ _id: 'tea', count: 3 });
    expect(f.cheap).toEqual([{ n: 3 }]);
    expect(f.none).toEqual([]);
    expect(f.buckets).toEqual([
      { _id: 0, c: 3 },
      { _id: 2, c: 2 },
    ]);
  });

  it('$count of nothing returns no document', async () => {
    expect(
      await orders()
        .aggregate([{ $match: { item: 'none' } }, { $count: 'n' }])
        .toArray(),
    ).toEqual([]);
    expect(
      await t.db
        .collection('empty_agg')
        .aggregate([{ $count: 'n' }])
        .toArray(),
    ).toEqual([]);
    expect(
      await orders()
        .aggregate([{ $count: 'n' }])
        .toArray(),
    ).toEqual([{ n: 5 }]);
  });

  it('$toString of _id (ObjectId) and other conversions', async () => {
    const r = await users()
      .aggregate([
        { $match: { _id: u1 } },
        {
          $project: {
            _id: 0,
            id: { $toString: '$_id' },
            back: { $toObjectId: { $toString: '$_id' } },
            t: { $type: '$_id' },
          },
        },
      ])
      .toArray();
    expect(r).toEqual([{ id: u1.toHexString(), back: u1, t: 'objectId' }]);
  });

  it('$replaceRoot, $unionWith, $sample size', async () => {
    const rr = await orders()
      .aggregate([
        { $match: { _id: 1 } },
        { $replaceRoot: { newRoot: { item: '$item', q: '$qty' } } },
      ])
      .toArray();
    expect(rr).toEqual([{ item: 'tea', q: 2 }]);
    const union = await users()
      .aggregate([
        { $project: { _id: 0, n: '$name' } },
        { $unionWith: { coll: 'orders', pipeline: [{ $project: { _id: 0, n: '$item' } }] } },
      ])
      .toArray();
    expect(union).toHaveLength(8);
    expect(
      await orders()
        .aggregate([{ $sample: { size: 2 } }])
        .toArray(),
    ).toHaveLength(2);
  });

  it('an unknown stage fails with 40324', async () => {
    const e = await serverError(
      orders()
        .aggregate([{ $frobnicate: {} }])
        .toArray(),
    );
    expect(e.code).toBe(40324);
    expect(e.message).toMatch(/Unrecognized pipeline stage name: '\$frobnicate'/);
  });

  it('allowDiskUse is accepted; cursor batchSize 0 gives an empty first batch', async () => {
    expect(
      await orders()
        .aggregate([{ $sort: { qty: 1 } }], { allowDiskUse: true })
        .toArray(),
    ).toHaveLength(5);
    const r = await t.db.command({ aggregate: 'orders', pipeline: [], cursor: { batchSize: 0 } });
    expect(r.cursor.firstBatch).toEqual([]);
    expect(r.cursor.ns).toBe(`${t.dbName}.orders`);
  });

  it('pipeline stages do not mutate stored documents', async () => {
    const c = t.db.collection<Doc>('mut');
    await c.insertOne({ _id: 1, a: { b: 1, c: [1, 2] } });
    await c
      .aggregate([
        { $addFields: { 'a.b': 99, 'a.x': 1 } },
        { $unwind: '$a.c' },
        { $set: { 'a.c': 0 } },
      ])
      .toArray();
    await users()
      .aggregate([{ $lookup: { from: 'mut', pipeline: [{ $addFields: { 'a.b': 7 } }], as: 'm' } }])
      .toArray();
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: { b: 1, c: [1, 2] } });
  });
});

describe('$out and $merge', () => {
  it('$out replaces the target collection', async () => {
    await t.db.collection('out_target').insertOne({ stale: true });
    const r = await orders()
      .aggregate([{ $match: { item: 'tea' } }, { $project: { qty: 1 } }, { $out: 'out_target' }])
      .toArray();
    expect(r).toEqual([]);
    expect(await t.db.collection('out_target').find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, qty: 2 },
      { _id: 3, qty: 5 },
      { _id: 5, qty: 1 },
    ]);
  });

  it('$merge with whenMatched merge / whenNotMatched insert', async () => {
    const target = t.db.collection<Doc>('merge_target');
    await target.insertMany([
      { _id: 'tea', note: 'keep' },
      { _id: 'old', note: 'untouched' },
    ]);
    await orders()
      .aggregate([
        { $group: { _id: '$item', qty: { $sum: '$qty' } } },
        {
          $merge: {
            into: 'merge_target',
            on: '_id',
            whenMatched: 'merge',
            whenNotMatched: 'insert',
          },
        },
      ])
      .toArray();
    expect(await target.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'cake', qty: 1 },
      { _id: 'coffee', qty: 1 },
      { _id: 'old', note: 'untouched' },
      { _id: 'tea', note: 'keep', qty: 8 },
    ]);
  });
});

describe('database-level aggregate', () => {
  it('$documents at the database level with ns db.$cmd.aggregate', async () => {
    const r = await t.db.command({
      aggregate: 1,
      pipeline: [{ $documents: [{ x: 1 }, { x: 2 }, { x: 3 }] }, { $match: { x: { $gte: 2 } } }],
      cursor: {},
    });
    expect(r.ok).toBe(1);
    expect(r.cursor.ns).toBe(`${t.dbName}.$cmd.aggregate`);
    expect(r.cursor.firstBatch).toEqual([{ x: 2 }, { x: 3 }]);
    const viaDriver = await t.db
      .aggregate([{ $documents: [{ a: 'x' }] }, { $set: { b: { $toUpper: '$a' } } }])
      .toArray();
    expect(viaDriver).toEqual([{ a: 'x', b: 'X' }]);
  });
});

describe('counts and distinct', () => {
  it('countDocuments (sent as aggregate) with filter, skip and limit', async () => {
    expect(await orders().countDocuments()).toBe(5);
    expect(await orders().countDocuments({ item: 'tea' })).toBe(3);
    expect(await orders().countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await orders().countDocuments({ item: 'nothing' })).toBe(0);
    expect(await t.db.collection('no_such').countDocuments()).toBe(0);
  });

  it('estimatedDocumentCount (sent as count) and the raw count command', async () => {
    expect(await orders().estimatedDocumentCount()).toBe(5);
    const r = await t.db.command({ count: 'orders', query: { item: 'tea' } });
    expect(r).toMatchObject({ n: 3, ok: 1 });
    expect((await t.db.command({ count: 'orders', query: {}, skip: 4, limit: 10 })).n).toBe(1);
    expect((await t.db.command({ count: 'no_such_coll' })).n).toBe(0);
  });

  it('distinct flattens arrays, skips missing values, merges equal numbers of different types', async () => {
    expect((await orders().distinct('item')).sort()).toEqual(['cake', 'coffee', 'tea']);
    expect((await orders().distinct('tags')).sort()).toEqual(['drink', 'hot', 'sweet']);
    expect(await orders().distinct('item', { qty: { $gt: 1 } })).toEqual(['tea']);
    const n = t.db.collection<Doc>('nums');
    await n.insertMany([
      { v: 1 },
      { v: Long.fromNumber(1) },
      { v: 1.0 },
      { v: Decimal128.fromString('1') },
      { v: 2 },
      {},
      { v: null },
    ]);
    const values = await n.distinct('v');
    expect(
      values
        .filter((x) => x !== null)
        .map(Number)
        .sort(),
    ).toEqual([1, 2]);
    expect(values.filter((x) => x === null)).toHaveLength(1);
    expect(await t.db.collection('no_such').distinct('x')).toEqual([]);
  });
});

describe('BSON types in pipelines', () => {
  it('Decimal128 and Long arithmetic and comparison', async () => {
    const c = t.db.collection<Doc>('money');
    await c.insertMany([
      { _id: 1, bal: Decimal128.fromString('12.345'), n: Long.fromNumber(10) },
      { _id: 2, bal: Decimal128.fromString('0.1'), n: Long.fromNumber(20) },
      { _id: 3, bal: Decimal128.fromString('0.2'), n: 5 },
    ]);
    const gt = await c.aggregate([{ $match: { bal: { $gt: 9 } } }]).toArray();
    expect(gt.map((d) => d._id)).toEqual([1]);
    const [sum] = await c
      .aggregate([{ $group: { _id: null, bal: { $sum: '$bal' }, n: { $sum: '$n' } } }])
      .toArray();
    expect(sum.bal).toBeInstanceOf(Decimal128);
    expect(sum.bal.toString()).toBe('12.645');
    expect(Number(sum.n)).toBe(35);
    const [calc] = await c
      .aggregate([
        { $match: { _id: 2 } },
        {
          $project: { plus: { $add: ['$bal', '$n'] }, t1: { $type: '$bal' }, t2: { $type: '$n' } },
        },
      ])
      .toArray();
    expect(calc.plus).toBeInstanceOf(Decimal128);
    expect(calc.plus.toString()).toBe('20.1');
    expect(calc.t1).toBe('decimal');
    expect(calc.t2).toBe('long');
  });

  it('$type names in expressions', async () => {
    const [r] = await t.db
      .aggregate([
        {
          $documents: [
            { i: 1, d: 1.5, s: 's', o: {}, a: [], b: true, n: null, dt: new Date(0), id: u1 },
          ],
        },
        {
          $project: {
            i: { $type: '$i' },
            d: { $type: '$d' },
            s: { $type: '$s' },
            o: { $type: '$o' },
            a: { $type: '$a' },
            b: { $type: '$b' },
            n: { $type: '$n' },
            dt: { $type: '$dt' },
            id: { $type: '$id' },
            m: { $type: '$missing' },
          },
        },
      ])
      .toArray();
    expect(r).toEqual({
      i: 'int',
      d: 'double',
      s: 'string',
      o: 'object',
      a: 'array',
      b: 'bool',
      n: 'null',
      dt: 'date',
      id: 'objectId',
      m: 'missing',
    });
  });

  it('date expressions', async () => {
    const [r] = await orders()
      .aggregate([
        { $match: { _id: 3 } },
        {
          $project: {
            _id: 0,
            s: { $dateToString: { date: '$at', format: '%Y-%m-%d' } },
            y: { $year: '$at' },
            tr: { $dateTrunc: { date: '$at', unit: 'month' } },
          },
        },
      ])
      .toArray();
    expect(r).toEqual({ s: '2024-02-01', y: 2024, tr: new Date('2024-02-01T00:00:00Z') });
  });
});
