import fc from 'fast-check';
import { Decimal128, Double, Long, ObjectId } from 'bson';
import { compareStrings, compareValues, valueKey, valuesEqual } from './values';

describe('compareStrings', () => {
  it('orders strings by their UTF-8 bytes, as MongoDB does (surrogates included)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        const bytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
        expect(Math.sign(compareStrings(a, b))).toBe(bytes);
      }),
      { numRuns: 2000 },
    );
    expect(compareStrings('\uffff', '\u{10000}')).toBe(-1);
  });
});

describe('compareValues', () => {
  it('treats 5, Double(5), Long(5) and Decimal128("5") as equal and of one key', () => {
    const fives = [5, new Double(5), Long.fromNumber(5), Decimal128.fromString('5')];
    for (const a of fives) {
      for (const b of fives) {
        expect(compareValues(a, b)).toBe(0);
        expect(valuesEqual(a, b)).toBe(true);
        expect(valueKey(a)).toBe(valueKey(b));
      }
    }
  });

  it('orders types as MongoDB: null < numbers < strings < objects < arrays < ObjectId < bool < date', () => {
    const ordered = [null, 1, 'a', { a: 1 }, [1], new ObjectId(), false, new Date(0)];
    for (let i = 1; i < ordered.length; i++) {
      expect(compareValues(ordered[i - 1], ordered[i])).toBe(-1);
    }
  });

  it('compares Long beyond 2^53 exactly against doubles', () => {
    const big = Long.fromString('9007199254740993');
    expect(compareValues(big, 9007199254740992)).toBe(1);
    expect(compareValues(9007199254740994, big)).toBe(1);
  });
});
