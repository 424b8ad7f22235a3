import { Decimal128, Double, Long, MaxKey, MinKey, ObjectId } from 'bson';
import type { Document } from '../bson/values';
import { MongoError } from '../errors';
import { TEXT_SCORE } from './projection';
import { compileSort, sortKeyFor } from './sort';

function sortIds(sort: Document, docs: Document[]): unknown[] {
  const cmp = compileSort(sort);
  const copy = docs.slice();
  if (cmp) copy.sort(cmp);
  return copy.map((d) => d._id);
}

describe('compileSort', () => {
  it('returns null for no sort', () => {
    expect(compileSort(undefined)).toBeNull();
    expect(compileSort({})).toBeNull();
  });

  it('sorts ascending and descending, stable on ties', () => {
    const docs = [
      { _id: 1, a: 3 },
      { _id: 2, a: 1 },
      { _id: 3, a: 2 },
      { _id: 4, a: 1 },
    ];
    expect(sortIds({ a: 1 }, docs)).toEqual([2, 4, 3, 1]);
    expect(sortIds({ a: -1 }, docs)).toEqual([1, 3, 2, 4]);
  });

  it('accepts Long, Double and Decimal directions', () => {
    const docs = [
      { _id: 1, a: 1 },
      { _id: 2, a: 2 },
    ];
    expect(sortIds({ a: Long.fromNumber(-1) }, docs)).toEqual([2, 1]);
    expect(sortIds({ a: new Double(1) }, docs)).toEqual([1, 2]);
    expect(sortIds({ a: Decimal128.fromString('-1') }, docs)).toEqual([2, 1]);
  });

  it('uses multiple keys', () => {
    const docs = [
      { _id: 1, a: 1, b: 1 },
      { _id: 2, a: 0, b: 5 },
      { _id: 3, a: 1, b: 2 },
      { _id: 4, a: 0, b: 7 },
    ];
    expect(sortIds({ a: 1, b: -1 }, docs)).toEqual([4, 2, 3, 1]);
    expect(sortIds({ a: -1, b: 1 }, docs)).toEqual([1, 3, 2, 4]);
  });

  it("follows MongoDB's cross-type order, with missing equal to null", () => {
    const docs = [
      { _id: 'date', v: new Date(0) },
      { _id: 'bool', v: true },
      { _id: 'oid', v: new ObjectId('000000000000000000000000') },
      { _id: 'obj', v: { x: 1 } },
      { _id: 'str', v: 'a' },
      { _id: 'num', v: 5 },
      { _id: 'missing' },
      { _id: 'null', v: null },
      { _id: 'min', v: new MinKey() },
      { _id: 'max', v: new MaxKey() },
      { _id: 'regex', v: /x/ },
    ];
    expect(sortIds({ v: 1 }, docs)).toEqual([
      'min',
      'missing',
      'null',
      'num',
      'str',
      'obj',
      'oid',
      'bool',
      'date',
      'regex',
      'max',
    ]);
  });

  it('compares numbers of all types by value', () => {
    const docs = [
      { _id: 1, v: Decimal128.fromString('2.5') },
      { _id: 2, v: Long.fromNumber(2) },
      { _id: 3, v: new Double(3) },
      { _id: 4, v: 1 },
      { _id: 5, v: 2.75 },
    ];
    expect(sortIds({ v: 1 }, docs)).toEqual([4, 2, 1, 5, 3]);
  });

  it('sorts arrays by their minimum ascending and maximum descending', () => {
    const docs = [
      { _id: 1, a: [1, 10] },
      { _id: 2, a: [5, 6] },
      { _id: 3, a: 7 },
    ];
    expect(sortIds({ a: 1 }, docs)).toEqual([1, 2, 3]);
    expect(sortIds({ a: -1 }, docs)).toEqual([1, 3, 2]);
  });

  it('puts empty arrays before null and missing', () => {
    const docs = [{ _id: 1, a: null }, { _id: 2, a: [] }, { _id: 3, a: 1 }, { _id: 4 }];
    expect(sortIds({ a: 1 }, docs)).toEqual([2, 1, 4, 3]);
    expect(sortIds({ a: -1 }, docs)).toEqual([3, 1, 4, 2]);
  });

  it('follows dotted paths through arrays of documents', () => {
    const docs = [
      { _id: 1, a: [{ b: 5 }, { b: 1 }] },
      { _id: 2, a: { b: 3 } },
      { _id: 3, a: [{ b: 4 }, { c: 1 }] },
    ];
    // _id 3 has a missing b (null), which is the smallest ascending.
    expect(sortIds({ 'a.b': 1 }, docs)).toEqual([3, 1, 2]);
    expect(sortIds({ 'a.b': -1 }, docs)).toEqual([1, 3, 2]);
    expect(
      sortIds({ 'a.0.b': 1 }, [
        { _id: 1, a: [{ b: 2 }] },
        { _id: 2, a: [{ b: 1 }] },
      ]),
    ).toEqual([2, 1]);
  });

  it('sorts by text score, highest first', () => {
    const mk = (id: number, score: number): Document => {
      const d: Document = { _id: id };
      (d as Record<symbol, unknown>)[TEXT_SCORE] = score;
      return d;
    };
    expect(sortIds({ s: { $meta: 'textScore' } }, [mk(1, 0.5), mk(2, 2), mk(3, 1)])).toEqual([
      2, 3, 1,
    ]);
    expect(sortIds({ s: { $meta: 'textScore' }, _id: -1 }, [mk(1, 1), mk(2, 1)])).toEqual([2, 1]);
  });

  it('rejects invalid orderings', () => {
    for (const bad of [0, 2, 'asc', true, null, { $meta: 'nope' }, [1]]) {
      let err: unknown;
      try {
        compileSort({ a: bad });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MongoError);
      expect((err as MongoError).code).toBe(2);
    }
    expect(() => compileSort({ a: 0 })).toThrow(
      '$sort key ordering must be 1 (for ascending) or -1 (for descending)',
    );
  });

  it('ignores Object.prototype members', () => {
    const docs: Document[] = [{ _id: 1, constructor: 2 }, { _id: 2 }];
    expect(sortIds({ constructor: 1 }, docs)).toEqual([2, 1]);
  });
});

describe('sortKeyFor', () => {
  it('gives the value an index would sort by', () => {
    expect(sortKeyFor({ a: [3, 1, 2] }, 'a', 1)).toBe(1);
    expect(sortKeyFor({ a: [3, 1, 2] }, 'a', -1)).toBe(3);
    expect(sortKeyFor({}, 'a', 1)).toBeNull();
    expect(sortKeyFor({ a: 'x' }, 'a', 1)).toBe('x');
    expect(sortKeyFor({ a: [{ b: 2 }, { b: 9 }] }, 'a.b', -1)).toBe(9);
    expect(sortKeyFor({ a: [] }, 'a', 1)).toBeUndefined();
  });
});
