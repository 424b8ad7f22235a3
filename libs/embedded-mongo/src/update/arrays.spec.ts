import { Double, Long, ObjectId } from 'bson';
import { type Document } from '../bson/values';
import { MongoError } from '../errors';
import { applyUpdate, type UpdateOptions } from './update';

function up(doc: Document, update: Document, opts?: UpdateOptions): Document {
  return applyUpdate(doc, update, opts).doc;
}

function modified(doc: Document, update: Document, opts?: UpdateOptions): boolean {
  return applyUpdate(doc, update, opts).modified;
}

function expectCode(fn: () => unknown, code: number, message?: string | RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (!(caught instanceof MongoError)) throw caught ?? new Error('expected a MongoError');
  expect({ code: caught.code, message: caught.message }).toEqual({
    code,
    message: message === undefined ? expect.any(String) : expect.stringMatching(message),
  });
}

function exact(s: string): RegExp {
  return new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

describe('$push', () => {
  it('appends one value, creating the array when missing', () => {
    expect(up({ _id: 1, a: [1] }, { $push: { a: 2 } })).toEqual({ _id: 1, a: [1, 2] });
    expect(up({ _id: 1 }, { $push: { a: 2 } })).toEqual({ _id: 1, a: [2] });
    expect(up({ _id: 1 }, { $push: { 'x.y': [1] } })).toEqual({ _id: 1, x: { y: [[1]] } });
    expect(up({ _id: 1, a: [] }, { $push: { a: { b: 1 } } })).toEqual({ _id: 1, a: [{ b: 1 }] });
  });

  it('pushes several values with $each', () => {
    expect(up({ _id: 1, a: [1] }, { $push: { a: { $each: [2, 3] } } }).a).toEqual([1, 2, 3]);
    expect(up({ _id: 1 }, { $push: { a: { $each: [] } } }).a).toEqual([]);
    expect(modified({ _id: 1, a: [1] }, { $push: { a: { $each: [] } } })).toBe(false);
  });

  it('inserts at $position, counting negative positions from the end', () => {
    const doc = { _id: 1, a: [1, 2, 3] };
    expect(up(doc, { $push: { a: { $each: [9], $position: 0 } } }).a).toEqual([9, 1, 2, 3]);
    expect(up(doc, { $push: { a: { $each: [9, 8], $position: 1 } } }).a).toEqual([1, 9, 8, 2, 3]);
    expect(up(doc, { $push: { a: { $each: [9], $position: -1 } } }).a).toEqual([1, 2, 9, 3]);
    expect(up(doc, { $push: { a: { $each: [9], $position: -10 } } }).a).toEqual([9, 1, 2, 3]);
    expect(up(doc, { $push: { a: { $each: [9], $position: 10 } } }).a).toEqual([1, 2, 3, 9]);
  });

  it('sorts whole elements or by embedded fields, then slices', () => {
    const doc = { _id: 1, a: [3, 1] };
    expect(up(doc, { $push: { a: { $each: [2], $sort: 1 } } }).a).toEqual([1, 2, 3]);
    expect(up(doc, { $push: { a: { $each: [2], $sort: -1 } } }).a).toEqual([3, 2, 1]);
    expect(up(doc, { $push: { a: { $each: [2], $sort: 1, $slice: 2 } } }).a).toEqual([1, 2]);
    expect(up(doc, { $push: { a: { $each: [2], $sort: 1, $slice: -2 } } }).a).toEqual([2, 3]);
    expect(up(doc, { $push: { a: { $each: [], $slice: 0 } } }).a).toEqual([]);
    const docs = {
      _id: 1,
      q: [
        { s: 5, n: 'a' },
        { s: 2, n: 'b' },
      ],
    };
    expect(
      up(docs, { $push: { q: { $each: [{ s: 3, n: 'c' }], $sort: { s: -1 }, $slice: 2 } } }).q,
    ).toEqual([
      { s: 5, n: 'a' },
      { s: 3, n: 'c' },
    ]);
    const nested = { _id: 1, q: [{ v: { w: 2 } }, { v: { w: 1 } }, 7] };
    expect(up(nested, { $push: { q: { $each: [], $sort: { 'v.w': 1 } } } }).q).toEqual([
      7,
      { v: { w: 1 } },
      { v: { w: 2 } },
    ]);
  });

  it('sorts mixed types in BSON order', () => {
    const out = up(
      { _id: 1, a: ['x', 2, null, { b: 1 }] },
      { $push: { a: { $each: [1.5], $sort: 1 } } },
    );
    expect(out.a).toEqual([null, 1.5, 2, 'x', { b: 1 }]);
  });

  it('fails on a non-array target with BadValue (2)', () => {
    expectCode(
      () => up({ _id: 1, a: 'x' }, { $push: { a: 1 } }),
      2,
      exact("The field 'a' must be an array but is of type string in document {_id: 1}"),
    );
    expectCode(
      () =>
        up({ _id: new ObjectId('64b7f0c2a1b2c3d4e5f60718'), a: { b: 1 } }, { $push: { 'a.b': 1 } }),
      2,
      exact(
        "The field 'a.b' must be an array but is of type int in document {_id: ObjectId('64b7f0c2a1b2c3d4e5f60718')}",
      ),
    );
  });

  it('validates its modifiers', () => {
    expectCode(
      () => up({ _id: 1 }, { $push: { a: { $each: 1 } } }),
      2,
      exact('The argument to $each in $push must be an array but it was of type: int'),
    );
    expectCode(
      () => up({ _id: 1 }, { $push: { a: { $each: [], $foo: 1 } } }),
      2,
      exact('Unrecognized clause in $push: $foo'),
    );
    expectCode(
      () => up({ _id: 1 }, { $push: { a: { $each: [], $slice: 'x' } } }),
      2,
      /\$slice must be an integer value but was given type: string/,
    );
    expectCode(() => up({ _id: 1 }, { $push: { a: { $each: [], $slice: 1.5 } } }), 2);
    expectCode(
      () => up({ _id: 1 }, { $push: { a: { $each: [], $position: 'x' } } }),
      2,
      /\$position must be an integer value, not of type: string/,
    );
    expectCode(
      () => up({ _id: 1 }, { $push: { a: { $each: [], $sort: 2 } } }),
      2,
      exact('The $sort element value must be either 1 or -1'),
    );
    expectCode(
      () => up({ _id: 1 }, { $push: { a: { $each: [], $sort: {} } } }),
      2,
      /The \$sort pattern is empty/,
    );
    expectCode(
      () => up({ _id: 1 }, { $push: { a: { $each: [], $sort: 'x' } } }),
      2,
      /The \$sort is invalid/,
    );
    expectCode(
      () => up({ _id: 1 }, { $push: { a: { $each: [], $sort: { 'b..c': 1 } } } }),
      2,
      /empty part/,
    );
  });

  it('accepts integral doubles and longs for $slice and $position', () => {
    const doc = { _id: 1, a: [1, 2, 3] };
    expect(up(doc, { $push: { a: { $each: [], $slice: new Double(2) } } }).a).toEqual([1, 2]);
    expect(up(doc, { $push: { a: { $each: [0], $position: Long.fromNumber(0) } } }).a).toEqual([
      0, 1, 2, 3,
    ]);
  });

  it('pushes a document that has $-fields but no $each as a value', () => {
    expect(up({ _id: 1 }, { $push: { a: { b: 1 } } }).a).toEqual([{ b: 1 }]);
  });
});

describe('$addToSet', () => {
  it('adds missing values only', () => {
    expect(up({ _id: 1, a: [1, 2] }, { $addToSet: { a: 3 } }).a).toEqual([1, 2, 3]);
    expect(modified({ _id: 1, a: [1, 2] }, { $addToSet: { a: 2 } })).toBe(false);
    expect(up({ _id: 1 }, { $addToSet: { a: 1 } }).a).toEqual([1]);
  });

  it('compares numbers across types and documents with field order', () => {
    expect(modified({ _id: 1, a: [5] }, { $addToSet: { a: new Double(5) } })).toBe(false);
    expect(modified({ _id: 1, a: [5] }, { $addToSet: { a: Long.fromNumber(5) } })).toBe(false);
    expect(up({ _id: 1, a: [{ x: 1, y: 2 }] }, { $addToSet: { a: { y: 2, x: 1 } } }).a).toEqual([
      { x: 1, y: 2 },
      { y: 2, x: 1 },
    ]);
    expect(modified({ _id: 1, a: [{ x: 1, y: 2 }] }, { $addToSet: { a: { x: 1, y: 2 } } })).toBe(
      false,
    );
    const oid = new ObjectId();
    expect(
      modified({ _id: 1, a: [oid] }, { $addToSet: { a: new ObjectId(oid.toHexString()) } }),
    ).toBe(false);
  });

  it('supports $each, de-duplicating the new values too', () => {
    expect(up({ _id: 1, a: [1] }, { $addToSet: { a: { $each: [1, 2, 2, 3] } } }).a).toEqual([
      1, 2, 3,
    ]);
    expect(up({ _id: 1 }, { $addToSet: { a: { $each: [] } } }).a).toEqual([]);
  });

  it('uses hashing for large arrays with the same result', () => {
    const big = Array.from({ length: 200 }, (_, i) => i);
    const out = up(
      { _id: 1, a: big },
      { $addToSet: { a: { $each: [5, 500, new Double(7), 501] } } },
    ).a as unknown[];
    expect(out.slice(200)).toEqual([500, 501]);
  });

  it('fails on non-arrays and bad $each', () => {
    expectCode(
      () => up({ _id: 1, a: 1 }, { $addToSet: { a: 1 } }),
      2,
      exact("Cannot apply $addToSet to non-array field. Field named 'a' has non-array type int"),
    );
    expectCode(
      () => up({ _id: 1 }, { $addToSet: { a: { $each: 1 } } }),
      14,
      exact('The argument to $each in $addToSet must be an array but it was of type int'),
    );
    expectCode(
      () => up({ _id: 1 }, { $addToSet: { a: { $each: [], x: 1 } } }),
      2,
      /Found unexpected fields after \$each in \$addToSet/,
    );
  });
});

describe('$pop', () => {
  it('removes the last or first element', () => {
    expect(up({ _id: 1, a: [1, 2, 3] }, { $pop: { a: 1 } }).a).toEqual([1, 2]);
    expect(up({ _id: 1, a: [1, 2, 3] }, { $pop: { a: -1 } }).a).toEqual([2, 3]);
    expect(modified({ _id: 1, a: [] }, { $pop: { a: 1 } })).toBe(false);
    expect(modified({ _id: 1 }, { $pop: { a: 1 } })).toBe(false);
    expect(up({ _id: 1, a: [1, 2] }, { $pop: { a: new Double(1) } }).a).toEqual([1]);
  });

  it('validates the argument (FailedToParse) and the target (TypeMismatch)', () => {
    expectCode(
      () => up({ _id: 1 }, { $pop: { a: 2 } }),
      9,
      exact('$pop expects 1 or -1, found: 2'),
    );
    expectCode(
      () => up({ _id: 1 }, { $pop: { a: 'x' } }),
      9,
      exact('Expected a number in: a: "x"'),
    );
    expectCode(
      () => up({ _id: 1, a: { b: 'x' } }, { $pop: { 'a.b': 1 } }),
      14,
      exact("Path 'a.b' contains an element of non-array type 'string'"),
    );
  });
});

describe('$pull', () => {
  it('removes equal values (numeric types compare by value)', () => {
    expect(up({ _id: 1, a: [1, 2, 1, 3] }, { $pull: { a: 1 } }).a).toEqual([2, 3]);
    expect(
      up({ _id: 1, a: [1, new Double(2), Long.fromNumber(2)] }, { $pull: { a: 2 } }).a,
    ).toEqual([1]);
    expect(up({ _id: 1, a: [[1, 2], [1]] }, { $pull: { a: [1] } }).a).toEqual([[1, 2]]);
    expect(modified({ _id: 1, a: [1] }, { $pull: { a: 5 } })).toBe(false);
    expect(modified({ _id: 1 }, { $pull: { a: 5 } })).toBe(false);
  });

  it('removes scalars matching a condition', () => {
    expect(up({ _id: 1, a: [3, 6, 9, 'x'] }, { $pull: { a: { $gte: 6 } } }).a).toEqual([3, 'x']);
    expect(up({ _id: 1, a: [1, 2, 3] }, { $pull: { a: { $in: [1, 3] } } }).a).toEqual([2]);
    expect(up({ _id: 1, a: ['apple', 'kiwi'] }, { $pull: { a: /^a/ } }).a).toEqual(['kiwi']);
    expect(up({ _id: 1, a: [1, 5] }, { $pull: { a: { $not: { $gt: 2 } } } }).a).toEqual([5]);
  });

  it('matches embedded documents against a query (extra fields allowed)', () => {
    const doc = { _id: 1, a: [{ x: 1, y: 1 }, { x: 2 }, 1, { x: 1 }] };
    expect(up(doc, { $pull: { a: { x: 1 } } }).a).toEqual([{ x: 2 }, 1]);
    expect(up(doc, { $pull: { a: { x: { $gt: 1 } } } }).a).toEqual([{ x: 1, y: 1 }, 1, { x: 1 }]);
    expect(up(doc, { $pull: { a: { $or: [{ x: 2 }, { y: 1 }] } } }).a).toEqual([1, { x: 1 }]);
    expect(up(doc, { $pull: { a: {} } }).a).toEqual([1]);
  });

  it('supports $elemMatch against nested arrays', () => {
    const doc = {
      _id: 1,
      a: [
        [1, 7],
        [2, 3],
      ],
    };
    expect(up(doc, { $pull: { a: { $elemMatch: { $gt: 5 } } } }).a).toEqual([[2, 3]]);
  });

  it('fails on a non-array target with BadValue (2)', () => {
    expectCode(
      () => up({ _id: 1, a: 1 }, { $pull: { a: 1 } }),
      2,
      exact('Cannot apply $pull to a non-array value'),
    );
  });
});

describe('$pullAll', () => {
  it('removes every listed value', () => {
    expect(up({ _id: 1, a: [1, 2, 3, 1, { b: 1 }] }, { $pullAll: { a: [1, { b: 1 }] } }).a).toEqual(
      [2, 3],
    );
    expect(modified({ _id: 1, a: [1] }, { $pullAll: { a: [2] } })).toBe(false);
  });

  it('validates its argument and target', () => {
    expectCode(
      () => up({ _id: 1 }, { $pullAll: { a: 1 } }),
      2,
      exact('$pullAll requires an array argument but was given a int'),
    );
    expectCode(
      () => up({ _id: 1, a: 'x' }, { $pullAll: { a: [1] } }),
      2,
      exact('Cannot apply $pull to a non-array value'),
    );
  });
});

describe('positional $', () => {
  it('updates the matched element', () => {
    const doc = { _id: 1, grades: [80, 85, 90] };
    expect(up(doc, { $set: { 'grades.$': 82 } }, { matchedArrayIndex: 1 }).grades).toEqual([
      80, 82, 90,
    ]);
    const docs = { _id: 1, a: [{ b: 1 }, { b: 2 }] };
    expect(up(docs, { $inc: { 'a.$.b': 10 } }, { matchedArrayIndex: 1 }).a).toEqual([
      { b: 1 },
      { b: 12 },
    ]);
    expect(up(docs, { $unset: { 'a.$.b': 1 } }, { matchedArrayIndex: 0 }).a).toEqual([
      {},
      { b: 2 },
    ]);
  });

  it('fails without a match', () => {
    expectCode(
      () => up({ _id: 1, a: [1] }, { $set: { 'a.$': 2 } }),
      2,
      exact('The positional operator did not find the match needed from the query.'),
    );
    expectCode(
      () => up({ _id: 1, a: [1] }, { $set: { 'a.$': 2 } }, { matchedArrayIndex: null }),
      2,
    );
  });

  it('rejects misplaced or repeated positional operators', () => {
    expectCode(
      () => up({ _id: 1 }, { $set: { $: 1 } }),
      2,
      exact("Cannot have positional (i.e. '$') element in the first position in path '$'"),
    );
    expectCode(
      () => up({ _id: 1 }, { $set: { '$.a.$': 1 } }),
      2,
      exact("Too many positional (i.e. '$') elements found in path '$.a.$'"),
    );
    expectCode(
      () => up({ _id: 1 }, { $set: { 'a.$.b.$': 1 } }),
      2,
      exact("Too many positional (i.e. '$') elements found in path 'a.$.b.$'"),
    );
  });

  it('merges with explicit index paths, conflicting only on the same leaf', () => {
    const doc = {
      _id: 1,
      a: [
        { b: 1, c: 1 },
        { b: 2, c: 2 },
      ],
    };
    expect(up(doc, { $set: { 'a.$.b': 9, 'a.0.c': 8 } }, { matchedArrayIndex: 0 }).a).toEqual([
      { b: 9, c: 8 },
      { b: 2, c: 2 },
    ]);
    expectCode(
      () => up(doc, { $set: { 'a.$.b': 9, 'a.0.b': 8 } }, { matchedArrayIndex: 0 }),
      40,
      exact("Update created a conflict at 'a.0.b'"),
    );
    expect(up(doc, { $set: { 'a.$.b': 9, 'a.0.b': 8 } }, { matchedArrayIndex: 1 }).a).toEqual([
      { b: 8, c: 1 },
      { b: 9, c: 2 },
    ]);
  });

  it('works inside array filters paths', () => {
    const doc = { _id: 1, a: [{ b: [1, 2] }, { b: [3, 4] }] };
    const out = up(doc, { $set: { 'a.$[].b.$': 0 } }, { matchedArrayIndex: 1 });
    expect(out.a).toEqual([{ b: [1, 0] }, { b: [3, 0] }]);
  });
});

describe('$[] (all elements)', () => {
  it('updates every element', () => {
    expect(up({ _id: 1, a: [1, 2, 3] }, { $inc: { 'a.$[]': 10 } }).a).toEqual([11, 12, 13]);
    expect(up({ _id: 1, a: [{ b: 1 }, { b: 2 }] }, { $set: { 'a.$[].c': 0 } }).a).toEqual([
      { b: 1, c: 0 },
      { b: 2, c: 0 },
    ]);
    expect(up({ _id: 1, a: [[1], [2]] }, { $push: { 'a.$[]': 9 } }).a).toEqual([
      [1, 9],
      [2, 9],
    ]);
    expect(
      up({ _id: 1, a: [{ b: [1, 2] }, { b: [3] }] }, { $inc: { 'a.$[].b.$[]': 1 } }).a,
    ).toEqual([{ b: [2, 3] }, { b: [4] }]);
  });

  it('detects no-ops and leaves empty arrays alone', () => {
    expect(modified({ _id: 1, a: [1, 1] }, { $set: { 'a.$[]': 1 } })).toBe(false);
    expect(modified({ _id: 1, a: [] }, { $set: { 'a.$[]': 1 } })).toBe(false);
  });

  it('unsets elements to null', () => {
    expect(up({ _id: 1, a: [1, 2] }, { $unset: { 'a.$[]': 1 } }).a).toEqual([null, null]);
  });

  it('requires an existing array', () => {
    expectCode(
      () => up({ _id: 1 }, { $set: { 'a.$[]': 1 } }),
      2,
      exact("The path 'a' must exist in the document in order to apply array updates."),
    );
    expectCode(
      () => up({ _id: 1, x: {} }, { $set: { 'x.a.$[].b': 1 } }),
      2,
      exact("The path 'x.a' must exist in the document in order to apply array updates."),
    );
    expectCode(
      () => up({ _id: 1, a: 5 }, { $set: { 'a.$[]': 1 } }),
      2,
      exact('Cannot apply array updates to non-array element a: 5'),
    );
  });

  it('rejects an array filter in the first component and conflicting kinds', () => {
    expectCode(
      () => up({ _id: 1 }, { $set: { '$[]': 1 } }),
      2,
      /Cannot have array filter identifier/,
    );
    expectCode(() => up({ _id: 1, a: [1] }, { $set: { 'a.$[]': 1, 'a.0': 2 } }), 40);
    expectCode(() => up({ _id: 1, a: [1] }, { $set: { 'a.$[]': 1 }, $inc: { 'a.$[]': 2 } }), 40);
  });
});

describe('$[<identifier>] with arrayFilters', () => {
  it('updates the elements matching the filter', () => {
    const doc = { _id: 1, grades: [95, 92, 90, 100] };
    const out = up(
      doc,
      { $set: { 'grades.$[el]': 100 } },
      { arrayFilters: [{ el: { $gte: 95 } }] },
    );
    expect(out.grades).toEqual([100, 92, 90, 100]);
    const docs = {
      _id: 1,
      g: [
        { s: 1, m: 'a' },
        { s: 5, m: 'b' },
      ],
    };
    const out2 = up(docs, { $inc: { 'g.$[e].s': 1 } }, { arrayFilters: [{ 'e.m': 'b' }] });
    expect(out2.g).toEqual([
      { s: 1, m: 'a' },
      { s: 6, m: 'b' },
    ]);
  });

  it('supports nested identifiers and $and/$or filters on one identifier', () => {
    const doc = {
      _id: 1,
      a: [
        { t: 'x', b: [1, 5, 9] },
        { t: 'y', b: [5] },
      ],
    };
    const out = up(
      doc,
      { $set: { 'a.$[o].b.$[i]': 0 } },
      { arrayFilters: [{ 'o.t': 'x' }, { i: { $gt: 3 } }] },
    );
    expect(out.a).toEqual([
      { t: 'x', b: [1, 0, 0] },
      { t: 'y', b: [5] },
    ]);
    const out2 = up(
      { _id: 1, a: [1, 5, 9] },
      { $set: { 'a.$[x]': 0 } },
      { arrayFilters: [{ $or: [{ x: 1 }, { x: 9 }] }] },
    );
    expect(out2.a).toEqual([0, 5, 0]);
  });

  it('merges several filters matching one element and reports leaf conflicts', () => {
    const doc = { _id: 1, a: [{ v: 1 }, { v: 2 }] };
    const opts = { arrayFilters: [{ 'x.v': 1 }, { 'y.v': { $gte: 1 } }] };
    expect(up(doc, { $set: { 'a.$[x].p': 1, 'a.$[y].q': 2 } }, opts).a).toEqual([
      { v: 1, p: 1, q: 2 },
      { v: 2, q: 2 },
    ]);
    expectCode(
      () => up(doc, { $set: { 'a.$[x].p': 1, 'a.$[y].p': 2 } }, opts),
      40,
      exact("Update created a conflict at 'a.0.p'"),
    );
  });

  it('requires every identifier to be defined and every filter to be used', () => {
    expectCode(
      () => up({ _id: 1, a: [1] }, { $set: { 'a.$[x]': 1 } }),
      2,
      exact("No array filter found for identifier 'x' in path 'a.$[x]'"),
    );
    expectCode(
      () => up({ _id: 1, a: [1] }, { $set: { a: 1 } }, { arrayFilters: [{ x: 1 }] }),
      9,
      exact("The array filter for identifier 'x' was not used in the update { $set: { a: 1 } }"),
    );
  });

  it('validates the filters themselves', () => {
    const u = { $set: { 'a.$[x]': 1 } };
    expectCode(
      () => up({ _id: 1, a: [1] }, u, { arrayFilters: [{ x: 1 }, { x: 2 }] }),
      9,
      /multiple array filters with the same top-level field name x/,
    );
    expectCode(
      () => up({ _id: 1, a: [1] }, u, { arrayFilters: [{ x: 1, y: 2 }] }),
      9,
      /Expected a single top-level field name, found 'x' and 'y'/,
    );
    expectCode(
      () => up({ _id: 1, a: [1] }, { $set: { 'a.$[X]': 1 } }, { arrayFilters: [{ X: 1 }] }),
      2,
      /must be an alphanumeric string beginning with a lowercase letter, found 'X'/,
    );
    expectCode(
      () => up({ _id: 1, a: [1] }, u, { arrayFilters: [{}] }),
      9,
      /without a top-level field name/,
    );
  });
});

describe('shared-structure safety', () => {
  it('copies only containers on modified paths', () => {
    const untouched = { deep: [1, 2] };
    const doc = { _id: 1, a: [{ b: 1 }, untouched], c: untouched };
    const out = up(doc, { $set: { 'a.0.b': 2 } });
    expect((out.a as unknown[])[1]).toBe(untouched);
    expect(out.c).toBe(untouched);
    expect(doc.a[0]).toEqual({ b: 1 });
  });

  it('handles __proto__ as an ordinary field name', () => {
    const out = up({ _id: 1 }, JSON.parse('{"$set": {"__proto__": {"x": 1}}}'));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['_id', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ x: 1 });
  });
});
