import {
  Binary,
  BSONRegExp,
  BSONSymbol,
  Decimal128,
  Double,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
} from 'bson';
import type { Document } from '../bson/values';
import { MongoError } from '../errors';

import { compileFilter, filterEqualities, filterRanges, type MatchContext } from './matcher';

function match(filter: Document, doc: Document, ctx?: MatchContext): boolean {
  return compileFilter(filter, ctx)(doc);
}

function expectMatch(filter: Document, doc: Document): void {
  expect({ filter, doc, matched: match(filter, doc) }).toEqual({ filter, doc, matched: true });
}

function expectNoMatch(filter: Document, doc: Document): void {
  expect({ filter, doc, matched: match(filter, doc) }).toEqual({ filter, doc, matched: false });
}

function expectError(filter: Document, code: number, message?: string | RegExp): void {
  let err: unknown;
  try {
    compileFilter(filter);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(MongoError);
  expect((err as MongoError).code).toBe(code);
  if (message !== undefined) expect((err as MongoError).message).toMatch(message);
}

describe('compileFilter', () => {
  describe('equality', () => {
    it('matches scalars, empty filter and multiple fields', () => {
      expectMatch({}, { a: 1 });
      expectMatch({ a: 1 }, { a: 1 });
      expectNoMatch({ a: 1 }, { a: 2 });
      expectNoMatch({ a: 1 }, { a: '1' });
      expectMatch({ a: 'x', b: true }, { a: 'x', b: true });
      expectNoMatch({ a: 'x', b: true }, { a: 'x', b: false });
      expectNoMatch({ a: 1 }, {});
    });

    it('treats all numeric types by value', () => {
      for (const v of [
        5,
        new Double(5),
        Long.fromNumber(5),
        Decimal128.fromString('5'),
        Decimal128.fromString('5.00'),
      ]) {
        expectMatch({ x: 5 }, { x: v });
        expectMatch({ x: v }, { x: 5 });
        expectMatch({ x: new Double(5) }, { x: v });
        expectMatch({ x: Long.fromNumber(5) }, { x: v });
        expectNoMatch({ x: 6 }, { x: v });
      }
      expectMatch({ x: 0.5 }, { x: Decimal128.fromString('0.5') });
      expectMatch(
        { x: Long.fromString('9007199254740993') },
        { x: Long.fromString('9007199254740993') },
      );
      expectNoMatch(
        { x: Long.fromString('9007199254740993') },
        { x: Long.fromString('9007199254740992') },
      );
      expectMatch({ x: NaN }, { x: NaN });
      expectNoMatch({ x: NaN }, { x: 1 });
    });

    it('null matches null and missing, but not empty arrays or other values', () => {
      expectMatch({ a: null }, {});
      expectMatch({ a: null }, { a: null });
      expectNoMatch({ a: null }, { a: 0 });
      expectNoMatch({ a: null }, { a: false });
      expectNoMatch({ a: null }, { a: [] });
      expectMatch({ a: null }, { a: [1, null] });
      expectNoMatch({ a: null }, { a: [1, 2] });
      expectMatch({ 'a.b': null }, { a: 1 });
      expectMatch({ 'a.b.c': null }, {});
      expectMatch({ 'a.b.c': null }, { a: { b: 4 } });
      expectMatch({ 'a.b': null }, { a: [{ c: 1 }] });
      expectNoMatch({ 'a.b': null }, { a: [1] });
      expectNoMatch({ 'a.b': null }, { a: [] });
      expectNoMatch({ 'a.b': null }, { a: [{ b: 1 }] });
    });

    it('matches arrays whole or by element', () => {
      expectMatch({ a: 1 }, { a: [1, 2] });
      expectMatch({ a: [1, 2] }, { a: [1, 2] });
      expectNoMatch({ a: [1, 2] }, { a: [2, 1] });
      expectNoMatch({ a: [1] }, { a: [1, 2] });
      expectMatch({ a: [1, 2] }, { a: [[1, 2], 3] });
      expectNoMatch({ a: 1 }, { a: [[1, 2]] });
      expectMatch({ a: [] }, { a: [] });
      expectMatch({ a: [] }, { a: [[], 1] });
    });

    it('matches embedded documents exactly, with field order', () => {
      expectMatch({ a: { b: 1, c: 2 } }, { a: { b: 1, c: 2 } });
      expectNoMatch({ a: { b: 1, c: 2 } }, { a: { c: 2, b: 1 } });
      expectNoMatch({ a: { b: 1 } }, { a: { b: 1, c: 2 } });
      expectMatch({ a: { b: 1 } }, { a: [{ b: 1 }, { b: 2 }] });
      expectMatch({ a: { b: new Double(1) } }, { a: { b: 1 } });
      expectMatch({ 'a.b': { c: 1 } }, { a: { b: { c: 1 } } });
      expectNoMatch({ 'a.b': { c: 1 } }, { a: { b: 2 } });
    });

    it('matches BSON values', () => {
      const id = new ObjectId();
      expectMatch({ _id: id }, { _id: new ObjectId(id.toHexString()) });
      expectNoMatch({ _id: id }, { _id: new ObjectId() });
      expectNoMatch({ _id: id }, { _id: id.toHexString() });
      expectMatch({ d: new Date(5) }, { d: new Date(5) });
      expectNoMatch({ d: new Date(5) }, { d: 5 });
      const bin = new Binary(Buffer.from([1, 2, 3]), 4);
      expectMatch({ b: bin }, { b: new Binary(Buffer.from([1, 2, 3]), 4) });
      expectNoMatch({ b: bin }, { b: new Binary(Buffer.from([1, 2, 3]), 0) });
      expectMatch({ t: new Timestamp({ t: 1, i: 2 }) }, { t: new Timestamp({ t: 1, i: 2 }) });
      expectMatch({ s: 'abc' }, { s: new BSONSymbol('abc') });
      expectMatch({ k: new MinKey() }, { k: new MinKey() });
      expectNoMatch({ k: new MinKey() }, { k: null });
    });

    it('matches dotted paths through documents and arrays', () => {
      const big = { a: [{ b: 1 }, 2, {}, { b: [3, 4] }] };
      expectMatch({ 'a.b': 1 }, big);
      expectMatch({ 'a.b': [3, 4] }, big);
      expectMatch({ 'a.b': 3 }, big);
      expectMatch({ 'a.b': 4 }, big);
      expectMatch({ 'a.b': null }, big);
      expectNoMatch({ 'a.b': 2 }, big);
      expectMatch({ 'a.1': 8 }, { a: [7, 8, 9] });
      expectNoMatch({ 'a.1': 7 }, { a: [7, 8, 9] });
      expectNoMatch({ 'a.1': null }, { a: [7, 8, 9] });
      expectMatch({ 'a.1': [8, 9] }, { a: [7, [8, 9]] });
      expectNoMatch(
        { 'a.1': 8 },
        {
          a: [
            [6, 7],
            [8, 9],
          ],
        },
      );
      expectMatch({ 'a.1': 2 }, { a: [0, { 1: 2 }, 3] });
      expectMatch({ 'x.1.y': 8 }, { x: [7, { y: 8 }, 9] });
      expectMatch({ 'x.1.y': null }, { x: [7, { y: 8 }, 9] });
      expectMatch({ 'a.1.b': 'foo' }, { a: [7, { b: 9 }, { 1: { b: 'foo' } }] });
      expectMatch({ 'a.1.b': 2 }, { a: [1, [{ b: 2 }], 3] });
      expectNoMatch({ 'a.1.b': null }, { a: [1, [{ b: 2 }], 3] });
      expectNoMatch({ 'a.0.b': null }, { a: [5] });
      expectMatch({ 'a.b.c': 1 }, { a: [{ b: [{ c: 0 }, { c: 1 }] }] });
      expectNoMatch({ 'a.b': 1 }, { a: [[{ b: 1 }]] });
      expectNoMatch({ 'a.b.c': 1 }, { a: { b: 1 } });
    });

    it('matches regex values against strings, symbols and equal regexes', () => {
      expectMatch({ a: /a/ }, { a: 'cat' });
      expectNoMatch({ a: /a/ }, { a: 'CAT' });
      expectMatch({ a: /a/i }, { a: 'CAT' });
      expectMatch({ a: /a/ }, { a: ['dog', 'cat'] });
      expectNoMatch({ a: /,/ }, { a: ['foo', 'bar'] });
      expectNoMatch({ a: /5/ }, { a: 5 });
      expectNoMatch({ a: /x/ }, {});
      expectMatch({ a: /a/ }, { a: /a/ });
      expectMatch({ a: new BSONRegExp('a', 'i') }, { a: /a/i });
      expectNoMatch({ a: /a/ }, { a: /a/i });
      expectMatch({ a: new BSONRegExp('^ca', '') }, { a: 'cat' });
      expectMatch({ a: /ab/ }, { a: new BSONSymbol('xab') });
      // global regexes keep no state between documents
      const g = /sh/gi;
      expectMatch({ a: g }, { a: 'Shorts' });
      expectMatch({ a: g }, { a: 'Shorts' });
    });

    it('treats DBRef-shaped operands as literals', () => {
      expectMatch({ r: { $ref: 'c', $id: 1 } }, { r: { $ref: 'c', $id: 1 } });
    });

    it('never reads Object.prototype members', () => {
      expectNoMatch({ constructor: { $exists: true } }, {});
      expectMatch({ toString: null }, {});
      expectNoMatch({ 'a.constructor': { $exists: true } }, { a: {} });
    });
  });

  describe('$eq / $ne', () => {
    it('$eq is equality, with regex operands compared literally', () => {
      expectMatch({ a: { $eq: 1 } }, { a: [1, 2] });
      expectMatch({ a: { $eq: [1, 2] } }, { a: [1, 2] });
      expectMatch({ a: { $eq: null } }, {});
      expectNoMatch({ a: { $eq: /a/ } }, { a: 'cat' });
      expectMatch({ a: { $eq: /a/ } }, { a: /a/ });
      expectMatch({ a: { $eq: { $x: 1 } } }, { a: { $x: 1 } });
    });

    it('$ne fails when any element equals, matches missing', () => {
      expectMatch({ a: { $ne: 1 } }, { a: 2 });
      expectNoMatch({ a: { $ne: 1 } }, { a: 1 });
      expectMatch({ a: { $ne: 1 } }, {});
      expectNoMatch({ a: { $ne: 1 } }, { a: [1, 2] });
      expectMatch({ a: { $ne: 1 } }, { a: [2, 3] });
      expectNoMatch({ a: { $ne: [1, 2] } }, { a: [1, 2] });
      expectNoMatch({ a: { $ne: null } }, {});
      expectNoMatch({ a: { $ne: null } }, { a: null });
      expectMatch({ a: { $ne: null } }, { a: 0 });
      expectNoMatch({ a: { $ne: 5 } }, { a: Long.fromNumber(5) });
      expectNoMatch({ 'a.b': { $ne: 1 } }, { a: [{ b: 2 }, { b: 1 }] });
      expectMatch({ 'a.b': { $ne: 1 } }, { a: [{ b: 2 }, { c: 1 }] });
      expectError({ a: { $ne: /x/ } }, 2);
    });
  });

  describe('comparisons', () => {
    it('compare within a canonical type only', () => {
      expectMatch({ a: { $gt: 5 } }, { a: 6 });
      expectNoMatch({ a: { $gt: 5 } }, { a: 5 });
      expectMatch({ a: { $gte: 5 } }, { a: 5 });
      expectNoMatch({ a: { $gt: 5 } }, { a: '6' });
      expectNoMatch({ a: { $lt: 5 } }, { a: null });
      expectNoMatch({ a: { $lt: 5 } }, {});
      expectNoMatch({ a: { $gt: 'a' } }, { a: 5 });
      expectMatch({ a: { $gt: 'a' } }, { a: 'b' });
      expectMatch({ a: { $lt: 'b' } }, { a: new BSONSymbol('a') });
      expectNoMatch({ a: { $gt: true } }, { a: 5 });
      expectMatch({ a: { $lt: new Date(10) } }, { a: new Date(5) });
      expectNoMatch({ a: { $lt: new Date(10) } }, { a: 5 });
      expectMatch(
        { a: { $gt: new ObjectId('000000000000000000000001') } },
        { a: new ObjectId('000000000000000000000002') },
      );
    });

    it('compare numbers of all types by value', () => {
      expectMatch({ a: { $gt: 9 } }, { a: Decimal128.fromString('12.345') });
      expectMatch({ a: { $lt: Decimal128.fromString('12.5') } }, { a: 12 });
      expectMatch({ a: { $gt: Long.fromNumber(1) } }, { a: new Double(2) });
      expectMatch({ a: { $lte: 2.5 } }, { a: Long.fromNumber(2) });
      expectNoMatch(
        { a: { $gt: Long.fromString('9007199254740992') } },
        { a: Long.fromString('9007199254740992') },
      );
      expectMatch(
        { a: { $gt: Long.fromString('9007199254740992') } },
        { a: Long.fromString('9007199254740993') },
      );
    });

    it('match any array element, or the array itself', () => {
      expectMatch({ a: { $gt: 5 } }, { a: [1, 10] });
      expectNoMatch({ a: { $gt: 5 } }, { a: [1, 2] });
      // Each bound may be satisfied by a different element.
      expectMatch({ a: { $gt: 5, $lt: 3 } }, { a: [1, 10] });
      expectMatch({ a: { $gt: [1] } }, { a: [2] });
      expectMatch({ 'a.b': { $gte: 3 } }, { a: [{ b: 1 }, { b: 3 }] });
    });

    it('handle null and missing like MongoDB', () => {
      expectMatch({ a: { $gte: null } }, {});
      expectMatch({ a: { $lte: null } }, { a: null });
      expectNoMatch({ a: { $gt: null } }, {});
      expectNoMatch({ a: { $lt: null } }, { a: null });
    });

    it('MinKey and MaxKey bound every type', () => {
      expectMatch({ a: { $lt: new MaxKey() } }, { a: 'x' });
      expectMatch({ a: { $lt: new MaxKey() } }, { a: { b: 1 } });
      expectMatch({ a: { $lte: new MaxKey() } }, { a: new MaxKey() });
      expectNoMatch({ a: { $lt: new MaxKey() } }, { a: new MaxKey() });
      expectMatch({ a: { $gt: new MinKey() } }, { a: null });
      expectNoMatch({ a: { $gt: new MinKey() } }, { a: new MinKey() });
      expectNoMatch({ a: { $gt: new MaxKey() } }, { a: 5 });
      expectNoMatch({ a: { $lt: new MinKey() } }, { a: 5 });
    });

    it('NaN only equals NaN', () => {
      expectNoMatch({ a: { $lt: 5 } }, { a: NaN });
      expectNoMatch({ a: { $gt: NaN } }, { a: 5 });
      expectMatch({ a: { $gte: NaN } }, { a: NaN });
      expectNoMatch({ a: { $gt: NaN } }, { a: NaN });
    });
  });

  describe('$in / $nin', () => {
    it('$in matches any listed value, with regexes and null', () => {
      expectMatch({ a: { $in: [1, 2] } }, { a: 2 });
      expectNoMatch({ a: { $in: [1, 2] } }, { a: 3 });
      expectMatch({ a: { $in: [1, 2] } }, { a: [3, 2] });
      expectMatch({ a: { $in: [5] } }, { a: Decimal128.fromString('5.0') });
      expectMatch({ a: { $in: [Long.fromNumber(7)] } }, { a: 7 });
      expectMatch({ a: { $in: [null] } }, {});
      expectMatch({ a: { $in: [null, false] } }, { a: false });
      expectNoMatch({ a: { $in: [] } }, { a: 1 });
      expectMatch({ a: { $in: [/^c/, 'dog'] } }, { a: 'cat' });
      expectMatch({ a: { $in: [/^c/, 'dog'] } }, { a: 'dog' });
      expectNoMatch({ a: { $in: [/^c/, 'dog'] } }, { a: 'bird' });
      expectMatch({ a: { $in: [/^c/] } }, { a: ['bird', 'cow'] });
      expectMatch({ a: { $in: [[1, 2]] } }, { a: [1, 2] });
      expectMatch({ a: { $in: [{ x: 1 }, { x: 2 }] } }, { a: { x: 2 } });
      expectNoMatch({ a: { $in: [{ x: 1, y: 2 }] } }, { a: { y: 2, x: 1 } });
      const id = new ObjectId();
      expectMatch({ a: { $in: [new ObjectId(id.toHexString())] } }, { a: id });
      expectMatch({ 'a.b': { $in: [1, 2, 3] } }, { a: { b: [4, 2] } });
      expectNoMatch({ 'a.b': { $in: [1, 2, 3] } }, { a: { b: [4] } });
    });

    it('$nin is the negation of $in', () => {
      expectMatch({ a: { $nin: [1, 2] } }, { a: 3 });
      expectNoMatch({ a: { $nin: [1, 2] } }, { a: [3, 1] });
      expectMatch({ a: { $nin: [1, 2] } }, {});
      expectNoMatch({ a: { $nin: [null] } }, {});
      expectMatch({ a: { $nin: [] } }, { a: 1 });
      expectNoMatch({ a: { $nin: [/^c/] } }, { a: 'cat' });
    });

    it('rejects non-arrays and operators inside', () => {
      expectError({ a: { $in: 5 } }, 2, '$in needs an array');
      expectError({ a: { $nin: 'x' } }, 2);
      expectError({ a: { $in: [{ $gt: 1 }] } }, 2);
    });
  });

  describe('$exists', () => {
    it('tests presence, with null counting as present', () => {
      expectMatch({ a: { $exists: true } }, { a: null });
      expectNoMatch({ a: { $exists: true } }, {});
      expectMatch({ a: { $exists: false } }, {});
      expectNoMatch({ a: { $exists: false } }, { a: 1 });
      expectMatch({ a: { $exists: 1 } }, { a: [] });
      expectMatch({ a: { $exists: 0 } }, { b: 1 });
      expectMatch({ 'a.b': { $exists: true } }, { a: [{ c: 1 }, { b: 2 }] });
      expectNoMatch({ 'a.b': { $exists: true } }, { a: [{ c: 1 }] });
      expectMatch({ 'a.b': { $exists: false } }, { a: [1, 2] });
      expectMatch({ 'a.1': { $exists: true } }, { a: [1, 2] });
      expectNoMatch({ 'a.2': { $exists: true } }, { a: [1, 2] });
    });
  });

  describe('$type', () => {
    it('accepts names, codes, number alias and lists', () => {
      expectMatch({ a: { $type: 'double' } }, { a: 1.5 });
      expectMatch({ a: { $type: 'double' } }, { a: new Double(5) });
      expectNoMatch({ a: { $type: 'double' } }, { a: 5 });
      expectMatch({ a: { $type: 'int' } }, { a: 5 });
      expectMatch({ a: { $type: 16 } }, { a: 5 });
      expectMatch({ a: { $type: 'long' } }, { a: Long.fromNumber(5) });
      expectMatch({ a: { $type: 18 } }, { a: Long.fromNumber(5) });
      expectMatch({ a: { $type: 'decimal' } }, { a: Decimal128.fromString('1') });
      expectMatch({ a: { $type: 'objectId' } }, { a: new ObjectId() });
      expectMatch({ a: { $type: 7 } }, { a: new ObjectId() });
      expectMatch({ a: { $type: new Double(7) } }, { a: new ObjectId() });
      expectNoMatch({ a: { $type: 7 } }, { a: '0123456789abcdef01234567' });
      for (const v of [1, 1.5, new Double(2), Long.fromNumber(3), Decimal128.fromString('4')]) {
        expectMatch({ a: { $type: 'number' } }, { a: v });
      }
      expectNoMatch({ a: { $type: 'number' } }, { a: '1' });
      expectMatch({ a: { $type: ['string', 'bool'] } }, { a: true });
      expectNoMatch({ a: { $type: [] } }, { a: true });
      expectMatch({ a: { $type: 'null' } }, { a: null });
      expectNoMatch({ a: { $type: 'null' } }, {});
      expectMatch({ a: { $type: 'date' } }, { a: new Date() });
      expectMatch({ a: { $type: 'regex' } }, { a: /x/ });
      expectMatch({ a: { $type: 'binData' } }, { a: new Binary(Buffer.from([1])) });
      expectMatch({ a: { $type: 'timestamp' } }, { a: new Timestamp({ t: 1, i: 1 }) });
      expectMatch({ a: { $type: 'object' } }, { a: { b: 1 } });
      expectMatch({ a: { $type: 'minKey' } }, { a: new MinKey() });
      expectMatch({ a: { $type: -1 } }, { a: new MinKey() });
      expectMatch({ a: { $type: 127 } }, { a: new MaxKey() });
    });

    it('looks at array elements and at the array itself', () => {
      expectMatch({ a: { $type: 'string' } }, { a: [1, 'x'] });
      expectMatch({ a: { $type: 'array' } }, { a: [1] });
      expectMatch({ a: { $type: 'array' } }, { a: [] });
      expectMatch({ a: { $type: 4 } }, { a: ['1', []] });
      expectNoMatch({ a: { $type: 'array' } }, { a: 1 });
      expectMatch({ 'a.0': { $type: 'array' } }, { a: [[0]] });
      expectNoMatch({ 'a.0': { $type: 'int' } }, { a: [[0]] });
    });

    it('rejects unknown types', () => {
      expectError({ a: { $type: 'foo' } }, 2, 'Unknown type name alias: foo');
      expectError({ a: { $type: 20 } }, 2);
      expectError({ a: { $type: 0 } }, 2);
      expectError({ a: { $type: 1.5 } }, 2);
      expectError({ a: { $type: true } }, 2);
    });
  });

  describe('$regex', () => {
    it('supports strings, regex values and $options', () => {
      expectMatch({ a: { $regex: 'a' } }, { a: 'cat' });
      expectNoMatch({ a: { $regex: 'a' } }, { a: 'CAT' });
      expectMatch({ a: { $regex: 'a', $options: 'i' } }, { a: 'CAT' });
      expectMatch({ a: { $options: 'i', $regex: 'a' } }, { a: 'CAT' });
      expectMatch({ a: { $regex: /a/i } }, { a: 'CAT' });
      expectMatch({ a: { $regex: /a/, $options: 'i' } }, { a: 'CAT' });
      expectMatch({ a: { $regex: new BSONRegExp('a', 'i') } }, { a: 'CAT' });
      expectMatch({ a: { $regex: '', $options: 'i' } }, { a: 'foo' });
      expectNoMatch({ a: { $regex: '' } }, {});
      expectNoMatch({ a: { $regex: '' } }, { a: 5 });
      expectMatch({ a: { $regex: 'a' } }, { a: ['foo', 'bar'] });
      expectNoMatch({ a: { $regex: ',' } }, { a: ['foo', 'bar'] });
    });

    it('supports m, s and x options', () => {
      expectMatch({ a: { $regex: '^b', $options: 'm' } }, { a: 'a\nb' });
      expectNoMatch({ a: { $regex: '^b' } }, { a: 'a\nb' });
      expectMatch({ a: { $regex: 'a.b', $options: 's' } }, { a: 'a\nb' });
      expectNoMatch({ a: { $regex: 'a.b' } }, { a: 'a\nb' });
      expectMatch({ a: { $regex: 'a b # comment\n c', $options: 'x' } }, { a: 'abc' });
      expectMatch({ a: { $regex: '[ ]x', $options: 'x' } }, { a: ' x' });
      expectMatch({ a: { $regex: '(?P<w>ab)' } }, { a: 'ab' });
    });

    it('rejects bad regexes and options', () => {
      expectError({ a: { $options: 'i' } }, 2, '$options needs a $regex');
      expectError({ a: { $regex: 5 } }, 2);
      expectError({ a: { $regex: '(' } }, 51091);
      expectError({ a: { $regex: 'a', $options: 'q' } }, 51108);
      expectError({ a: { $regex: /a/i, $options: 'm' } }, 51075);
    });
  });

  describe('$mod', () => {
    it('matches numeric remainders with truncation', () => {
      expectMatch({ a: { $mod: [4, 0] } }, { a: 8 });
      expectNoMatch({ a: { $mod: [4, 0] } }, { a: 9 });
      expectMatch({ a: { $mod: [4, 1] } }, { a: 9.9 });
      expectMatch({ a: { $mod: [4, -1] } }, { a: -5 });
      expectMatch({ a: { $mod: [4, 1] } }, { a: Long.fromNumber(13) });
      expectMatch({ a: { $mod: [4, 1] } }, { a: Decimal128.fromString('13') });
      expectMatch({ a: { $mod: [4, 1] } }, { a: [2, 5] });
      expectNoMatch({ a: { $mod: [4, 0] } }, { a: '8' });
      expectNoMatch({ a: { $mod: [4, 0] } }, {});
      expectMatch({ a: { $mod: [new Double(4), Long.fromNumber(0)] } }, { a: 8 });
    });

    it('validates its arguments', () => {
      expectError({ a: { $mod: [0, 1] } }, 2, 'divisor cannot be 0');
      expectError({ a: { $mod: [4] } }, 2, 'not enough elements');
      expectError({ a: { $mod: [4, 1, 2] } }, 2, 'too many elements');
      expectError({ a: { $mod: 4 } }, 2);
      expectError({ a: { $mod: ['4', 1] } }, 2);
    });
  });

  describe('$size', () => {
    it('matches array lengths, not elements', () => {
      expectMatch({ a: { $size: 2 } }, { a: [1, 2] });
      expectNoMatch({ a: { $size: 1 } }, { a: [1, 2] });
      expectMatch({ a: { $size: 0 } }, { a: [] });
      expectNoMatch({ a: { $size: 0 } }, {});
      expectNoMatch({ a: { $size: 1 } }, { a: 'x' });
      expectNoMatch({ a: { $size: 2 } }, { a: [[1, 2]] });
      expectMatch({ a: { $size: Long.fromNumber(1) } }, { a: [[1, 2]] });
      expectMatch({ 'a.b': { $size: 2 } }, { a: [{ b: [1] }, { b: [1, 2] }] });
    });

    it('validates its argument', () => {
      expectError({ a: { $size: -1 } }, 2);
      expectError({ a: { $size: 1.5 } }, 2);
      expectError({ a: { $size: '1' } }, 2);
    });
  });

  describe('$all', () => {
    it('requires every value (elements or the array)', () => {
      expectMatch({ a: { $all: [1, 2] } }, { a: [2, 1, 3] });
      expectNoMatch({ a: { $all: [1, 4] } }, { a: [2, 1, 3] });
      expectMatch({ a: { $all: [1] } }, { a: 1 });
      expectNoMatch({ a: { $all: [] } }, { a: [1] });
      expectMatch({ a: { $all: [[1, 2]] } }, { a: [1, 2] });
      expectMatch({ a: { $all: [[1, 2]] } }, { a: [[1, 2], 3] });
      expectMatch({ a: { $all: [/^a/, /b$/] } }, { a: ['ax', 'xb'] });
      expectMatch({ a: { $all: [5, Long.fromNumber(6)] } }, { a: [new Double(5), 6] });
      expectMatch({ 'a.b': { $all: [1, 2] } }, { a: [{ b: 1 }, { b: 2 }] });
      expectNoMatch({ a: { $all: [null] } }, { a: [1] });
      expectMatch({ a: { $all: [null] } }, {});
    });

    it('supports $elemMatch members', () => {
      const doc = {
        a: [
          { x: 1, y: 2 },
          { x: 3, y: 4 },
        ],
      };
      expectMatch({ a: { $all: [{ $elemMatch: { x: 1 } }, { $elemMatch: { y: 4 } }] } }, doc);
      expectNoMatch({ a: { $all: [{ $elemMatch: { x: 1, y: 4 } }] } }, doc);
      expectError({ a: { $all: [{ $elemMatch: { x: 1 } }, 5] } }, 2);
      expectError({ a: { $all: [5, { $elemMatch: { x: 1 } }] } }, 2);
      expectError({ a: { $all: 5 } }, 2);
    });
  });

  describe('$elemMatch', () => {
    const doc = {
      a: [
        { b: 1, c: 2 },
        { b: 2, c: 1 },
      ],
    };

    it('object form requires one element to satisfy every condition', () => {
      expectMatch({ a: { $elemMatch: { b: 1, c: 2 } } }, doc);
      expectNoMatch({ a: { $elemMatch: { b: 1, c: 1 } } }, doc);
      // Plain dotted conditions may be satisfied by different elements.
      expectMatch({ 'a.b': 1, 'a.c': 1 }, doc);
      expectMatch({ a: { $elemMatch: { b: { $gt: 1 }, c: { $lt: 2 } } } }, doc);
      expectMatch({ a: { $elemMatch: { $or: [{ b: 5 }, { c: 1 }] } } }, doc);
      expectNoMatch({ a: { $elemMatch: { b: 1 } } }, { a: { b: 1 } });
      expectNoMatch({ a: { $elemMatch: { b: 1 } } }, { a: [1, 2] });
      expectMatch({ 'x.a': { $elemMatch: { b: 2 } } }, { x: [{ a: doc.a }] });
      expectMatch({ a: { $elemMatch: { 'b.c': 1 } } }, { a: [{ b: [{ c: 1 }] }] });
    });

    it('value form applies operators to each element without traversal', () => {
      expectMatch({ a: { $elemMatch: { $gt: 5, $lt: 8 } } }, { a: [1, 6, 10] });
      expectNoMatch({ a: { $elemMatch: { $gt: 5, $lt: 8 } } }, { a: [1, 10] });
      // Contrast: without $elemMatch, different elements may satisfy each bound.
      expectMatch({ a: { $gt: 5, $lt: 8 } }, { a: [1, 10] });
      expectNoMatch({ a: { $elemMatch: { $gt: 5 } } }, { a: 6 });
      expectNoMatch({ a: { $elemMatch: { $gt: 5 } } }, { a: [[6]] });
      expectMatch({ a: { $elemMatch: { $ne: 1 } } }, { a: [1, 2] });
      expectNoMatch({ a: { $elemMatch: { $ne: 1 } } }, { a: [1, 1] });
      expectMatch({ a: { $elemMatch: { $in: [3, 4] } } }, { a: [1, 4] });
      expectMatch({ a: { $elemMatch: { $regex: '^x' } } }, { a: ['a', 'xy'] });
      expectMatch({ a: { $elemMatch: { $not: { $gt: 5 } } } }, { a: [10, 1] });
      expectMatch({ a: { $elemMatch: { $size: 2 } } }, { a: [[1, 2]] });
      expectMatch({ a: { $elemMatch: { $elemMatch: { $eq: 3 } } } }, { a: [[1], [2, 3]] });
      expectMatch({ a: { $elemMatch: { $exists: true } } }, { a: [1] });
      expectMatch({ a: { $elemMatch: { $type: 'string' } } }, { a: [1, 'x'] });
    });

    it('rejects non-objects', () => {
      expectError({ a: { $elemMatch: 5 } }, 2);
      expectError({ a: { $elemMatch: { $foo: 1 } } }, 2, 'unknown operator: $foo');
    });
  });

  describe('$not', () => {
    it('negates operator documents and regexes over the whole path', () => {
      expectMatch({ x: { $not: { $gt: 7 } } }, { x: 6 });
      expectNoMatch({ x: { $not: { $gt: 7 } } }, { x: 8 });
      expectMatch({ x: { $not: { $gt: 7 } } }, {});
      expectMatch({ x: { $not: { $gt: 7 } } }, { x: 'z' });
      expectMatch({ x: { $not: { $lt: 10, $gt: 7 } } }, { x: 11 });
      expectNoMatch({ x: { $not: { $lt: 10, $gt: 7 } } }, { x: 9 });
      expectMatch({ x: { $not: { $gt: 7 } } }, { x: [2, 3, 4] });
      expectNoMatch({ x: { $not: { $gt: 7 } } }, { x: [2, 3, 4, 10] });
      expectNoMatch({ 'x.y': { $not: { $gt: 7 } } }, { x: [{ y: 2 }, { y: 10 }] });
      expectMatch({ x: { $not: /a/ } }, { x: 'dog' });
      expectNoMatch({ x: { $not: /a/ } }, { x: 'cat' });
      expectNoMatch({ x: { $not: /a/ } }, { x: ['kitten', 'cat'] });
      expectMatch({ x: { $not: { $regex: 'a' } } }, { x: 'dog' });
      expectNoMatch({ x: { $not: { $in: [1, 2] } } }, { x: 1 });
      expectMatch({ x: { $not: { $size: 1 } } }, { x: [1, 2] });
      expectMatch({ x: { $not: { $elemMatch: { y: 1 } } } }, { x: [{ y: 2 }] });
    });

    it('rejects bad operands', () => {
      expectError({ x: { $not: 5 } }, 2);
      expectError({ x: { $not: {} } }, 2);
      expectError({ x: { $not: { y: 1 } } }, 2);
    });
  });

  describe('logical operators', () => {
    it('$and / $or / $nor', () => {
      expectMatch({ $and: [{ a: 1 }, { b: 2 }] }, { a: 1, b: 2 });
      expectNoMatch({ $and: [{ a: 1 }, { b: 2 }] }, { a: 1, b: 3 });
      expectMatch({ $or: [{ a: 1 }, { b: 2 }] }, { b: 2 });
      expectNoMatch({ $or: [{ a: 1 }, { b: 2 }] }, { c: 2 });
      expectMatch({ $or: [{ a: 1 }, { b: 2 }] }, { a: [1, 2, 3] });
      expectMatch({ x: 1, $or: [{ a: 1 }, { b: 1 }] }, { x: 1, b: 1 });
      expectNoMatch({ x: 1, $or: [{ a: 1 }, { b: 1 }] }, { b: 1 });
      expectMatch({ $nor: [{ a: 1 }, { b: 2 }] }, { c: 1 });
      expectNoMatch({ $nor: [{ a: 1 }, { b: 2 }] }, { a: [1, 2] });
      expectNoMatch({ $nor: [{ a: { $ne: 1 } }] }, {});
      expectMatch(
        { $and: [{ $or: [{ a: 1 }, { a: 2 }] }, { $or: [{ b: 1 }, { b: 2 }] }] },
        { a: 2, b: 1 },
      );
    });

    it('require non-empty arrays of objects', () => {
      for (const op of ['$and', '$or', '$nor']) {
        expectError({ [op]: [] }, 2, 'must be a nonempty array');
        expectError({ [op]: {} }, 2);
        expectError({ [op]: [5] }, 2);
      }
    });
  });

  describe('bitwise', () => {
    it('tests bit positions, masks and BinData', () => {
      // 54 = 0b110110
      expectMatch({ a: { $bitsAllSet: [1, 5] } }, { a: 54 });
      expectNoMatch({ a: { $bitsAllSet: [0, 1] } }, { a: 54 });
      expectMatch({ a: { $bitsAllSet: 50 } }, { a: 54 });
      expectMatch({ a: { $bitsAnySet: [0, 1] } }, { a: 54 });
      expectMatch({ a: { $bitsAllClear: [0, 3] } }, { a: 54 });
      expectMatch({ a: { $bitsAnyClear: [0, 1] } }, { a: 54 });
      expectNoMatch({ a: { $bitsAnyClear: [1, 2] } }, { a: 54 });
      expectMatch({ a: { $bitsAllSet: [63, 100] } }, { a: -1 });
      expectMatch({ a: { $bitsAllSet: [1] } }, { a: Long.fromNumber(2) });
      expectNoMatch({ a: { $bitsAllSet: [0] } }, { a: 1.5 });
      expectMatch({ a: { $bitsAllSet: [0, 9] } }, { a: new Binary(Buffer.from([1, 2])) });
      expectMatch({ a: { $bitsAllSet: new Binary(Buffer.from([6])) } }, { a: 54 });
      expectNoMatch({ a: { $bitsAllSet: [0] } }, { a: 'x' });
      expectError({ a: { $bitsAllSet: -1 } }, 2);
      expectError({ a: { $bitsAllSet: [-1] } }, 2);
    });
  });

  describe('top-level specials', () => {
    it('$comment is ignored, $alwaysTrue/$alwaysFalse work', () => {
      expectMatch({ $comment: 'hi', a: 1 }, { a: 1 });
      expectMatch({ $alwaysTrue: 1 }, {});
      expectNoMatch({ $alwaysFalse: 1 }, {});
    });

    it('$where and $jsonSchema are refused', () => {
      expectError({ $where: 'this.a == 1' }, 238);
      expectError({ $where: 'function() { return true }' }, 238);
      expectError({ $or: [{ $where: 'true' }] }, 238);
      expectError({ $jsonSchema: {} }, 238);
    });

    it('$expr delegates to the evaluator and tests truthiness', () => {
      expectError({ $expr: { $eq: ['$a', 1] } }, 238);
      const evalExpr = jest.fn((_e: unknown, doc: Document) => doc.v);
      const f = compileFilter({ $expr: { $x: 1 } }, { evalExpr });
      expect(f({ v: true })).toBe(true);
      expect(f({ v: 1 })).toBe(true);
      expect(f({ v: '' })).toBe(true);
      expect(f({ v: [] })).toBe(true);
      expect(f({ v: false })).toBe(false);
      expect(f({ v: 0 })).toBe(false);
      expect(f({ v: Long.fromNumber(0) })).toBe(false);
      expect(f({ v: Decimal128.fromString('0') })).toBe(false);
      expect(f({ v: null })).toBe(false);
      expect(f({})).toBe(false);
      expect(evalExpr).toHaveBeenCalledWith({ $x: 1 }, {});
    });

    it('$text needs a text matcher', () => {
      expectError({ $text: { $search: 'x' } }, 27, 'text index required for $text query');
      const f = compileFilter({ $text: { $search: 'x' }, a: 1 }, { textMatcher: (d) => d.t === 1 });
      expect(f({ a: 1, t: 1 })).toBe(true);
      expect(f({ a: 1, t: 2 })).toBe(false);
      expect(f({ a: 2, t: 1 })).toBe(false);
    });

    it('unknown operators are BadValue', () => {
      expectError({ $foo: 1 }, 2, 'unknown top level operator: $foo');
      expectError({ a: { $foo: 1 } }, 2, 'unknown operator: $foo');
      expectError({ a: { $gt: 1, b: 1 } }, 2, 'unknown operator: b');
    });
  });

  describe('geo (delegated to geo.ts)', () => {
    const square = {
      $geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [10, 0],
            [10, 10],
            [0, 10],
            [0, 0],
          ],
        ],
      },
    };

    it('$geoWithin with GeoJSON and legacy shapes', () => {
      expectMatch({ loc: { $geoWithin: square } }, { loc: { type: 'Point', coordinates: [5, 5] } });
      expectMatch({ loc: { $geoWithin: square } }, { loc: [5, 5] });
      expectNoMatch({ loc: { $geoWithin: square } }, { loc: [50, 5] });
      // an array of points matches when any point is inside
      expectMatch(
        { loc: { $geoWithin: square } },
        {
          loc: [
            [50, 5],
            [5, 5],
          ],
        },
      );
      expectNoMatch({ loc: { $geoWithin: square } }, {});
      expectNoMatch({ loc: { $geoWithin: square } }, { loc: 'x' });
      expectMatch(
        {
          loc: {
            $geoWithin: {
              $box: [
                [0, 0],
                [2, 2],
              ],
            },
          },
        },
        { loc: [1, 1] },
      );
      expectMatch({ loc: { $geoWithin: { $center: [[0, 0], 2] } } }, { loc: [1, 1] });
      expectNoMatch({ loc: { $geoWithin: { $center: [[0, 0], 1] } } }, { loc: [1, 1] });
      expectMatch({ 'p.loc': { $geoWithin: square } }, { p: [{ loc: [20, 20] }, { loc: [1, 1] }] });
    });

    it('$geoIntersects', () => {
      expectMatch(
        { loc: { $geoIntersects: square } },
        {
          loc: {
            type: 'LineString',
            coordinates: [
              [-5, 5],
              [5, 5],
            ],
          },
        },
      );
      expectNoMatch(
        { loc: { $geoIntersects: square } },
        { loc: { type: 'Point', coordinates: [20, 20] } },
      );
    });

    it('$near / $nearSphere filter by distance', () => {
      expectMatch({ loc: { $near: [0, 0], $maxDistance: 2 } }, { loc: [1, 1] });
      expectNoMatch({ loc: { $near: [0, 0], $maxDistance: 1 } }, { loc: [1, 1] });
      const here = { type: 'Point', coordinates: [30.5, 50.45] };
      expectMatch(
        { loc: { $nearSphere: { $geometry: here, $maxDistance: 1000 } } },
        { loc: { type: 'Point', coordinates: [30.501, 50.45] } },
      );
      expectNoMatch(
        { loc: { $nearSphere: { $geometry: here, $maxDistance: 10 } } },
        { loc: { type: 'Point', coordinates: [30.501, 50.45] } },
      );
      expectMatch({ loc: { $near: { $geometry: here } } }, { loc: [0, 0] });
      expectNoMatch({ loc: { $near: { $geometry: here } } }, {});
      expectError({ loc: { $maxDistance: 5 } }, 2);
    });

    it('reports invalid geo specs at compile time', () => {
      expect(() => compileFilter({ loc: { $geoWithin: { $geometry: { type: 'Nope' } } } })).toThrow(
        MongoError,
      );
      expect(() => compileFilter({ loc: { $near: 'x' } })).toThrow(MongoError);
    });
  });
});

describe('filterEqualities', () => {
  it('collects plain values, $eq, $and members and single $in', () => {
    const id = new ObjectId();
    const m = filterEqualities({
      _id: id,
      a: 1,
      b: { $eq: 'x' },
      c: { $gt: 1 },
      d: /re/,
      e: null,
      'f.g': { h: 1 },
      $and: [{ i: 2 }, { $and: [{ j: 3 }] }, { a: 99 }],
      k: { $in: [4] },
      l: { $in: [4, 5] },
      $or: [{ m: 1 }, { n: 2 }],
    });
    expect([...m.keys()]).toEqual(['_id', 'a', 'b', 'e', 'f.g', 'i', 'j', 'k']);
    expect(m.get('_id')).toBe(id);
    expect(m.get('a')).toBe(1);
    expect(m.get('b')).toBe('x');
    expect(m.get('e')).toBeNull();
    expect(m.get('f.g')).toEqual({ h: 1 });
    expect(m.get('k')).toBe(4);
    expect(filterEqualities({ $or: [{ a: 1 }] }).get('a')).toBe(1);
  });
});

describe('filterRanges', () => {
  it('describes what an index could bound on', () => {
    const r = filterRanges({
      a: 5,
      b: { $gt: 1, $lte: 10 },
      c: { $in: [1, 2] },
      d: { $in: [/x/] },
      e: { $ne: 1 },
      $and: [{ b: { $gt: 3 } }, { b: { $gt: 'z' } }, { b: { $lte: 20 } }],
      f: /x/,
    });
    expect(r.get('a')).toEqual({ eq: 5 });
    expect(r.get('b')).toEqual({ gt: 3, lte: 10 });
    expect(r.get('c')).toEqual({ in: [1, 2] });
    expect(r.has('d')).toBe(false);
    expect(r.has('e')).toBe(false);
    expect(r.has('f')).toBe(false);
  });
});
