import { Long, ObjectId } from 'bson';
import type { Document } from '../bson/values';
import { MongoError } from '../errors';
import { compileProjection, TEXT_SCORE } from './projection';

function project(projection: Document, doc: Document, filter?: Document): Document {
  const p = compileProjection(projection, filter);
  if (p === null) return doc;
  return p(doc);
}

/** Deep equality including key order. */
function expectSame(actual: unknown, expected: unknown): void {
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

function expectError(projection: Document, code: number, message?: string | RegExp): void {
  let err: unknown;
  try {
    compileProjection(projection);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(MongoError);
  expect((err as MongoError).code).toBe(code);
  if (message !== undefined) expect((err as MongoError).message).toMatch(message);
}

const doc = {
  _id: 1,
  a: 1,
  b: { c: 2, d: 3 },
  e: [{ f: 1, g: 2 }, { f: 3 }, 5, [{ f: 4, h: 1 }]],
  z: 'z',
};

describe('compileProjection', () => {
  it('returns null for no projection', () => {
    expect(compileProjection(undefined)).toBeNull();
    expect(compileProjection({})).toBeNull();
  });

  describe('inclusion', () => {
    it('keeps _id and the listed fields in document order', () => {
      expectSame(project({ z: 1, a: 1 }, doc), { _id: 1, a: 1, z: 'z' });
      expectSame(project({ a: true }, doc), { _id: 1, a: 1 });
      expectSame(project({ a: Long.fromNumber(1) }, doc), { _id: 1, a: 1 });
      expectSame(project({ a: 1, _id: 0 }, doc), { a: 1 });
      expectSame(project({ _id: 1 }, doc), { _id: 1 });
      expectSame(project({ missing: 1 }, doc), { _id: 1 });
    });

    it('includes nested paths and walks arrays of documents', () => {
      expectSame(project({ 'b.d': 1 }, doc), { _id: 1, b: { d: 3 } });
      expectSame(project({ b: { d: 1 } }, doc), { _id: 1, b: { d: 3 } });
      // scalars inside the array are dropped, nested arrays are walked
      expectSame(project({ 'e.f': 1, _id: 0 }, doc), { e: [{ f: 1 }, { f: 3 }, [{ f: 4 }]] });
      expectSame(project({ 'a.x': 1, _id: 0 }, doc), {});
      expectSame(project({ 'e.x': 1, _id: 0 }, doc), { e: [{}, {}, [{}]] });
    });

    it('does not mutate the input', () => {
      const input = JSON.parse(JSON.stringify(doc));
      project({ 'e.f': 1 }, input);
      project({ 'e.f': 0 }, input);
      project({ e: { $slice: 1 } }, input);
      expect(input).toEqual(doc);
    });
  });

  describe('exclusion', () => {
    it('removes the listed fields, keeping the rest in order', () => {
      expectSame(project({ a: 0 }, doc), { _id: 1, b: { c: 2, d: 3 }, e: doc.e, z: 'z' });
      expectSame(project({ _id: 0 }, { _id: 1, x: 2 }), { x: 2 });
      expectSame(project({ a: 0, _id: 0, e: 0 }, doc), { b: { c: 2, d: 3 }, z: 'z' });
      expectSame(project({ 'b.c': 0, a: false, e: 0 }, doc), { _id: 1, b: { d: 3 }, z: 'z' });
    });

    it('walks arrays, keeping scalars', () => {
      expectSame(project({ 'e.f': 0, _id: 0, a: 0, b: 0, z: 0 }, doc), {
        e: [{ g: 2 }, {}, 5, [{ h: 1 }]],
      });
    });
  });

  it('rejects mixing inclusion and exclusion', () => {
    expectError({ a: 1, b: 0 }, 31254, 'Cannot do exclusion on field b in inclusion projection');
    expectError({ a: 0, b: 1 }, 31253, 'Cannot do inclusion on field b in exclusion projection');
    expectError({ a: 0, b: { $toUpper: '$x' } }, 31253);
    expectError({ a: 1, 'a.b': 1 }, 31250);
    expectError({ 'a.b': 1, a: 1 }, 31250);
    expectError({ a: {} }, 51270);
    // _id may be excluded in an inclusion projection and vice versa
    expect(() => compileProjection({ a: 1, _id: 0 })).not.toThrow();
    expect(() => compileProjection({ a: 0, _id: 1 })).not.toThrow();
  });

  describe('$slice', () => {
    const d = { _id: 1, x: 1, arr: [1, 2, 3, 4, 5] };
    it('takes first/last n and [skip, n], keeping all fields when alone', () => {
      expectSame(project({ arr: { $slice: 2 } }, d), { _id: 1, x: 1, arr: [1, 2] });
      expectSame(project({ arr: { $slice: -2 } }, d), { _id: 1, x: 1, arr: [4, 5] });
      expectSame(project({ arr: { $slice: 10 } }, d), d);
      expectSame(project({ arr: { $slice: -10 } }, d), d);
      expectSame(project({ arr: { $slice: [1, 2] } }, d), { _id: 1, x: 1, arr: [2, 3] });
      expectSame(project({ arr: { $slice: [-2, 1] } }, d), { _id: 1, x: 1, arr: [4] });
      expectSame(project({ arr: { $slice: [10, 1] } }, d), { _id: 1, x: 1, arr: [] });
      expectSame(project({ x: { $slice: 1 } }, d), d);
    });

    it('combines with inclusion and exclusion', () => {
      expectSame(project({ arr: { $slice: 1 }, x: 0 }, d), { _id: 1, arr: [1] });
      expectSame(project({ arr: { $slice: 1 }, _id: 0 }, d), { x: 1, arr: [1] });
      expectSame(project({ arr: { $slice: 1 }, _id: 1 }, d), { _id: 1, arr: [1] });
      expectSame(
        project({ 'o.arr': { $slice: 1 }, 'o.k': 1 }, { _id: 2, o: { k: 1, j: 2, arr: [1, 2] } }),
        {
          _id: 2,
          o: { k: 1, arr: [1] },
        },
      );
    });

    it('applies through arrays of documents', () => {
      expectSame(project({ 'a.b': { $slice: 1 } }, { a: [{ b: [1, 2] }, { b: [3, 4] }] }), {
        a: [{ b: [1] }, { b: [3] }],
      });
    });

    it('rejects bad arguments', () => {
      expectError({ arr: { $slice: [1, 0] } }, 28724);
      expectError({ arr: { $slice: 'x' } }, 2);
    });
  });

  describe('$elemMatch', () => {
    const d = {
      _id: 1,
      name: 'n',
      grades: [
        { g: 80, m: 'x' },
        { g: 90, m: 'y' },
        { g: 95, m: 'z' },
      ],
    };
    it('returns the first matching element and selects inclusion mode', () => {
      expectSame(project({ grades: { $elemMatch: { g: { $gt: 85 } } } }, d), {
        _id: 1,
        grades: [{ g: 90, m: 'y' }],
      });
      expectSame(project({ grades: { $elemMatch: { g: { $gt: 100 } } } }, d), { _id: 1 });
      expectSame(project({ grades: { $elemMatch: { g: 95 } }, name: 1 }, d), {
        _id: 1,
        name: 'n',
        grades: [{ g: 95, m: 'z' }],
      });
      expectSame(project({ grades: { $elemMatch: { g: 95 } }, _id: 0 }, d), {
        grades: [{ g: 95, m: 'z' }],
      });
      expectSame(project({ xs: { $elemMatch: { $gt: 2 } } }, { _id: 1, xs: [1, 3, 5] }), {
        _id: 1,
        xs: [3],
      });
      expectSame(project({ grades: { $elemMatch: { g: 1 } } }, { _id: 1, grades: 5 }), { _id: 1 });
    });

    it('rejects nested fields', () => {
      expectError({ 'a.b': { $elemMatch: { x: 1 } } }, 2);
    });
  });

  describe('positional $', () => {
    const d = {
      _id: 1,
      name: 'n',
      grades: [80, 85, 90],
      students: [
        { school: 100, age: 7 },
        { school: 102, age: 9 },
      ],
    };
    it('returns the element the filter matched', () => {
      expectSame(project({ 'grades.$': 1 }, d, { grades: { $gte: 85 } }), { _id: 1, grades: [85] });
      expectSame(project({ 'students.$': 1, name: 1 }, d, { 'students.school': 102 }), {
        _id: 1,
        name: 'n',
        students: [{ school: 102, age: 9 }],
      });
      expectSame(
        project({ 'students.$': 1 }, d, {
          students: { $elemMatch: { school: 102, age: { $gt: 8 } } },
        }),
        {
          _id: 1,
          students: [{ school: 102, age: 9 }],
        },
      );
      expectSame(project({ 'grades.$': 1 }, d, { $and: [{ name: 'n' }, { grades: 90 }] }), {
        _id: 1,
        grades: [90],
      });
      expectSame(project({ 'grades.$': 1, _id: 0 }, d, { grades: { $gt: 80, $lt: 90 } }), {
        grades: [85],
      });
    });

    it('fails when the filter has no condition on the array', () => {
      const p = compileProjection({ 'grades.$': 1 }, { name: 'n' })!;
      expect(() => p(d)).toThrow(MongoError);
    });

    it('rejects exclusion and multiple positionals', () => {
      expectError({ 'a.$': 0 }, 31395);
      expectError({ 'a.$': 1, 'b.$': 1 }, 31276);
    });
  });

  describe('$meta textScore', () => {
    it('reads the hidden score and keeps other fields when alone', () => {
      const d: Document = { _id: 1, t: 'hello' };
      (d as Record<symbol, unknown>)[TEXT_SCORE] = 1.5;
      expectSame(project({ score: { $meta: 'textScore' } }, d), { _id: 1, t: 'hello', score: 1.5 });
      expectSame(project({ score: { $meta: 'textScore' }, t: 1, _id: 0 }, d), {
        t: 'hello',
        score: 1.5,
      });
      expectSame(project({ score: { $meta: 'textScore' }, t: 0 }, d), { _id: 1, score: 1.5 });
      expectSame(project({ score: { $meta: 'textScore' } }, { _id: 2 }), { _id: 2 });
      expectError({ s: { $meta: 'nope' } }, 17308);
    });
  });

  describe('computed fields', () => {
    it('calls the injected evaluator on the input document', () => {
      const evalExpr = jest.fn((expr: unknown, d: Document) =>
        (expr as Document).$toUpper !== undefined ? String(d.name).toUpperCase() : undefined,
      );
      const p = compileProjection(
        { name: 1, up: { $toUpper: '$name' }, gone: { $x: 1 } },
        undefined,
        evalExpr,
      )!;
      expectSame(p({ _id: 1, name: 'ann', other: 1 }), { _id: 1, name: 'ann', up: 'ANN' });
      expect(evalExpr).toHaveBeenCalledWith(
        { $toUpper: '$name' },
        { _id: 1, name: 'ann', other: 1 },
      );
    });

    it('handles field paths and literals without an evaluator', () => {
      expectSame(project({ n: '$b.c', lit: 'x', _id: 0 }, doc), { n: 2, lit: 'x' });
      expectSame(project({ 'p.q': '$a' }, doc), { _id: 1, p: { q: 1 } });
      expect(() => compileProjection({ n: { $add: [1, 2] } })!({})).toThrow(MongoError);
    });

    it('can replace _id', () => {
      expectSame(project({ _id: '$a', z: 1 }, doc), { z: 'z', _id: 1 });
    });
  });

  it('works with BSON values untouched', () => {
    const id = new ObjectId();
    const out = project({ a: 1 }, { _id: id, a: Long.fromNumber(5) });
    expect(out._id).toBe(id);
    expect(Long.isLong(out.a)).toBe(true);
  });
});
