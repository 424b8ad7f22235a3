import { Decimal128, Double, Long, ObjectId, Timestamp } from 'bson';
import { bsonTypeOf, Document } from '../bson/values';
import { MongoError } from '../errors';
import { evaluateExpression } from './expressions';
import { deepFreeze } from './test-helpers';

const ev = (expr: unknown, doc: Document = {}) => evaluateExpression(expr, deepFreeze(doc));

function code(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof MongoError ? e.code : -1;
  }
  return undefined;
}

describe('field paths and variables', () => {
  it('reads nested paths, mapping over arrays of documents', () => {
    const doc = { a: { b: 1 }, arr: [{ x: 1 }, { y: 2 }, { x: 3 }, 7] };
    expect(ev('$a.b', doc)).toBe(1);
    expect(ev('$arr.x', doc)).toEqual([1, 3]);
    expect(ev('$missing', doc)).toBeUndefined();
    expect(ev('$$ROOT.a', doc)).toEqual({ b: 1 });
    expect(ev('$$CURRENT.a.b', doc)).toBe(1);
    expect(ev('$$NOW', doc)).toBeInstanceOf(Date);
  });

  it('uses ctx.now for $$NOW and rejects undefined variables', () => {
    const now = new Date('2020-01-01T00:00:00Z');
    expect(evaluateExpression('$$NOW', {}, { now: () => now })).toBe(now);
    expect(bsonTypeOf(ev('$$CLUSTER_TIME'))).toBe('timestamp');
    expect(code(() => ev('$$nope'))).toBe(17276);
  });

  it('evaluates object and array expressions, dropping missing and $$REMOVE', () => {
    expect(ev({ x: '$a', y: '$nope', z: '$$REMOVE', w: ['$a', 2] }, { a: 1 })).toEqual({
      x: 1,
      w: [1, 2],
    });
    expect(ev({ $literal: '$a' }, { a: 1 })).toBe('$a');
  });

  it('rejects unknown operators and multi-key operator objects', () => {
    expect(code(() => ev({ $nope: 1 }))).toBe(168);
    expect(code(() => ev({ $add: [1], $sub: [2] }))).toBe(15983);
  });
});

describe('$type', () => {
  it('returns MongoDB type names', () => {
    const doc = {
      oid: new ObjectId(),
      long: Long.fromNumber(5),
      dec: Decimal128.fromString('1.5'),
      dbl: new Double(5),
      frac: 1.5,
      int: 5,
      s: 'x',
      d: new Date(),
      n: null,
      arr: [],
      obj: {},
      b: true,
      ts: new Timestamp({ t: 1, i: 1 }),
      re: /x/,
    };
    const names = Object.fromEntries(Object.keys(doc).map((k) => [k, ev({ $type: `$${k}` }, doc)]));
    expect(names).toEqual({
      oid: 'objectId',
      long: 'long',
      dec: 'decimal',
      dbl: 'double',
      frac: 'double',
      int: 'int',
      s: 'string',
      d: 'date',
      n: 'null',
      arr: 'array',
      obj: 'object',
      b: 'bool',
      ts: 'timestamp',
      re: 'regex',
    });
    expect(ev({ $type: '$nothing' })).toBe('missing');
  });
});

describe('arithmetic on BSON numbers', () => {
  it('$add keeps MongoDB result types', () => {
    expect(ev({ $add: [1, 2] })).toBe(3);
    const big = ev({ $add: [2147483647, 1] });
    expect(bsonTypeOf(big)).toBe('long');
    expect((big as Long).toString()).toBe('2147483648');
    const l = ev({ $add: ['$l', 1] }, { l: Long.fromString('9007199254740993') });
    expect(bsonTypeOf(l)).toBe('long');
    expect((l as Long).toString()).toBe('9007199254740994');
    const d = ev({ $add: ['$d', 1] }, { d: Decimal128.fromString('0.1') });
    expect(bsonTypeOf(d)).toBe('decimal');
    expect((d as Decimal128).toString()).toBe('1.1');
    expect(ev({ $add: [1.5, 1] })).toBe(2.5);
    const dbl = ev({ $add: [1.5, 1.5] });
    expect(bsonTypeOf(dbl)).toBe('double');
    expect((dbl as Double).value).toBe(3);
    expect(ev({ $add: [1, null] })).toBeNull();
    expect(ev({ $add: ['$nope', 1] })).toBeNull();
  });

  it('$add adds milliseconds to a date; $subtract of dates is a long', () => {
    const d = new Date('2020-01-01T00:00:00Z');
    expect(ev({ $add: ['$d', 1000] }, { d })).toEqual(new Date('2020-01-01T00:00:01Z'));
    const diff = ev({ $subtract: ['$d', new Date('2019-12-31T23:59:59Z')] }, { d });
    expect(bsonTypeOf(diff)).toBe('long');
    expect((diff as Long).toNumber()).toBe(1000);
    expect(ev({ $subtract: ['$d', 1000] }, { d })).toEqual(new Date('2019-12-31T23:59:59Z'));
  });

  it('decimal arithmetic is exact', () => {
    const doc = { a: Decimal128.fromString('0.1'), b: Decimal128.fromString('0.2') };
    expect(String(ev({ $add: ['$a', '$b'] }, doc))).toBe('0.3');
    expect(String(ev({ $subtract: ['$a', '$b'] }, doc))).toBe('-0.1');
    expect(String(ev({ $multiply: ['$a', '$b'] }, doc))).toBe('0.02');
    expect(String(ev({ $divide: ['$a', '$b'] }, doc))).toBe('0.5');
    expect(String(ev({ $divide: [Decimal128.fromString('1'), 3] }))).toMatch(/^0\.3{30,}$/);
  });

  it('$subtract/$multiply/$divide/$mod on longs and errors', () => {
    const l = Long.fromNumber(10);
    expect(bsonTypeOf(ev({ $subtract: ['$l', 3] }, { l }))).toBe('long');
    expect(String(ev({ $multiply: ['$l', 3] }, { l }))).toBe('30');
    expect(ev({ $divide: ['$l', 4] }, { l })).toBe(2.5);
    expect(bsonTypeOf(ev({ $divide: [10, 5] }))).toBe('double');
    expect(ev({ $mod: [10, 3] })).toBe(1);
    expect(code(() => ev({ $divide: [1, 0] }))).toBe(2);
    expect(code(() => ev({ $add: ['a', 1] }))).toBe(16554);
  });

  it('$sum/$avg/$min/$max over arrays and mixed numeric types', () => {
    const doc = { xs: [1, Long.fromNumber(2), new Double(3), 'skip'] };
    const s = ev({ $sum: '$xs' }, doc);
    expect(bsonTypeOf(s)).toBe('double');
    expect((s as Double).value).toBe(6);
    expect(bsonTypeOf(ev({ $sum: [Long.fromNumber(1), 2] }))).toBe('long');
    expect(ev({ $sum: [1, 2] })).toBe(3);
    expect(ev({ $avg: [1, 2] })).toBe(1.5);
    expect(ev({ $max: '$xs' }, doc)).toBe('skip');
    expect(ev({ $min: [Decimal128.fromString('0.5'), 1] })).toEqual(Decimal128.fromString('0.5'));
    expect(ev({ $sum: '$nothing' })).toBe(0);
  });

  it('rounding, abs, pow', () => {
    expect(ev({ $round: [2.5, 0] })).toEqual(new Double(2));
    expect(ev({ $round: [3.5] })).toEqual(new Double(4));
    expect(ev({ $round: [1.2345, 2] })).toBe(1.23);
    expect(ev({ $trunc: [-1.7] })).toEqual(new Double(-1));
    expect(ev({ $abs: -5 })).toBe(5);
    expect(bsonTypeOf(ev({ $abs: Long.fromNumber(-5) }))).toBe('long');
    expect(ev({ $pow: [2, 10] })).toBe(1024);
    expect(ev({ $ceil: 1.2 })).toEqual(new Double(2));
  });
});

describe('comparison and logic', () => {
  it('compares across numeric types and BSON types', () => {
    const doc = { l: Long.fromNumber(5), d: Decimal128.fromString('12.345'), oid: new ObjectId() };
    expect(ev({ $eq: ['$l', 5] }, doc)).toBe(true);
    expect(ev({ $gt: ['$d', 9] }, doc)).toBe(true);
    expect(ev({ $lt: ['$l', new Double(5.5)] }, doc)).toBe(true);
    expect(ev({ $cmp: ['a', 1] })).toBe(1);
    expect(ev({ $eq: ['$oid', doc.oid] }, doc)).toBe(true);
    // Missing is not null in aggregation comparisons.
    expect(ev({ $eq: ['$nope', null] })).toBe(false);
    expect(ev({ $lt: ['$nope', null] })).toBe(true);
  });

  it('truthiness, $cond, $ifNull, $switch', () => {
    expect(ev({ $and: [1, 'x', []] })).toBe(true);
    expect(ev({ $or: [0, null, Long.fromNumber(0), Decimal128.fromString('0')] })).toBe(false);
    expect(ev({ $not: [0] })).toBe(true);
    expect(ev({ $cond: [{ $gt: ['$a', 1] }, 'big', 'small'] }, { a: 2 })).toBe('big');
    expect(ev({ $cond: { if: '$nope', then: 1, else: 2 } })).toBe(2);
    expect(ev({ $ifNull: ['$nope', null, 'dflt'] })).toBe('dflt');
    expect(ev({ $switch: { branches: [{ case: false, then: 1 }], default: 3 } })).toBe(3);
    expect(code(() => ev({ $switch: { branches: [{ case: false, then: 1 }] } }))).toBe(40066);
  });
});

describe('conversions', () => {
  const oid = new ObjectId('64b7f0c2a1b2c3d4e5f60718');

  it('$toString of ObjectId, numbers, dates', () => {
    expect(ev({ $toString: '$_id' }, { _id: oid })).toBe('64b7f0c2a1b2c3d4e5f60718');
    expect(ev({ $toString: '$l' }, { l: Long.fromString('9007199254740993') })).toBe(
      '9007199254740993',
    );
    expect(ev({ $toString: Decimal128.fromString('1.50') })).toBe('1.50');
    expect(ev({ $toString: 5 })).toBe('5');
    expect(ev({ $toString: new Date(0) })).toBe('1970-01-01T00:00:00.000Z');
    expect(ev({ $toString: '$nope' })).toBeNull();
  });

  it('$toObjectId', () => {
    expect(ev({ $toObjectId: '64b7f0c2a1b2c3d4e5f60718' })).toEqual(oid);
    expect(ev({ $toObjectId: '$_id' }, { _id: oid })).toBe(oid);
    expect(code(() => ev({ $toObjectId: 'zz' }))).toBe(241);
    expect(ev({ $convert: { input: 'zz', to: 'objectId', onError: 'bad' } })).toBe('bad');
    expect(ev({ $convert: { input: '$nope', to: 'objectId', onNull: 'none' } })).toBe('none');
  });

  it('numeric conversions produce the right BSON types', () => {
    expect(ev({ $toInt: '42' })).toBe(42);
    expect(ev({ $toInt: 4.9 })).toBe(4);
    expect(bsonTypeOf(ev({ $toLong: 5 }))).toBe('long');
    expect(bsonTypeOf(ev({ $toDouble: 5 }))).toBe('double');
    expect(bsonTypeOf(ev({ $toDecimal: 1.5 }))).toBe('decimal');
    expect(String(ev({ $toDecimal: 1.5 }))).toBe('1.5');
    expect(ev({ $toBool: 0 })).toBe(false);
    expect(ev({ $toBool: '' })).toBe(true);
    expect(ev({ $toDate: Long.fromNumber(0) })).toEqual(new Date(0));
    expect(ev({ $toDate: '$_id' }, { _id: oid })).toEqual(oid.getTimestamp());
    expect(ev({ $convert: { input: '12', to: 16 } })).toBe(12);
    expect(code(() => ev({ $toInt: 'abc' }))).toBe(241);
  });
});

describe('arrays, objects, sets, strings, dates', () => {
  it('array operators', () => {
    const doc = { a: [3, 1, 2], o: [{ v: 2 }, { v: 1 }] };
    expect(ev({ $size: '$a' }, doc)).toBe(3);
    expect(ev({ $arrayElemAt: ['$a', -1] }, doc)).toBe(2);
    expect(ev({ $first: '$a' }, doc)).toBe(3);
    expect(ev({ $last: '$a' }, doc)).toBe(2);
    expect(ev({ $in: [Long.fromNumber(1), '$a'] }, doc)).toBe(true);
    expect(ev({ $filter: { input: '$a', cond: { $gt: ['$$this', 1] } } }, doc)).toEqual([3, 2]);
    expect(ev({ $map: { input: '$a', as: 'x', in: { $multiply: ['$$x', 2] } } }, doc)).toEqual([
      6, 2, 4,
    ]);
    expect(
      ev({ $reduce: { input: '$a', initialValue: 0, in: { $add: ['$$value', '$$this'] } } }, doc),
    ).toBe(6);
    expect(ev({ $slice: ['$a', 1, 1] }, doc)).toEqual([1]);
    expect(ev({ $concatArrays: ['$a', [4]] }, doc)).toEqual([3, 1, 2, 4]);
    expect(ev({ $sortArray: { input: '$o', sortBy: { v: 1 } } }, doc)).toEqual([
      { v: 1 },
      { v: 2 },
    ]);
    expect(ev({ $range: [0, 6, 2] })).toEqual([0, 2, 4]);
    expect(ev({ $indexOfArray: ['$a', 2] }, doc)).toBe(2);
    expect(ev({ $reverseArray: '$a' }, doc)).toEqual([2, 1, 3]);
    expect(code(() => ev({ $size: '$nope' }))).toBe(17124);
  });

  it('object and set operators, $let', () => {
    expect(ev({ $mergeObjects: [{ a: 1 }, '$x', null] }, { x: { b: 2 } })).toEqual({ a: 1, b: 2 });
    expect(ev({ $objectToArray: { a: 1 } })).toEqual([{ k: 'a', v: 1 }]);
    expect(ev({ $arrayToObject: [[['a', 1]]] })).toEqual({ a: 1 });
    expect(ev({ $getField: 'a.b' }, { 'a.b': 5 })).toBe(5);
    expect(
      ev({
        $setUnion: [
          [1, 2],
          [2, Long.fromNumber(3)],
        ],
      }),
    ).toEqual([1, 2, Long.fromNumber(3)]);
    expect(
      ev({
        $setIntersection: [
          [1, 2],
          [2, 3],
        ],
      }),
    ).toEqual([2]);
    expect(ev({ $setDifference: [[1, 2], [2]] })).toEqual([1]);
    expect(
      ev({
        $setEquals: [
          [1, 2],
          [2, 1, 1],
        ],
      }),
    ).toBe(true);
    expect(ev({ $let: { vars: { x: 2 }, in: { $multiply: ['$$x', '$a'] } } }, { a: 3 })).toBe(6);
  });

  it('string and date operators (delegated) work on stored values', () => {
    expect(ev({ $concat: ['a', '$b'] }, { b: 'c' })).toBe('ac');
    expect(ev({ $toUpper: '$b' }, { b: 'c' })).toBe('C');
    expect(ev({ $split: ['a,b', ','] })).toEqual(['a', 'b']);
    expect(ev({ $strLenCP: 'abc' })).toBe(3);
    const d = new Date('2021-03-04T05:06:07Z');
    expect(ev({ $year: '$d' }, { d })).toBe(2021);
    expect(ev({ $dateToString: { date: '$d', format: '%Y-%m-%d' } }, { d })).toBe('2021-03-04');
    expect(ev({ $regexMatch: { input: 'abc', regex: /B/i } })).toBe(true);
  });
});
