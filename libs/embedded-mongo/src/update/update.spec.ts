import { Decimal128, Double, Long, ObjectId, Timestamp } from 'bson';
import { bsonTypeOf, type Document } from '../bson/values';
import { MongoError } from '../errors';
import {
  applyReplacement,
  applyUpdate,
  binaryEqual,
  compileUpdate,
  isOperatorUpdate,
  validateReplacement,
  type UpdateOptions,
} from './update';

function up(doc: Document, update: Document | Document[], opts?: UpdateOptions): Document {
  return applyUpdate(doc, update, opts).doc;
}

function modified(doc: Document, update: Document | Document[], opts?: UpdateOptions): boolean {
  return applyUpdate(doc, update, opts).modified;
}

function errorOf(fn: () => unknown): MongoError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MongoError) return e;
    throw e;
  }
  throw new Error('expected a MongoError');
}

function expectCode(fn: () => unknown, code: number, message?: string | RegExp): MongoError {
  const e = errorOf(fn);
  expect({ code: e.code, message: e.message }).toEqual({
    code,
    message: message === undefined ? expect.any(String) : expect.stringMatching(message),
  });
  return e;
}

function exact(s: string): RegExp {
  return new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

describe('isOperatorUpdate', () => {
  it('classifies by the first field', () => {
    expect(isOperatorUpdate({ $set: { a: 1 } })).toBe(true);
    expect(isOperatorUpdate({ a: 1 })).toBe(false);
    expect(isOperatorUpdate({})).toBe(false);
    expect(isOperatorUpdate([{ $set: { a: 1 } }])).toBe(false);
  });
});

describe('applyUpdate basics', () => {
  it('never mutates the input and shares untouched subtrees', () => {
    const sub = { x: 1 };
    const doc = { _id: 1, a: 1, sub, arr: [1, 2] };
    const frozen = JSON.stringify(doc);
    const out = up(doc, { $set: { a: 2, 'arr.0': 5 } });
    expect(JSON.stringify(doc)).toBe(frozen);
    expect(out).toEqual({ _id: 1, a: 2, sub: { x: 1 }, arr: [5, 2] });
    expect(out.sub).toBe(sub);
  });

  it('returns the same document when nothing changes', () => {
    const doc = { _id: 1, a: 1 };
    const r = applyUpdate(doc, { $set: { a: 1 } });
    expect(r).toEqual({ doc, modified: false });
    expect(r.doc).toBe(doc);
  });

  it('accepts an empty modifier argument as a no-op', () => {
    expect(modified({ _id: 1 }, { $set: {} })).toBe(false);
  });

  it('rejects unknown modifiers with FailedToParse', () => {
    expectCode(
      () => up({ _id: 1 }, { $foo: { a: 1 } }),
      9,
      exact(
        'Unknown modifier: $foo. Expected a valid update modifier or pipeline-style update specified as an array',
      ),
    );
    expectCode(() => up({ _id: 1 }, { $set: { a: 1 }, b: 2 }), 9, /^Unknown modifier: b\./);
  });

  it('rejects a modifier whose argument is not a document', () => {
    expectCode(
      () => up({ _id: 1 }, { $set: 5 }),
      9,
      exact(
        'Modifiers operate on fields but we found type int instead. For example: {$mod: {<field>: ...}} not {$set: 5}',
      ),
    );
  });

  it('rejects empty paths and empty path components (56)', () => {
    expectCode(
      () => up({ _id: 1 }, { $set: { '': 1 } }),
      56,
      exact('An empty update path is not valid.'),
    );
    expectCode(
      () => up({ _id: 1 }, { $inc: { 'a..b': 1 } }),
      56,
      exact("The update path 'a..b' contains an empty field name, which is not allowed."),
    );
    expectCode(() => up({ _id: 1 }, { $unset: { 'a.': 1 } }), 56);
  });

  it('rejects $-prefixed top-level fields only (MongoDB 5.0+ storage rules)', () => {
    expectCode(
      () => up({ _id: 1 }, { $set: { $a: 1 } }),
      52,
      exact(
        "The dollar ($) prefixed field '$a' in '$a' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.",
      ),
    );
    expectCode(() => up({ _id: 1, a: 1 }, { $rename: { a: '$b' } }), 52);
    expect(up({ _id: 1 }, { $set: { 'a.$b': 1 } })).toEqual({ _id: 1, a: { $b: 1 } });
    expect(modified({ _id: 1 }, { $unset: { $a: 1 } })).toBe(false);
  });

  it('validates the update before looking at the document (compileUpdate)', () => {
    expectCode(() => compileUpdate({ $inc: { a: 'x' } }), 14);
    expect(compileUpdate({ $set: { a: 1 } }).kind).toBe('operator');
    expect(compileUpdate({ a: 1 }).kind).toBe('replacement');
    expect(compileUpdate([{ $set: { a: 1 } }]).kind).toBe('pipeline');
  });

  it('does not alias the update document into the result', () => {
    const value = { b: [1] };
    const out = up({ _id: 1 }, { $set: { a: value } });
    expect(out.a).toEqual(value);
    expect(out.a).not.toBe(value);
  });
});

describe('$set', () => {
  it('sets top-level and nested fields, creating intermediate documents', () => {
    expect(up({ _id: 1 }, { $set: { 'a.b.c': 1 } })).toEqual({ _id: 1, a: { b: { c: 1 } } });
    expect(up({ _id: 1, a: { x: 1 } }, { $set: { 'a.y': 2 } })).toEqual({
      _id: 1,
      a: { x: 1, y: 2 },
    });
  });

  it('keeps the position of existing fields and appends new ones in lexicographic order', () => {
    const out = up({ _id: 1, b: 1, a: 1 }, { $set: { z: 1, c: 1, b: 2 } });
    expect(Object.keys(out)).toEqual(['_id', 'b', 'a', 'c', 'z']);
    expect(out.b).toBe(2);
  });

  it('applies all operators in one lexicographic pass', () => {
    const out = up({ _id: 1 }, { $set: { b: 1 }, $inc: { a: 1 }, $min: { c: 3 } });
    expect(Object.keys(out)).toEqual(['_id', 'a', 'b', 'c']);
  });

  it('orders numeric field names numerically (leading zeros compare as strings)', () => {
    const out = up({ _id: 1, a: {} }, { $set: { 'a.10': 1, 'a.9': 1, 'a.b': 1 } });
    expect(Object.keys(out.a as Document)).toEqual(['9', '10', 'b']);
    const arr = up({ _id: 1, a: [] }, { $set: { 'a.10': 'x', 'a.2': 'y' } });
    expect(arr.a).toEqual([null, null, 'y', null, null, null, null, null, null, null, 'x']);
    const odd = up({ _id: 1 }, { $set: { x01: 1, '01': 1, '1x': 1, '10x': 1 } });
    expect(Object.keys(odd)).toEqual(['_id', '01', '1x', '10x', 'x01']);
  });

  it('indexes into arrays and pads with nulls', () => {
    expect(up({ _id: 1, a: [1, 2] }, { $set: { 'a.1': 5 } })).toEqual({ _id: 1, a: [1, 5] });
    expect(up({ _id: 1, a: [1, 2] }, { $set: { 'a.5': 5 } })).toEqual({
      _id: 1,
      a: [1, 2, null, null, null, 5],
    });
    expect(up({ _id: 1, a: [{ b: 1 }] }, { $set: { 'a.0.b': 2, 'a.2.c': 3 } })).toEqual({
      _id: 1,
      a: [{ b: 2 }, null, { c: 3 }],
    });
  });

  it('creates an object (not an array) for a numeric component of a missing field', () => {
    expect(up({ _id: 1 }, { $set: { 'a.0': 1 } })).toEqual({ _id: 1, a: { '0': 1 } });
  });

  it('fails with PathNotViable through a scalar or a non-numeric array component', () => {
    expectCode(
      () => up({ _id: 1, a: 5 }, { $set: { 'a.b': 1 } }),
      28,
      exact("Cannot create field 'b' in element {a: 5}"),
    );
    expectCode(
      () => up({ _id: 1, a: 5 }, { $set: { 'a.b.c': 1 } }),
      28,
      exact("Cannot create field 'b' in element {a: 5}"),
    );
    expectCode(
      () => up({ _id: 1, a: [1, 2] }, { $set: { 'a.b': 1 } }),
      28,
      exact("Cannot create field 'b' in element {a: [ 1, 2 ]}"),
    );
    expectCode(
      () => up({ _id: 1, a: { b: 'x' } }, { $inc: { 'a.b.c': 1 } }),
      28,
      exact('Cannot create field \'c\' in element {b: "x"}'),
    );
  });

  it('detects no-ops with exact BSON equality (type and field order count)', () => {
    expect(modified({ _id: 1, a: 5 }, { $set: { a: 5 } })).toBe(false);
    expect(modified({ _id: 1, a: 5 }, { $set: { a: new Double(5) } })).toBe(true);
    expect(modified({ _id: 1, a: 5 }, { $set: { a: Long.fromNumber(5) } })).toBe(true);
    expect(modified({ _id: 1, a: new Double(5) }, { $set: { a: new Double(5) } })).toBe(false);
    expect(modified({ _id: 1, a: { x: 1, y: 2 } }, { $set: { a: { x: 1, y: 2 } } })).toBe(false);
    expect(modified({ _id: 1, a: { x: 1, y: 2 } }, { $set: { a: { y: 2, x: 1 } } })).toBe(true);
    expect(modified({ _id: 1, a: [1, { b: 2 }] }, { $set: { a: [1, { b: 2 }] } })).toBe(false);
    const oid = new ObjectId();
    expect(modified({ _id: 1, o: oid }, { $set: { o: new ObjectId(oid.toHexString()) } })).toBe(
      false,
    );
    expect(modified({ _id: 1, d: new Date(5) }, { $set: { d: new Date(5) } })).toBe(false);
    expect(modified({ _id: 1, a: null }, { $set: { a: null } })).toBe(false);
  });

  it('treats an update with only no-op parts as not modified', () => {
    const doc = { _id: 1, a: 1, b: [1], n: 2 };
    const r = applyUpdate(doc, {
      $set: { a: 1 },
      $unset: { c: 1 },
      $pull: { b: 2 },
      $inc: { n: 0 },
    });
    expect(r.modified).toBe(false);
    expect(r.doc).toBe(doc);
  });

  it('stores Int32 arguments as plain numbers', () => {
    const { Int32 } = jest.requireActual('bson') as typeof import('bson');
    const out = up({ _id: 1 }, { $set: { a: new Int32(3), b: { c: new Double(2.5) } } });
    expect(out).toEqual({ _id: 1, a: 3, b: { c: 2.5 } });
  });
});

describe('conflicting paths (40)', () => {
  it('rejects a path and its prefix in one update', () => {
    expectCode(
      () => up({ _id: 1 }, { $set: { a: 1, 'a.b': 2 } }),
      40,
      exact("Updating the path 'a.b' would create a conflict at 'a'"),
    );
    expectCode(
      () => up({ _id: 1 }, { $set: { 'a.b': 2, a: 1 } }),
      40,
      exact("Updating the path 'a' would create a conflict at 'a'"),
    );
  });

  it('rejects the same path under two operators', () => {
    expectCode(
      () => up({ _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } }),
      40,
      exact("Updating the path 'a' would create a conflict at 'a'"),
    );
    expectCode(() => up({ _id: 1 }, { $set: { 'a.b': 1 }, $unset: { 'a.b.c': 1 } }), 40);
  });

  it('checks conflicts even for $setOnInsert outside an insert', () => {
    expectCode(() => up({ _id: 1 }, { $set: { a: 1 }, $setOnInsert: { a: 2 } }), 40);
  });

  it('allows sibling paths', () => {
    expect(up({ _id: 1 }, { $set: { 'a.b': 1, 'a.c': 2 } })).toEqual({ _id: 1, a: { b: 1, c: 2 } });
  });
});

describe('immutable _id (66)', () => {
  it('rejects changing _id', () => {
    expectCode(
      () => up({ _id: 1 }, { $set: { _id: 2 } }),
      66,
      exact("Performing an update on the path '_id' would modify the immutable field '_id'"),
    );
    expectCode(() => up({ _id: 1 }, { $unset: { _id: 1 } }), 66);
    expectCode(() => up({ _id: 1 }, { $inc: { _id: 1 } }), 66);
    expectCode(
      () => up({ _id: { x: 1 } }, { $set: { '_id.x': 2 } }),
      66,
      exact("Performing an update on the path '_id.x' would modify the immutable field '_id'"),
    );
    expectCode(() => up({ _id: 1, a: 2 }, { $rename: { a: '_id' } }), 66);
    expectCode(() => up({ _id: 1 }, { $rename: { _id: 'b' } }), 66);
  });

  it('allows setting _id to the same value, but not to another numeric type', () => {
    expect(modified({ _id: 1 }, { $set: { _id: 1 } })).toBe(false);
    expectCode(() => up({ _id: 1 }, { $set: { _id: new Double(1) } }), 66);
    expect(modified({ _id: { x: 1 } }, { $set: { '_id.x': 1 } })).toBe(false);
    const oid = new ObjectId();
    expect(modified({ _id: oid, a: 1 }, { $set: { _id: oid, a: 2 } })).toBe(true);
  });

  it('lets an upsert insert set _id through $setOnInsert when the query has none', () => {
    const out = up({ a: 1 }, { $setOnInsert: { _id: 'k' } }, { isUpsertInsert: true });
    expect(out).toEqual({ _id: 'k', a: 1 });
    expect(Object.keys(out)[0]).toBe('_id');
    expectCode(
      () => up({ _id: { a: 4 } }, { $setOnInsert: { '_id.b': 1 } }, { isUpsertInsert: true }),
      66,
    );
  });

  it('puts a new _id first and rejects array _id on upsert inserts', () => {
    const out = up({ a: 1 }, { $set: { _id: 5 } }, { isUpsertInsert: true });
    expect(Object.keys(out)).toEqual(['_id', 'a']);
    expectCode(() => up({ a: 1 }, { $set: { _id: [1] } }, { isUpsertInsert: true }), 53);
  });
});

describe('$unset', () => {
  it('removes fields, ignores missing and non-viable paths', () => {
    expect(up({ _id: 1, a: 1, b: 2 }, { $unset: { a: '' } })).toEqual({ _id: 1, b: 2 });
    expect(up({ _id: 1, a: { b: 1, c: 2 } }, { $unset: { 'a.b': 1 } })).toEqual({
      _id: 1,
      a: { c: 2 },
    });
    expect(modified({ _id: 1 }, { $unset: { a: 1 } })).toBe(false);
    expect(modified({ _id: 1, a: 5 }, { $unset: { 'a.b': 1 } })).toBe(false);
    expect(modified({ _id: 1, a: [1] }, { $unset: { 'a.b': 1 } })).toBe(false);
    expect(modified({ _id: 1 }, { $unset: { 'a.b.c': 1 } })).toBe(false);
  });

  it('nulls array elements instead of removing them', () => {
    expect(up({ _id: 1, a: [1, 2, 3] }, { $unset: { 'a.1': 1 } })).toEqual({
      _id: 1,
      a: [1, null, 3],
    });
    expect(modified({ _id: 1, a: [1] }, { $unset: { 'a.3': 1 } })).toBe(false);
  });

  it('does not create intermediate documents', () => {
    expect(up({ _id: 1 }, { $unset: { 'a.b': 1 }, $set: { c: 1 } })).toEqual({ _id: 1, c: 1 });
  });
});

describe('$inc and $mul', () => {
  it('adds int32 values as plain numbers', () => {
    expect(up({ _id: 1, a: 1 }, { $inc: { a: 2 } })).toEqual({ _id: 1, a: 3 });
    expect(up({ _id: 1, a: 1 }, { $inc: { a: -5 } })).toEqual({ _id: 1, a: -4 });
  });

  it('creates a missing field with the increment (its type) and $mul with a typed zero', () => {
    expect(up({ _id: 1 }, { $inc: { 'a.b': 5 } })).toEqual({ _id: 1, a: { b: 5 } });
    const inc = up({ _id: 1 }, { $inc: { a: new Double(5) } }).a;
    expect(bsonTypeOf(inc)).toBe('double');
    expect(up({ _id: 1 }, { $mul: { a: 7 } }).a).toBe(0);
    expect(bsonTypeOf(up({ _id: 1 }, { $mul: { a: Long.fromNumber(7) } }).a)).toBe('long');
    expect(bsonTypeOf(up({ _id: 1 }, { $mul: { a: 2.5 } }).a)).toBe('double');
    expect(bsonTypeOf(up({ _id: 1 }, { $mul: { a: Decimal128.fromString('2') } }).a)).toBe(
      'decimal',
    );
  });

  it('promotes int32 overflow to long', () => {
    const r = up({ _id: 1, a: 2147483647 }, { $inc: { a: 1 } }).a;
    expect(r).toBeInstanceOf(Long);
    expect((r as Long).toString()).toBe('2147483648');
    const m = up({ _id: 1, a: 65536 }, { $mul: { a: 65536 } }).a as Long;
    expect(m).toBeInstanceOf(Long);
    expect(m.toString()).toBe('4294967296');
    expect(up({ _id: 1, a: -2147483648 }, { $inc: { a: -1 } }).a).toBeInstanceOf(Long);
  });

  it('keeps long when a long is involved', () => {
    const r = up({ _id: 1, a: Long.fromNumber(5) }, { $inc: { a: 1 } }).a as Long;
    expect(r).toBeInstanceOf(Long);
    expect(r.toNumber()).toBe(6);
    const r2 = up({ _id: 1, a: 5 }, { $inc: { a: Long.fromNumber(1) } }).a as Long;
    expect(r2).toBeInstanceOf(Long);
    const big = Long.fromString('9007199254740993');
    const r3 = up({ _id: 1, a: big }, { $inc: { a: 2 } }).a as Long;
    expect(r3.toString()).toBe('9007199254740995');
  });

  it('fails on int64 overflow as MongoDB does', () => {
    expectCode(
      () => up({ _id: 1, a: Long.MAX_VALUE }, { $inc: { a: 1 } }),
      2,
      exact(
        'Failed to apply $inc operations to current value ((NumberLong)9223372036854775807) for document {_id: 1}',
      ),
    );
    expectCode(
      () => up({ _id: 1, a: Long.MAX_VALUE }, { $mul: { a: 2 } }),
      2,
      /^Failed to apply \$mul/,
    );
  });

  it('produces doubles when a double is involved, keeping integral doubles as Double', () => {
    const r = up({ _id: 1, a: new Double(2.5) }, { $inc: { a: 2.5 } }).a;
    expect(r).toBeInstanceOf(Double);
    expect((r as Double).value).toBe(5);
    expect(up({ _id: 1, a: 1 }, { $inc: { a: 0.5 } }).a).toBe(1.5);
    const r2 = up({ _id: 1, a: 1 }, { $inc: { a: new Double(1) } }).a;
    expect(r2).toBeInstanceOf(Double);
    const r3 = up({ _id: 1, a: Long.fromNumber(3) }, { $mul: { a: 0.5 } }).a;
    expect(r3).toBe(1.5);
    expect(bsonTypeOf(up({ _id: 1, a: 3 }, { $mul: { a: new Double(2) } }).a)).toBe('double');
  });

  it('multiplies ints, keeping 0 an int', () => {
    expect(up({ _id: 1, a: 3 }, { $mul: { a: 4 } }).a).toBe(12);
    expect(Object.is(up({ _id: 1, a: 0 }, { $mul: { a: -5 } }).a, 0)).toBe(true);
  });

  it('uses decimal arithmetic when a Decimal128 is involved', () => {
    const r = up(
      { _id: 1, a: Decimal128.fromString('0.1') },
      { $inc: { a: Decimal128.fromString('0.2') } },
    ).a as Decimal128;
    expect(r).toBeInstanceOf(Decimal128);
    expect(r.toString()).toBe('0.3');
    const r2 = up({ _id: 1, a: 5 }, { $inc: { a: Decimal128.fromString('1.5') } }).a as Decimal128;
    expect(r2.toString()).toBe('6.5');
    const r3 = up({ _id: 1, a: Decimal128.fromString('1.5') }, { $mul: { a: 3 } }).a as Decimal128;
    expect(r3.toString()).toBe('4.5');
    const r4 = up(
      { _id: 1, a: Long.fromString('12345678901234567') },
      {
        $inc: { a: Decimal128.fromString('1') },
      },
    ).a as Decimal128;
    expect(r4.toString()).toBe('12345678901234568');
  });

  it('treats $inc by zero of the same type as a no-op, and a type change as a modification', () => {
    expect(modified({ _id: 1, a: 5 }, { $inc: { a: 0 } })).toBe(false);
    expect(modified({ _id: 1, a: 5 }, { $inc: { a: new Double(0) } })).toBe(true);
    expect(modified({ _id: 1, a: 5 }, { $mul: { a: 1 } })).toBe(false);
  });

  it('rejects non-numeric targets with TypeMismatch (14)', () => {
    expectCode(
      () => up({ _id: 1, a: 'x' }, { $inc: { a: 1 } }),
      14,
      exact(
        "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'a' of non-numeric type string",
      ),
    );
    const oid = new ObjectId('64b7f0c2a1b2c3d4e5f60718');
    expectCode(
      () => up({ _id: oid, a: { b: null } }, { $mul: { 'a.b': 2 } }),
      14,
      exact(
        "Cannot apply $mul to a value of non-numeric type. {_id: ObjectId('64b7f0c2a1b2c3d4e5f60718')} has the field 'b' of non-numeric type null",
      ),
    );
  });

  it('rejects non-numeric arguments with TypeMismatch (14)', () => {
    expectCode(
      () => up({ _id: 1 }, { $inc: { a: 'x' } }),
      14,
      exact('Cannot increment with non-numeric argument: {a: "x"}'),
    );
    expectCode(
      () => up({ _id: 1 }, { $mul: { a: null } }),
      14,
      exact('Cannot multiply with non-numeric argument: {a: null}'),
    );
  });
});

describe('$min and $max', () => {
  it('replaces only when the value is smaller / larger', () => {
    expect(up({ _id: 1, a: 5 }, { $min: { a: 3 } }).a).toBe(3);
    expect(modified({ _id: 1, a: 5 }, { $min: { a: 7 } })).toBe(false);
    expect(up({ _id: 1, a: 5 }, { $max: { a: 7 } }).a).toBe(7);
    expect(modified({ _id: 1, a: 5 }, { $max: { a: 3 } })).toBe(false);
  });

  it('treats equal values of another numeric type as equal (no change)', () => {
    expect(modified({ _id: 1, a: 5 }, { $max: { a: new Double(5) } })).toBe(false);
    expect(modified({ _id: 1, a: 5 }, { $min: { a: Long.fromNumber(5) } })).toBe(false);
  });

  it('compares across types with the BSON order and creates missing fields', () => {
    expect(up({ _id: 1, a: 5 }, { $max: { a: 'x' } }).a).toBe('x');
    expect(up({ _id: 1, a: 5 }, { $min: { a: null } }).a).toBe(null);
    expect(up({ _id: 1 }, { $min: { a: 1 } }).a).toBe(1);
    const d = new Date(1000);
    expect(up({ _id: 1, d: new Date(2000) }, { $min: { d } }).d).toEqual(d);
  });
});

describe('$currentDate', () => {
  const now = () => new Date(1_700_000_000_123);

  it('sets dates and timestamps', () => {
    const out = up(
      { _id: 1 },
      { $currentDate: { a: true, b: { $type: 'date' }, c: { $type: 'timestamp' } } },
      { now },
    );
    expect(out.a).toEqual(new Date(1_700_000_000_123));
    expect(out.b).toEqual(new Date(1_700_000_000_123));
    expect(out.c).toBeInstanceOf(Timestamp);
    expect((out.c as Timestamp).t).toBe(1_700_000_000);
  });

  it('validates its argument', () => {
    expectCode(
      () => up({ _id: 1 }, { $currentDate: { a: 1 } }),
      2,
      exact(
        "int is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).",
      ),
    );
    expectCode(
      () => up({ _id: 1 }, { $currentDate: { a: { $type: 'x' } } }),
      2,
      /required to be 'date' or 'timestamp'/,
    );
    expectCode(
      () => up({ _id: 1 }, { $currentDate: { a: { foo: 1 } } }),
      2,
      exact('Unrecognized $currentDate option: foo'),
    );
  });
});

describe('$setOnInsert', () => {
  it('applies only on upsert inserts', () => {
    expect(modified({ _id: 1 }, { $setOnInsert: { a: 1 } })).toBe(false);
    expect(up({ _id: 1 }, { $setOnInsert: { a: 1 } }, { isUpsertInsert: true })).toEqual({
      _id: 1,
      a: 1,
    });
    expect(up({ _id: 1 }, { $set: { b: 1 }, $setOnInsert: { a: 1 } })).toEqual({ _id: 1, b: 1 });
  });
});

describe('$rename', () => {
  it('moves a field to the end (new destination) and removes the source', () => {
    const out = up({ _id: 1, a: 1, b: 2, c: 3 }, { $rename: { a: 'z' } });
    expect(out).toEqual({ _id: 1, b: 2, c: 3, z: 1 });
    expect(Object.keys(out)).toEqual(['_id', 'b', 'c', 'z']);
  });

  it('overwrites an existing destination in place', () => {
    const out = up({ _id: 1, a: 1, b: 2, c: 3 }, { $rename: { c: 'a' } });
    expect(Object.keys(out)).toEqual(['_id', 'a', 'b']);
    expect(out.a).toBe(3);
  });

  it('renames nested fields and creates the destination path', () => {
    expect(up({ _id: 1, a: { b: 1 } }, { $rename: { 'a.b': 'c.d' } })).toEqual({
      _id: 1,
      a: {},
      c: { d: 1 },
    });
  });

  it('is a no-op when the source is missing', () => {
    expect(modified({ _id: 1, b: 1 }, { $rename: { a: 'b' } })).toBe(false);
  });

  it('rejects invalid specs', () => {
    expectCode(
      () => up({ _id: 1 }, { $rename: { a: 1 } }),
      2,
      exact("The 'to' field for $rename must be a string: a: 1"),
    );
    expectCode(
      () => up({ _id: 1 }, { $rename: { a: 'a' } }),
      2,
      exact('The source and target field for $rename must differ: a: "a"'),
    );
    expectCode(
      () => up({ _id: 1 }, { $rename: { a: 'a.b' } }),
      2,
      exact('The source and target field for $rename must not be on the same path: a: "a.b"'),
    );
    expectCode(
      () => up({ _id: 1 }, { $rename: { 'a.b': 'a' } }),
      2,
      /must not be on the same path/,
    );
    expectCode(
      () => up({ _id: 1 }, { $rename: { 'a.$': 'b' } }),
      2,
      exact('The source field for $rename may not be dynamic: a.$'),
    );
    expectCode(
      () => up({ _id: 1 }, { $rename: { a: 'b.$[]' } }),
      2,
      exact('The destination field for $rename may not be dynamic: b.$[]'),
    );
    expectCode(() => up({ _id: 1 }, { $rename: { a: '' } }), 56);
  });

  it('conflicts with other operators on either path', () => {
    expectCode(() => up({ _id: 1 }, { $rename: { a: 'b' }, $set: { b: 1 } }), 40);
    expectCode(() => up({ _id: 1 }, { $rename: { a: 'b' }, $set: { 'a.x': 1 } }), 40);
  });

  it('rejects sources and destinations inside arrays', () => {
    expectCode(
      () => up({ _id: 1, a: [{ b: 1 }] }, { $rename: { 'a.0.b': 'c' } }),
      2,
      exact(
        "The source field cannot be an array element, 'a.0.b' in doc with _id: 1 has an array field called 'a'",
      ),
    );
    expectCode(
      () => up({ _id: 1, a: 1, b: [{}] }, { $rename: { a: 'b.0.c' } }),
      2,
      exact(
        "The destination field cannot be an array element, 'b.0.c' in doc with _id: 1 has an array field called 'b'",
      ),
    );
    expectCode(
      () => up({ _id: 1, a: 5 }, { $rename: { 'a.b': 'c' } }),
      28,
      /cannot use the part \(a of a.b\)/,
    );
    expectCode(
      () => up({ _id: 1, a: [{ a: 1 }, { b: 2 }] }, { $rename: { 'a.a': 'b' } }),
      28,
      exact('cannot use the part (a of a.a) to traverse the element ({a: [ { a: 1 }, { b: 2 } ]})'),
    );
  });
});

describe('$bit', () => {
  it('applies and/or/xor in order with int and long typing', () => {
    expect(up({ _id: 1, a: 13 }, { $bit: { a: { and: 10 } } }).a).toBe(8);
    expect(up({ _id: 1, a: 3 }, { $bit: { a: { or: 5 } } }).a).toBe(7);
    expect(up({ _id: 1, a: 1 }, { $bit: { a: { xor: 5 } } }).a).toBe(4);
    expect(up({ _id: 1, a: 12 }, { $bit: { a: { and: 10, or: 1 } } }).a).toBe(9);
    const l = up({ _id: 1, a: 1 }, { $bit: { a: { or: Long.fromString('4294967296') } } })
      .a as Long;
    expect(l).toBeInstanceOf(Long);
    expect(l.toString()).toBe('4294967297');
    expect(up({ _id: 1 }, { $bit: { a: { or: 6 } } }).a).toBe(6);
  });

  it('validates its argument and the target type', () => {
    expectCode(
      () => up({ _id: 1 }, { $bit: { a: 5 } }),
      2,
      /^The \$bit modifier is not compatible with a int/,
    );
    expectCode(
      () => up({ _id: 1 }, { $bit: { a: { not: 5 } } }),
      2,
      /only supports 'and', 'or', and 'xor', not 'not'/,
    );
    expectCode(
      () => up({ _id: 1 }, { $bit: { a: { and: 1.5 } } }),
      2,
      /must be an Integer\(32\/64 bit\); a 'double'/,
    );
    expectCode(() => up({ _id: 1 }, { $bit: { a: {} } }), 9, /at least one bitwise operation/);
    expectCode(
      () => up({ _id: 1, a: 'x' }, { $bit: { a: { and: 1 } } }),
      2,
      exact(
        'Cannot apply $bit to a value of non-integral type._id: 1 has the field a of non-integer type string',
      ),
    );
  });
});

describe('replacement', () => {
  it('replaces the document and keeps _id first', () => {
    const r = applyReplacement({ _id: 1, a: 1 }, { b: 2 });
    expect(r).toEqual({ doc: { _id: 1, b: 2 }, modified: true });
    const r2 = applyReplacement({ _id: 1, a: 1 }, { b: 2, _id: 1 });
    expect(Object.keys(r2.doc)).toEqual(['_id', 'b']);
  });

  it('detects no-op replacements', () => {
    const doc = { _id: 1, a: 1 };
    expect(applyReplacement(doc, { a: 1 })).toEqual({ doc, modified: false });
    expect(applyReplacement(doc, { a: new Double(1) }).modified).toBe(true);
  });

  it('rejects _id changes', () => {
    expectCode(
      () => applyReplacement({ _id: 1, a: 1 }, { _id: 2 }),
      66,
      exact(
        "After applying the update, the (immutable) field '_id' was found to have been altered to _id: 2",
      ),
    );
  });

  it('rejects $-prefixed top-level fields and array _id', () => {
    expectCode(
      () => validateReplacement({ a: 1, $set: { b: 1 } }),
      52,
      exact(
        "The dollar ($) prefixed field '$set' in '$set' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.",
      ),
    );
    expectCode(
      () => validateReplacement({ _id: [1] }),
      53,
      exact("The '_id' value cannot be of type array"),
    );
    expectCode(
      () => validateReplacement({ _id: /x/ }),
      53,
      exact("The '_id' value cannot be of type regex"),
    );
    expect(() => validateReplacement({ a: { $b: 1 } })).not.toThrow();
  });

  it('is what applyUpdate does for documents without operators', () => {
    expect(up({ _id: 1, a: 1 }, { b: 1 })).toEqual({ _id: 1, b: 1 });
    expect(up({ _id: 1, a: 1 }, {})).toEqual({ _id: 1 });
    expectCode(() => up({ _id: 1 }, { a: 1 }, { arrayFilters: [{ x: 1 }] }), 9);
  });
});

describe('pipeline updates', () => {
  const evalPipeline = (doc: Document, pipeline: Document[]): Document => {
    let out = doc;
    for (const stage of pipeline) out = { ...out, ...(stage.$set as Document) };
    return out;
  };

  it('runs the injected pipeline evaluator', () => {
    const doc = { _id: 1, a: 1 };
    expect(applyUpdate(doc, [{ $set: { b: 2 } }], { evalPipeline })).toEqual({
      doc: { _id: 1, a: 1, b: 2 },
      modified: true,
    });
    expect(applyUpdate(doc, [{ $set: { a: 1 } }], { evalPipeline })).toEqual({
      doc,
      modified: false,
    });
    expect(applyUpdate(doc, [], { evalPipeline }).modified).toBe(false);
  });

  it('keeps _id when the pipeline drops it and rejects _id changes', () => {
    const drop = (): Document => ({ a: 2 });
    expect(up({ _id: 1, a: 1 }, [{ $project: { _id: 0 } }], { evalPipeline: drop })).toEqual({
      _id: 1,
      a: 2,
    });
    expectCode(() => up({ _id: 1 }, [{ $set: { _id: 2 } }], { evalPipeline }), 66);
  });

  it('gives the evaluator a copy of the stored document', () => {
    const doc = { _id: 1, a: { b: 1 } };
    const mutate = (d: Document): Document => {
      (d.a as Document).b = 2;
      return d;
    };
    const out = up(doc, [{ $set: {} }], { evalPipeline: mutate });
    expect(doc.a.b).toBe(1);
    expect(out).toEqual({ _id: 1, a: { b: 2 } });
  });

  it('needs an evaluator and rejects arrayFilters', () => {
    expectCode(() => up({ _id: 1 }, [{ $set: { a: 1 } }]), 238);
    expectCode(() => up({ _id: 1 }, [{ $set: { a: 1 } }], { arrayFilters: [{ x: 1 }] }), 9);
  });
});

describe('binaryEqual', () => {
  it('distinguishes numeric types and -0', () => {
    expect(binaryEqual(0, -0)).toBe(false);
    expect(binaryEqual(NaN, NaN)).toBe(true);
    expect(binaryEqual(Decimal128.fromString('1.0'), Decimal128.fromString('1'))).toBe(false);
    expect(binaryEqual(Decimal128.fromString('1.0'), Decimal128.fromString('1.0'))).toBe(true);
    expect(binaryEqual(Long.fromNumber(1), Long.fromNumber(1))).toBe(true);
    expect(binaryEqual(/a/i, /a/i)).toBe(true);
    expect(binaryEqual(/a/i, /a/)).toBe(false);
  });
});
