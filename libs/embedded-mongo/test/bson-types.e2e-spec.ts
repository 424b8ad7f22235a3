/**
 * BSON fidelity: byte-exact round trips of every type the driver sends, field order, empty
 * keys; numeric equality and ordering across int32, double, int64 and Decimal128; $type
 * queries by name and number.
 */
import {
  Binary,
  BSON,
  BSONRegExp,
  Code,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
} from 'bson';
import type { Document } from 'mongodb';
import { setupSuite } from './harness';
import type { Doc } from './harness';

const t = setupSuite(__filename);

const sample: Document = {
  _id: new ObjectId('65a1b2c3d4e5f60718293a4b'),
  int32: 5,
  int32neg: -2147483648,
  long: Long.fromString('9007199254740993'),
  longSmall: Long.fromNumber(5),
  double: new Double(5),
  doubleFrac: 0.1,
  negZero: new Double(-0),
  nan: NaN,
  inf: Infinity,
  dec: Decimal128.fromString('1234567890.123456789012345678901234'),
  decNeg: Decimal128.fromString('-0.00'),
  str: 'Київ — ✓ 🇺🇦',
  emptyStr: '',
  bool: true,
  nul: null,
  date: new Date('2024-02-24T04:00:00.123Z'),
  dateOld: new Date(-1e12),
  bin: new Binary(Buffer.from([0, 1, 2, 255]), 0),
  binOld: new Binary(Buffer.from('abc'), 2),
  uuid: new UUID('3b241101-e2bb-4255-8caf-4136c566a962'),
  md5: new Binary(Buffer.alloc(16, 7), 5),
  userBin: new Binary(Buffer.from('u'), 0x80),
  ts: new Timestamp({ t: 1700000000, i: 7 }),
  re: new BSONRegExp('^a.c$', 'im'),
  minKey: new MinKey(),
  maxKey: new MaxKey(),
  code: new Code('function () { return 1; }'),
  nested: { z: 1, a: { y: [1, { b: 2, a: 1 }], x: null }, m: [] },
  arr: [1, 'two', 3.5, [4], { five: 5 }],
  '': 'empty key',
  emptyObj: {},
};

describe('round trips', () => {
  it('a document comes back byte-for-byte identical (types and field order)', async () => {
    const c = t.db.collection<Doc>('rt');
    await c.insertOne(sample);
    const raw = await c.findOne({ _id: sample._id }, { raw: true } as never);
    const original = Buffer.from(BSON.serialize(sample));
    const back = Buffer.from(raw as unknown as Uint8Array);
    if (!original.equals(back)) {
      // Show a readable difference before failing.
      expect(BSON.deserialize(back, { promoteValues: false, bsonRegExp: true })).toEqual(
        BSON.deserialize(original, { promoteValues: false, bsonRegExp: true }),
      );
    }
    expect(back.equals(original)).toBe(true);
  });

  it('each value keeps its type when read with promoteValues: false', async () => {
    const c = t.db.collection<Doc>('rt2');
    await c.insertOne(sample);
    const d = (await c.findOne({ _id: sample._id }, { promoteValues: false, bsonRegExp: true }))!;
    expect(d.int32).toBeInstanceOf(Int32);
    expect(d.int32.value).toBe(5);
    expect(d.double).toBeInstanceOf(Double);
    expect(d.double.value).toBe(5);
    expect(Object.is(d.negZero.value, -0)).toBe(true);
    expect(d.long).toBeInstanceOf(Long);
    expect(d.long.toString()).toBe('9007199254740993');
    expect(d.longSmall).toBeInstanceOf(Long);
    expect(d.dec).toBeInstanceOf(Decimal128);
    expect(d.dec.toString()).toBe('1234567890.123456789012345678901234');
    expect(d.decNeg.toString()).toBe('-0.00');
    expect(d.uuid).toBeInstanceOf(Binary);
    expect(d.uuid.sub_type).toBe(4);
    expect(d.uuid.toUUID().toHexString(true)).toBe('3b241101-e2bb-4255-8caf-4136c566a962');
    expect(d.userBin.sub_type).toBe(0x80);
    expect(d.ts).toBeInstanceOf(Timestamp);
    expect(d.ts.t).toBe(1700000000);
    expect(d.ts.i).toBe(7);
    expect(d.re).toBeInstanceOf(BSONRegExp);
    expect(d.re.pattern).toBe('^a.c$');
    expect(d.re.options).toBe('im');
    expect(d.minKey).toBeInstanceOf(MinKey);
    expect(d.maxKey).toBeInstanceOf(MaxKey);
    expect(d.code).toBeInstanceOf(Code);
    expect(d['']).toBe('empty key');
    expect(Object.keys(d.nested)).toEqual(['z', 'a', 'm']);
    expect(Object.keys(d.nested.a.y[1])).toEqual(['b', 'a']);
  });

  it('with default promotion: RegExp, Date, numbers', async () => {
    const d = (await t.db.collection<Doc>('rt2').findOne({ _id: sample._id }))!;
    expect(d.re).toBeInstanceOf(RegExp);
    expect(d.date).toEqual(sample.date);
    expect(d.dateOld).toEqual(sample.dateOld);
    expect(d.int32).toBe(5);
    expect(d.double).toBe(5);
    expect(Number.isNaN(d.nan)).toBe(true);
    expect(d.inf).toBe(Infinity);
  });

  it('queries match each type by value', async () => {
    const c = t.db.collection<Doc>('rt2');
    const q = async (f: Document) => (await c.countDocuments(f)) === 1;
    expect(await q({ uuid: new UUID('3b241101-e2bb-4255-8caf-4136c566a962') })).toBe(true);
    expect(await q({ bin: new Binary(Buffer.from([0, 1, 2, 255]), 0) })).toBe(true);
    expect(await q({ bin: new Binary(Buffer.from([0, 1, 2, 254]), 0) })).toBe(false);
    expect(await q({ date: new Date('2024-02-24T04:00:00.123Z') })).toBe(true);
    expect(await q({ ts: new Timestamp({ t: 1700000000, i: 7 }) })).toBe(true);
    expect(await q({ long: Long.fromString('9007199254740993') })).toBe(true);
    expect(await q({ long: Long.fromString('9007199254740992') })).toBe(false);
    expect(await q({ dec: Decimal128.fromString('1234567890.123456789012345678901234') })).toBe(
      true,
    );
    expect(await q({ 'nested.a.y.b': 2 })).toBe(true);
    expect(await q({ nested: { z: 1, a: { y: [1, { b: 2, a: 1 }], x: null }, m: [] } })).toBe(true);
    // Embedded document equality is field-order sensitive.
    expect(await q({ 'nested.a.y': { a: 1, b: 2 } })).toBe(false);
    expect(await q({ minKey: new MinKey() })).toBe(true);
    expect(await q({ nul: null })).toBe(true);
    expect(await q({ emptyObj: {} })).toBe(true);
    expect(await q({ '': 'empty key' })).toBe(true);
  });
});

describe('numeric equality and ordering across types', () => {
  const c = () => t.db.collection<Doc>('nums');
  beforeAll(async () => {
    await c().insertMany([
      { _id: 1, v: 5 },
      { _id: 2, v: new Double(5) },
      { _id: 3, v: Long.fromNumber(5) },
      { _id: 4, v: Decimal128.fromString('5') },
      { _id: 5, v: 6 },
      { _id: 6, v: new Double(4.5) },
      { _id: 7, v: Decimal128.fromString('12.345') },
      { _id: 8, v: Long.fromString('9007199254740993') },
      { _id: 9, v: Long.fromString('9007199254740992') },
      { _id: 10, v: '5' },
      { _id: 11, v: Decimal128.fromString('5.00') },
    ]);
  });
  const ids = async (f: Document) =>
    (await c().find(f).sort({ _id: 1 }).toArray()).map((d) => d._id);

  it('5, Double(5), Long(5), Decimal128("5") and Decimal128("5.00") are all equal', async () => {
    for (const five of [
      5,
      new Double(5),
      Long.fromNumber(5),
      Decimal128.fromString('5'),
      Decimal128.fromString('5.0'),
    ]) {
      expect(await ids({ v: five })).toEqual([1, 2, 3, 4, 11]);
      expect(await ids({ v: { $in: [five] } })).toEqual([1, 2, 3, 4, 11]);
    }
    expect(await ids({ v: { $ne: 5, $type: 'number' } })).toEqual([5, 6, 7, 8, 9]);
  });

  it('range comparisons cross types, including Decimal128 vs number', async () => {
    expect(await ids({ v: { $gt: 9 } })).toEqual([7, 8, 9]);
    expect(await ids({ v: { $gt: 4.9, $lt: 5.1 } })).toEqual([1, 2, 3, 4, 11]);
    expect(
      await ids({ v: { $gte: Decimal128.fromString('4.5'), $lt: Long.fromNumber(6) } }),
    ).toEqual([1, 2, 3, 4, 6, 11]);
    expect(await ids({ v: { $gt: Long.fromString('9007199254740992') } })).toEqual([8]);
    expect(await ids({ v: { $lt: '6' } })).toEqual([10]);
  });

  it('sort orders numbers by value regardless of type; equal values tie (broken by _id)', async () => {
    const r = await c()
      .find({ v: { $type: 'number' } })
      .sort({ v: 1, _id: 1 })
      .toArray();
    expect(r.map((d) => d._id)).toEqual([6, 1, 2, 3, 4, 11, 5, 7, 9, 8]);
    const desc = await c().find({}).sort({ v: -1, _id: 1 }).toArray();
    expect(desc.map((d) => d._id)).toEqual([10, 8, 9, 7, 5, 1, 2, 3, 4, 11, 6]);
  });

  it('a unique index treats 5 and Long(5) as the same key', async () => {
    const u = t.db.collection<Doc>('nums_unique');
    await u.createIndex({ v: 1 }, { unique: true });
    await u.insertOne({ v: 5 });
    for (const five of [new Double(5), Long.fromNumber(5), Decimal128.fromString('5')]) {
      await expect(u.insertOne({ v: five })).rejects.toMatchObject({ code: 11000 });
    }
  });
});

describe('$type queries', () => {
  const c = () => t.db.collection<Doc>('types');
  beforeAll(async () => {
    await c().insertMany([
      { _id: 'int', v: 1 },
      { _id: 'long', v: Long.fromNumber(1) },
      { _id: 'double', v: new Double(1) },
      { _id: 'decimal', v: Decimal128.fromString('1') },
      { _id: 'string', v: 's' },
      { _id: 'objectId', v: new ObjectId() },
      { _id: 'binData', v: new Binary(Buffer.from('x')) },
      { _id: 'date', v: new Date() },
      { _id: 'timestamp', v: new Timestamp({ t: 1, i: 1 }) },
      { _id: 'regex', v: /x/ },
      { _id: 'bool', v: false },
      { _id: 'null', v: null },
      { _id: 'minKey', v: new MinKey() },
      { _id: 'maxKey', v: new MaxKey() },
      { _id: 'object', v: { a: 1 } },
      { _id: 'array', v: [] },
      { _id: 'missing' },
    ]);
  });
  const ids = async (type: unknown) =>
    (
      await c()
        .find({ v: { $type: type } as Document })
        .toArray()
    )
      .map((d) => d._id)
      .sort();

  it.each([
    ['int', 16],
    ['long', 18],
    ['double', 1],
    ['decimal', 19],
    ['string', 2],
    ['objectId', 7],
    ['binData', 5],
    ['date', 9],
    ['timestamp', 17],
    ['regex', 11],
    ['bool', 8],
    ['null', 10],
    ['minKey', -1],
    ['maxKey', 127],
    ['object', 3],
  ])('$type %s (and %d)', async (name, code) => {
    expect(await ids(name)).toEqual([name]);
    expect(await ids(code)).toEqual([name]);
  });

  it('$type array, number alias, and a list of types', async () => {
    expect(await ids('array')).toEqual(['array']);
    expect(await ids('number')).toEqual(['decimal', 'double', 'int', 'long']);
    expect(await ids(['string', 'bool'])).toEqual(['bool', 'string']);
  });

  it('$type matches array elements', async () => {
    const a = t.db.collection<Doc>('types_arr');
    await a.insertMany([
      { _id: 1, v: [1, 'x'] },
      { _id: 2, v: [1, 2] },
    ]);
    expect((await a.find({ v: { $type: 'string' } }).toArray()).map((d) => d._id)).toEqual([1]);
  });
});
