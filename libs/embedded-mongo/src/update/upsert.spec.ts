import { ObjectId } from 'bson';
import { type Document } from '../bson/values';
import { MongoError } from '../errors';
import { applyUpdate, upsertReplacement } from './update';
import { compilePositionalIndex, firstMatchedArrayIndex, upsertSeed, upsertSeedId } from './upsert';

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof MongoError) return e.code;
    throw e;
  }
  return undefined;
}

describe('upsertSeed', () => {
  it('takes plain and $eq equalities, skipping other operators', () => {
    expect(upsertSeed({ a: 1, b: { $eq: 'x' }, c: { $gt: 1 }, d: { $in: [1, 2] } })).toEqual({
      a: 1,
      b: 'x',
    });
    expect(upsertSeed({ a: { $in: [7] } })).toEqual({ a: 7 });
    expect(upsertSeed({ a: { $eq: 1, $gt: 0 } })).toEqual({ a: 1 });
  });

  it('walks $and and one-clause $or, ignoring $or/$nor/$expr otherwise', () => {
    expect(upsertSeed({ $and: [{ a: 1 }, { $and: [{ b: 2 }] }] })).toEqual({ a: 1, b: 2 });
    expect(upsertSeed({ $or: [{ a: 1 }] })).toEqual({ a: 1 });
    expect(
      upsertSeed({ $or: [{ a: 1 }, { b: 2 }], $nor: [{ c: 1 }], $expr: { $eq: ['$d', 1] } }),
    ).toEqual({});
  });

  it('expands dotted paths into embedded documents', () => {
    expect(upsertSeed({ 'a.b': 1, 'a.c': 2, 'x.0': 3 })).toEqual({
      a: { b: 1, c: 2 },
      x: { '0': 3 },
    });
  });

  it('keeps literal documents, arrays and null; skips regexes', () => {
    expect(upsertSeed({ a: { b: 1 }, c: [1, 2], n: null, r: /x/, s: { $regex: 'x' } })).toEqual({
      a: { b: 1 },
      c: [1, 2],
      n: null,
    });
    expect(upsertSeed({ a: { $eq: /x/ } })).toEqual({});
  });

  it('puts _id first and the other fields in path order', () => {
    const id = new ObjectId();
    const seed = upsertSeed({ z: 1, b: 2, _id: id });
    expect(Object.keys(seed)).toEqual(['_id', 'b', 'z']);
    expect(seed._id).toEqual(id);
  });

  it('rejects ambiguous equalities with NotSingleValueField (54)', () => {
    expect(codeOf(() => upsertSeed({ a: 1, $and: [{ a: 2 }] }))).toBe(54);
    expect(codeOf(() => upsertSeed({ a: { b: 1 }, 'a.b': 1 }))).toBe(54);
    expect(codeOf(() => upsertSeed({ a: 1, 'a.b.c': 1 }))).toBe(54);
    expect(codeOf(() => upsertSeed({ a: 1, $and: [{ a: 1 }] }))).toBe(54);
    expect(upsertSeed({ a: 1, ab: 2, 'a-b': 3 })).toEqual({ a: 1, ab: 2, 'a-b': 3 });
  });

  it('does not alias the filter', () => {
    const value = { b: 1 };
    const seed = upsertSeed({ a: value });
    expect(seed.a).not.toBe(value);
  });

  it('combines with $setOnInsert and $set on insert, like mongoose timestamps', () => {
    const now = new Date(1000);
    const seed = upsertSeed({ email: 'x@y', tenant: 't1' });
    const out = applyUpdate(
      seed,
      { $set: { name: 'n', updatedAt: now }, $setOnInsert: { createdAt: now } },
      { isUpsertInsert: true },
    ).doc;
    expect(out).toEqual({ email: 'x@y', tenant: 't1', createdAt: now, name: 'n', updatedAt: now });
  });

  it('rejects $set changing an _id taken from the query', () => {
    const seed = upsertSeed({ _id: 1 });
    expect(codeOf(() => applyUpdate(seed, { $set: { _id: 2 } }, { isUpsertInsert: true }))).toBe(
      66,
    );
  });
});

describe('replacement upserts', () => {
  it('take only the _id equality from the filter', () => {
    expect(upsertSeedId({ _id: 5, a: 1 })).toBe(5);
    expect(upsertSeedId({ $and: [{ _id: { $eq: 'x' } }] })).toBe('x');
    expect(upsertSeedId({ a: 1 })).toBeUndefined();
    const doc = upsertReplacement({ _id: 5, a: 1 }, { b: 2 });
    expect(doc).toEqual({ _id: 5, b: 2 });
    expect(Object.keys(upsertReplacement({ a: 1 }, { b: 2, _id: 3 }))).toEqual(['_id', 'b']);
    expect(upsertReplacement({ a: 1 }, { b: 2 })).toEqual({ b: 2 });
  });

  it('reject a replacement _id that contradicts the filter', () => {
    expect(codeOf(() => upsertReplacement({ _id: 5 }, { _id: 6 }))).toBe(66);
    expect(codeOf(() => upsertReplacement({ _id: 5 }, { $set: { a: 1 } }))).toBe(52);
  });
});

describe('firstMatchedArrayIndex', () => {
  it('finds the first matching element of a scalar array', () => {
    expect(firstMatchedArrayIndex({ _id: 1, grades: [80, 85, 90] }, { grades: 85 })).toBe(1);
    expect(firstMatchedArrayIndex({ _id: 1, grades: [80, 85, 90] }, { grades: { $gte: 82 } })).toBe(
      1,
    );
    expect(firstMatchedArrayIndex({ _id: 1, grades: [80] }, { _id: 1 })).toBeNull();
  });

  it('finds elements by embedded fields', () => {
    const doc = {
      _id: 1,
      items: [
        { sku: 'a', q: 1 },
        { sku: 'b', q: 5 },
      ],
    };
    expect(firstMatchedArrayIndex(doc, { 'items.sku': 'b' })).toBe(1);
    expect(firstMatchedArrayIndex(doc, { 'items.q': { $gt: 0 } })).toBe(0);
    expect(
      firstMatchedArrayIndex(doc, { items: { $elemMatch: { sku: 'b', q: { $gt: 2 } } } }),
    ).toBe(1);
    expect(firstMatchedArrayIndex(doc, { $and: [{ _id: 1 }, { 'items.sku': 'b' }] })).toBe(1);
  });

  it('uses the first array on the path and follows explicit indexes', () => {
    const doc = { _id: 1, a: { b: [{ c: [1, 2] }, { c: [3, 4] }] } };
    expect(firstMatchedArrayIndex(doc, { 'a.b.c': 4 })).toBe(1);
    expect(firstMatchedArrayIndex({ _id: 1, a: [[1], [2, 3]] }, { 'a.1': 3 })).toBe(1);
  });

  it('drives positional updates end to end', () => {
    const filter: Document = { 'items.sku': 'b' };
    const pos = compilePositionalIndex(filter);
    const doc = {
      _id: 1,
      items: [
        { sku: 'a', q: 1 },
        { sku: 'b', q: 5 },
      ],
    };
    const out = applyUpdate(doc, { $inc: { 'items.$.q': 1 } }, { matchedArrayIndex: pos(doc) }).doc;
    expect(out.items).toEqual([
      { sku: 'a', q: 1 },
      { sku: 'b', q: 6 },
    ]);
  });
});
