import {
  arrayIndexOf,
  compilePathWalker,
  firstArrayOnPath,
  getPath,
  getPathValues,
  hasPath,
  splitPath,
} from './paths';

describe('paths', () => {
  it('splits and caches paths', () => {
    expect(splitPath('a.b.0')).toEqual(['a', 'b', '0']);
    expect(splitPath('a.b.0')).toBe(splitPath('a.b.0'));
  });

  it('reads array indexes only in canonical form', () => {
    expect(arrayIndexOf('0')).toBe(0);
    expect(arrayIndexOf('12')).toBe(12);
    expect(arrayIndexOf('01')).toBe(-1);
    expect(arrayIndexOf('-1')).toBe(-1);
    expect(arrayIndexOf('a')).toBe(-1);
    expect(arrayIndexOf('')).toBe(-1);
  });

  describe('getPath', () => {
    it('walks documents and numeric array indexes', () => {
      const doc = { a: { b: [{ c: 1 }, { c: 2 }] } };
      expect(getPath(doc, 'a.b.1.c')).toBe(2);
      expect(getPath(doc, 'a.b.c')).toBeUndefined();
      expect(getPath(doc, 'a.x')).toBeUndefined();
      expect(getPath(doc, 'a.b.5')).toBeUndefined();
      expect(getPath({ a: 5 }, 'a.b')).toBeUndefined();
    });

    it('never exposes Object.prototype members', () => {
      expect(getPath({}, 'constructor')).toBeUndefined();
      expect(getPath({ a: {} }, 'a.toString')).toBeUndefined();
      expect(hasPath({}, 'constructor')).toBe(false);
      expect(hasPath({ a: null }, 'a')).toBe(true);
      expect(hasPath({ a: [1] }, 'a.0')).toBe(true);
      expect(hasPath({ a: [1] }, 'a.1')).toBe(false);
    });
  });

  describe('getPathValues', () => {
    it('returns the value, and for a leaf array its elements and itself', () => {
      expect(getPathValues({ a: 1 }, 'a')).toEqual([1]);
      expect(getPathValues({ a: [1, 2] }, 'a')).toEqual([1, 2, [1, 2]]);
      expect(getPathValues({ a: [1, 2] }, 'a', false)).toEqual([[1, 2]]);
    });

    it('gives undefined for missing fields and scalars on the way', () => {
      expect(getPathValues({}, 'a')).toEqual([undefined]);
      expect(getPathValues({ a: 5 }, 'a.b')).toEqual([undefined]);
      expect(getPathValues({ a: { c: 1 } }, 'a.b')).toEqual([undefined]);
    });

    it('fans out over arrays of documents, skipping scalars and nested arrays', () => {
      const doc = { a: [{ b: 1 }, 2, {}, { b: [3, 4] }, [{ b: 9 }]] };
      expect(getPathValues(doc, 'a.b')).toEqual([1, undefined, 3, 4, [3, 4]]);
      expect(getPathValues({ a: [1, 2] }, 'a.b')).toEqual([]);
      expect(getPathValues({ a: [] }, 'a.b')).toEqual([]);
    });

    it('indexes arrays with numeric components and also reads fields named like numbers', () => {
      expect(getPathValues({ a: [7, 8, 9] }, 'a.1')).toEqual([8]);
      expect(getPathValues({ a: [0, { 1: 2 }, 3] }, 'a.1')).toEqual([2, { 1: 2 }]);
      // {y: 8} has no field '1' (missing), and index 1 gives y = 8.
      expect(getPathValues({ x: [7, { y: 8 }, 9] }, 'x.1.y')).toEqual([undefined, 8]);
      expect(getPathValues({ a: [{ 1: 4 }, 5] }, 'a.1')).toEqual([4, 5]);
      // An element reached by index is not expanded further at the leaf.
      expect(
        getPathValues(
          {
            a: [
              [6, 7],
              [8, 9],
            ],
          },
          'a.1',
        ),
      ).toEqual([[8, 9]]);
      // Scalars reached by index with path left over give nothing.
      expect(getPathValues({ a: [5] }, 'a.0.b')).toEqual([]);
      // A nested array reached by index fans out again.
      expect(getPathValues({ a: [1, [{ b: 2 }], 3] }, 'a.1.b')).toEqual([2]);
    });

    it('treats BSON wrappers, dates and regexes as leaves', () => {
      const d = new Date(0);
      expect(getPathValues({ a: d }, 'a.getTime')).toEqual([undefined]);
    });
  });

  it('compiled walkers stop at the first hit and agree with getPathValues', () => {
    const seen: unknown[] = [];
    const walk = compilePathWalker('a', true);
    expect(
      walk({ a: [1, 2, 3] }, (v) => {
        seen.push(v);
        return v === 2;
      }),
    ).toBe(true);
    expect(seen).toEqual([1, 2]);
    const collect = (path: string, doc: Record<string, unknown>, expand: boolean): unknown[] => {
      const out: unknown[] = [];
      compilePathWalker(path, expand)(doc, (v) => {
        out.push(v);
        return false;
      });
      return out;
    };
    const doc = { a: [{ b: [1, 2] }, { b: 3 }], c: [4] };
    expect(collect('a.b', doc, true)).toEqual(getPathValues(doc, 'a.b'));
    expect(collect('c', doc, false)).toEqual([[4]]);
  });

  it('finds the first array on a path', () => {
    const arr = [{ b: 1 }];
    expect(firstArrayOnPath({ x: { a: arr } }, 'x.a.b')).toEqual({
      arrayPath: ['x', 'a'],
      array: arr,
    });
    expect(firstArrayOnPath({ x: { a: 1 } }, 'x.a')).toBeNull();
  });
});
