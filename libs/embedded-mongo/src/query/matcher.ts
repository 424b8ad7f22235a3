/**
 * MongoDB query filters compiled to closures. A filter is parsed once by `compileFilter`; the
 * returned predicate does no parsing per document (it runs per candidate of every find).
 *
 * Each field condition becomes a `Clause` with two forms: `doc` (walk the path with MongoDB's
 * array semantics, see paths.ts) and `el` (apply to one value directly, no traversal: what
 * `$elemMatch` in value form does with each array element).
 */
import {
  bsonTypeOf,
  canonicalTypeRank,
  compareValues,
  isNumeric,
  numericValue,
  regexParts,
  TYPE_CODES,
  valueKey,
  type BsonTypeName,
  type Document,
} from '../bson/values';
import { ErrorCode, MongoError } from '../errors';
import {
  matchGeoIntersectsGeometry,
  matchGeoWithinRegion,
  nearDistance,
  parseGeoIntersects,
  parseGeoWithin,
  parseNear,
  withinNearBounds,
} from './geo';
import { compilePathWalker, isTraversable, type PathVisitor } from './paths';

export interface MatchContext {
  /** Evaluates the query's `$text` condition for a document (set up by the server). */
  textMatcher?: (doc: Document) => boolean;
  now?: () => Date;
  /** Evaluates an aggregation expression against a document (for `$expr`). */
  evalExpr?: (expr: unknown, doc: Document) => unknown;
}

type DocPred = (doc: Document) => boolean;
type ValuePred = (v: unknown) => boolean;

interface Clause {
  /** The condition on a document, path traversal included. */
  doc: DocPred;
  /** The condition on one value, no traversal (used by `$elemMatch` value form). */
  el: ValuePred;
}

const TRUE: DocPred = () => true;
const FALSE: DocPred = () => false;

function badValue(message: string): MongoError {
  return new MongoError(ErrorCode.BadValue, message);
}

function notImplemented(message: string): MongoError {
  return new MongoError(ErrorCode.NotImplemented, message);
}

function bsonTag(v: unknown): string | undefined {
  return typeof v === 'object' && v !== null ? (v as { _bsontype?: string })._bsontype : undefined;
}

export function isRegexValue(v: unknown): boolean {
  return v instanceof RegExp || bsonTag(v) === 'BSONRegExp';
}

/** A plain (non-BSON-wrapper) document, not an array. */
function isPlainObject(v: unknown): v is Document {
  return isTraversable(v);
}

/** MongoDB's truthiness for `$expr` results and flags like `$exists`. */
export function isTruthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (typeof v === 'number') return v !== 0;
  if (isNumeric(v)) {
    const n = numericValue(v);
    return typeof n === 'bigint' ? n !== 0n : n !== 0;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Predicate combinators

function andDocs(preds: DocPred[]): DocPred {
  switch (preds.length) {
    case 0:
      return TRUE;
    case 1:
      return preds[0];
    case 2: {
      const [a, b] = preds;
      return (d) => a(d) && b(d);
    }
    case 3: {
      const [a, b, c] = preds;
      return (d) => a(d) && b(d) && c(d);
    }
    default:
      return (d) => {
        for (let i = 0; i < preds.length; i++) if (!preds[i](d)) return false;
        return true;
      };
  }
}

function andValues(preds: ValuePred[]): ValuePred {
  if (preds.length === 1) return preds[0];
  return (v) => {
    for (let i = 0; i < preds.length; i++) if (!preds[i](v)) return false;
    return true;
  };
}

function orDocs(preds: DocPred[]): DocPred {
  if (preds.length === 1) return preds[0];
  return (d) => {
    for (let i = 0; i < preds.length; i++) if (preds[i](d)) return true;
    return false;
  };
}

// ---------------------------------------------------------------------------------------------
// Regular expressions

const REGEX_CACHE = new Map<string, RegExp>();

/** Removes unescaped whitespace and `#` comments outside character classes (PCRE `x`). */
function stripExtended(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\' && i + 1 < src.length) {
      out += c + src[i + 1];
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

/** A JS RegExp for a MongoDB (PCRE) pattern and option letters; cached, never global. */
export function toJsRegExp(pattern: string, options: string): RegExp {
  const key = options + '/' + pattern;
  let re = REGEX_CACHE.get(key);
  if (re !== undefined) return re;
  let flags = '';
  let src = pattern;
  for (const o of options) {
    switch (o) {
      case 'i':
      case 'm':
      case 's':
        if (!flags.includes(o)) flags += o;
        break;
      case 'x':
        src = stripExtended(src);
        break;
      case 'u':
      case 'g':
      case 'y':
      case 'l':
      case 'd':
        // No effect on a single test (u: JS strings are already Unicode for our purposes).
        break;
      default:
        throw new MongoError(51108, `invalid flag in regex options: ${o}`);
    }
  }
  // PCRE named groups (?P<name>...) are (?<name>...) in JS.
  src = src.replace(/\(\?P</g, '(?<');
  try {
    re = new RegExp(src, flags);
  } catch (e) {
    throw new MongoError(51091, `Regular expression is invalid: ${(e as Error).message}`);
  }
  if (REGEX_CACHE.size > 5000) REGEX_CACHE.clear();
  REGEX_CACHE.set(key, re);
  return re;
}

function regexSource(v: unknown): [string, string] {
  if (v instanceof RegExp) {
    // Drop JS-only state flags; keep those MongoDB understands.
    return [v.source, v.flags.replace(/[gyud]/g, '')];
  }
  return regexParts(v);
}

/** Matches strings (and symbols) by the regex, and regex values equal to it. */
function regexPredicate(pattern: string, options: string): ValuePred {
  const re = toJsRegExp(pattern, options);
  const sortedOpts = [...options].sort().join('');
  return (v) => {
    if (typeof v === 'string') return re.test(v);
    if (v === null || typeof v !== 'object') return false;
    const tag = bsonTag(v);
    if (tag === 'BSONSymbol') return re.test((v as { value: string }).value);
    if (v instanceof RegExp || tag === 'BSONRegExp') {
      const [p, o] = regexSource(v);
      return p === pattern && [...o].sort().join('') === sortedOpts;
    }
    return false;
  };
}

// ---------------------------------------------------------------------------------------------
// Equality and comparison

/** `$eq` against one concrete value (no traversal), with fast paths for common operand types. */
function equalityPredicate(target: unknown): ValuePred {
  if (target === null || target === undefined) {
    return (v) => v === null || v === undefined;
  }
  switch (typeof target) {
    case 'number':
      if (Number.isNaN(target)) return (v) => isNumeric(v) && compareValues(v, target) === 0;
      return (v) =>
        v === target ||
        (typeof v === 'object' && v !== null && isNumeric(v) && compareValues(v, target) === 0);
    case 'string':
      return (v) =>
        v === target || (bsonTag(v) === 'BSONSymbol' && (v as { value: string }).value === target);
    case 'boolean':
      return (v) => v === target;
    default:
      break;
  }
  const tag = bsonTag(target);
  if (tag === 'ObjectId') {
    // ObjectId#equals compares the internal words directly (the `id` getter allocates).
    const oid = target as { equals(other: unknown): boolean };
    return (v) => bsonTag(v) === 'ObjectId' && oid.equals(v);
  }
  if (tag === 'Long' || tag === 'Double' || tag === 'Int32') {
    // Same value as a plain number when exact: reuse the fast number path.
    const n = numericValue(target);
    const asNumber = typeof n === 'bigint' ? Number(n) : n;
    if (typeof n === 'number' || Number.isSafeInteger(asNumber)) return equalityPredicate(asNumber);
  }
  if (target instanceof Date) {
    const t = target.getTime();
    return (v) => v instanceof Date && v.getTime() === t;
  }
  const rank = canonicalTypeRank(target);
  return (v) => v !== undefined && canonicalTypeRank(v) === rank && compareValues(v, target) === 0;
}

type CmpOp = '$lt' | '$lte' | '$gt' | '$gte';

function isNaNValue(v: unknown): boolean {
  if (typeof v === 'number') return Number.isNaN(v);
  if (!isNumeric(v)) return false;
  const n = numericValue(v);
  return typeof n === 'number' && Number.isNaN(n);
}

/**
 * `$lt`/`$lte`/`$gt`/`$gte` against one value: only values of the operand's canonical type
 * compare (MinKey/MaxKey operands bound every type; NaN only equals NaN).
 */
function comparisonPredicate(op: CmpOp, target: unknown): ValuePred {
  const orEqual = op === '$lte' || op === '$gte';
  const t = bsonTypeOf(target);
  if (t === 'minKey' || t === 'maxKey') {
    const crossTypeMatch =
      t === 'maxKey' ? op === '$lt' || op === '$lte' : op === '$gt' || op === '$gte';
    return (v) => (bsonTypeOf(v) === t ? orEqual : crossTypeMatch);
  }
  if (isNaNValue(target)) return orEqual ? (v) => isNaNValue(v) : () => false;
  const rank = canonicalTypeRank(target);
  const accept =
    op === '$lt'
      ? (c: number) => c < 0
      : op === '$lte'
        ? (c: number) => c <= 0
        : op === '$gt'
          ? (c: number) => c > 0
          : (c: number) => c >= 0;
  if (typeof target === 'number') {
    const n = target;
    const fast =
      op === '$lt'
        ? (x: number) => x < n
        : op === '$lte'
          ? (x: number) => x <= n
          : op === '$gt'
            ? (x: number) => x > n
            : (x: number) => x >= n;
    return (v) => {
      if (typeof v === 'number') return v === v && fast(v); // NaN compares false
      if (typeof v !== 'object' || v === null || !isNumeric(v) || isNaNValue(v)) return false;
      return accept(compareValues(v, n));
    };
  }
  if (typeof target === 'string') {
    return (v) =>
      (typeof v === 'string' || bsonTag(v) === 'BSONSymbol') && accept(compareValues(v, target));
  }
  if (target instanceof Date) {
    const ms = target.getTime();
    return (v) => v instanceof Date && accept(v.getTime() < ms ? -1 : v.getTime() > ms ? 1 : 0);
  }
  return (v) => {
    if (canonicalTypeRank(v) !== rank) return false;
    if (rank === 10 && isNaNValue(v)) return false;
    return accept(compareValues(v, target));
  };
}

// ---------------------------------------------------------------------------------------------
// $in

function inPredicate(list: unknown, opName: string): ValuePred {
  if (!Array.isArray(list)) throw badValue(`${opName} needs an array`);
  const keys = new Set<string>();
  const regexes: ValuePred[] = [];
  let hasNull = false;
  for (const item of list) {
    if (isRegexValue(item)) {
      const [p, o] = regexSource(item);
      regexes.push(regexPredicate(p, o));
    } else {
      if (isPlainObject(item) && Object.keys(item).some((k) => k.startsWith('$'))) {
        const first = Object.keys(item)[0];
        if (first !== '$ref' && first !== '$id' && first !== '$db') {
          throw badValue(`cannot nest $ under ${opName}`);
        }
      }
      if (item === null) hasNull = true;
      keys.add(valueKey(item));
    }
  }
  if (regexes.length === 0) {
    if (keys.size === 0) return () => false;
    return (v) => {
      if (v === undefined) return hasNull;
      return keys.has(valueKey(v));
    };
  }
  return (v) => {
    if (v === undefined) return hasNull;
    if (keys.has(valueKey(v))) return true;
    for (let i = 0; i < regexes.length; i++) if (regexes[i](v)) return true;
    return false;
  };
}

// ---------------------------------------------------------------------------------------------
// $type

const TYPE_BY_CODE = new Map<number, BsonTypeName>(
  Object.entries(TYPE_CODES).map(([name, code]) => [code, name as BsonTypeName]),
);
const NUMBER_TYPES: BsonTypeName[] = ['double', 'int', 'long', 'decimal'];

function typeSet(spec: unknown): Set<BsonTypeName> {
  const items = Array.isArray(spec) ? spec : [spec];
  const out = new Set<BsonTypeName>();
  for (const item of items) {
    if (typeof item === 'string') {
      if (item === 'number') {
        for (const t of NUMBER_TYPES) out.add(t);
      } else if (Object.prototype.hasOwnProperty.call(TYPE_CODES, item)) {
        out.add(item as BsonTypeName);
      } else {
        throw badValue(`Unknown type name alias: ${item}`);
      }
    } else if (isNumeric(item)) {
      const n = Number(numericValue(item));
      const name = TYPE_BY_CODE.get(n);
      if (!Number.isInteger(n) || name === undefined) {
        throw badValue(`Invalid numerical type code: ${n}`);
      }
      out.add(name);
    } else {
      throw badValue('type must be represented as a number or a string');
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// $mod, $size, bitwise

function toBigIntTrunc(v: unknown): bigint | null {
  const n = numericValue(v);
  if (typeof n === 'bigint') return n;
  if (!Number.isFinite(n)) return null;
  return BigInt(Math.trunc(n));
}

function modPredicate(spec: unknown): ValuePred {
  if (!Array.isArray(spec)) throw badValue('malformed mod, needs to be an array');
  if (spec.length < 2) throw badValue('malformed mod, not enough elements');
  if (spec.length > 2) throw badValue('malformed mod, too many elements');
  if (!isNumeric(spec[0])) throw badValue('malformed mod, divisor not a number');
  if (!isNumeric(spec[1])) throw badValue('malformed mod, remainder not a number');
  const divisor = toBigIntTrunc(spec[0]);
  const remainder = toBigIntTrunc(spec[1]);
  if (divisor === null || remainder === null)
    throw badValue('malformed mod, divisor or remainder is not finite');
  if (divisor === 0n) throw badValue('divisor cannot be 0');
  const lim = 2n ** 52n;
  const small = divisor <= lim && divisor >= -lim && remainder <= lim && remainder >= -lim;
  const d = Number(divisor);
  const r = Number(remainder);
  return (v) => {
    if (typeof v === 'number' && small) {
      if (!Number.isFinite(v)) return false;
      const t = Math.trunc(v);
      if (Number.isSafeInteger(t)) return t % d === r || (t % d === 0 && r === 0);
    }
    if (!isNumeric(v)) return false;
    const x = toBigIntTrunc(v);
    return x !== null && x % divisor === remainder;
  };
}

function sizePredicate(spec: unknown): ValuePred {
  if (!isNumeric(spec)) throw badValue('$size needs a number');
  const n = Number(numericValue(spec));
  if (!Number.isInteger(n)) throw badValue(`$size must be a whole number`);
  if (n < 0) throw badValue(`$size may not be negative`);
  return (v) => Array.isArray(v) && v.length === n;
}

type BitOp = '$bitsAllSet' | '$bitsAnySet' | '$bitsAllClear' | '$bitsAnyClear';

function bitPositions(op: string, spec: unknown): number[] {
  const out: number[] = [];
  if (Array.isArray(spec)) {
    for (const p of spec) {
      if (!isNumeric(p)) throw badValue(`bit positions must be an integer but got: ${String(p)}`);
      const n = Number(numericValue(p));
      if (!Number.isInteger(n) || n < 0) throw badValue(`bit positions must be >= 0 but got: ${n}`);
      out.push(n);
    }
    return out;
  }
  if (isNumeric(spec)) {
    const n = numericValue(spec);
    const big = typeof n === 'bigint' ? n : Number.isInteger(n) ? BigInt(n) : -1n;
    if (big < 0n) throw badValue(`${op} takes a non-negative integral bitmask`);
    for (let i = 0; big >> BigInt(i) !== 0n; i++) if ((big >> BigInt(i)) & 1n) out.push(i);
    return out;
  }
  if (bsonTag(spec) === 'Binary') {
    const b = spec as { buffer: Uint8Array; position: number };
    for (let i = 0; i < b.position; i++) {
      for (let j = 0; j < 8; j++) if (b.buffer[i] & (1 << j)) out.push(i * 8 + j);
    }
    return out;
  }
  throw badValue(`${op} takes an Array, a number, or a BinData but received: ${String(spec)}`);
}

function bitsPredicate(op: BitOp, spec: unknown): ValuePred {
  const positions = bitPositions(op, spec);
  const wantSet = op === '$bitsAllSet' || op === '$bitsAnySet';
  const all = op === '$bitsAllSet' || op === '$bitsAllClear';
  return (v) => {
    let bit: (p: number) => boolean;
    if (isNumeric(v)) {
      const n = numericValue(v);
      let big: bigint;
      if (typeof n === 'bigint') big = n;
      else if (Number.isInteger(n) && Math.abs(n) <= 2 ** 63) big = BigInt(n);
      else return false; // non-integral or out of int64 range never matches
      // Two's complement with sign extension beyond bit 63, as MongoDB does.
      bit = (p) => ((big >> BigInt(p)) & 1n) === 1n;
    } else if (bsonTag(v) === 'Binary') {
      const b = v as { buffer: Uint8Array; position: number };
      bit = (p) => p >> 3 < b.position && (b.buffer[p >> 3] & (1 << (p & 7))) !== 0;
    } else {
      return false;
    }
    if (all) {
      for (const p of positions) if (bit(p) !== wantSet) return false;
      return true;
    }
    for (const p of positions) if (bit(p) === wantSet) return true;
    return false;
  };
}

// ---------------------------------------------------------------------------------------------
// Field conditions

/** Operators that make `$elemMatch: {...}` the value form (conditions on each element). */
const LOGICAL_TOP = new Set([
  '$and',
  '$or',
  '$nor',
  '$expr',
  '$where',
  '$text',
  '$comment',
  '$jsonSchema',
]);

/** Is this operand an operator document (`{ $gt: 1 }`) rather than a literal to compare? */
function isOperatorDoc(v: unknown): v is Document {
  if (!isPlainObject(v)) return false;
  for (const k in v) {
    // Only the first key decides, as MongoDB does; DBRef-like literals stay literal.
    return k.startsWith('$') && k !== '$ref' && k !== '$id' && k !== '$db';
  }
  return false;
}

class FieldCompiler {
  private expanded?: (doc: Document, visit: PathVisitor) => boolean;
  private unexpanded?: (doc: Document, visit: PathVisitor) => boolean;

  constructor(
    readonly path: string,
    readonly ctx: MatchContext,
  ) {}

  /** Any candidate (leaf arrays expanded) satisfies `pred`. */
  any(pred: ValuePred): DocPred {
    const w = (this.expanded ??= compilePathWalker(this.path, true));
    return (d) => w(d, pred);
  }

  /** Any candidate, leaf arrays seen only as themselves. */
  anyUnexpanded(pred: ValuePred): DocPred {
    const w = (this.unexpanded ??= compilePathWalker(this.path, false));
    return (d) => w(d, pred);
  }

  /** Clause for `{ path: operand }`. */
  condition(operand: unknown): Clause[] {
    if (isOperatorDoc(operand)) return this.operators(operand);
    if (isRegexValue(operand)) {
      const [p, o] = regexSource(operand);
      const re = regexPredicate(p, o);
      return [{ doc: this.any(re), el: re }];
    }
    return [this.eq(operand)];
  }

  eq(operand: unknown): Clause {
    const eq = equalityPredicate(operand);
    return { doc: this.any(eq), el: eq };
  }

  operators(ops: Document): Clause[] {
    const clauses: Clause[] = [];
    const keys = Object.keys(ops);
    for (const op of keys) {
      const arg = ops[op];
      switch (op) {
        case '$eq':
          clauses.push(this.eq(arg));
          break;
        case '$ne': {
          if (isRegexValue(arg)) throw badValue("Can't have regex as arg to $ne.");
          const eq = equalityPredicate(arg);
          const any = this.any(eq);
          clauses.push({ doc: (d) => !any(d), el: (v) => !eq(v) });
          break;
        }
        case '$lt':
        case '$lte':
        case '$gt':
        case '$gte': {
          const cmp = comparisonPredicate(op, arg);
          clauses.push({ doc: this.any(cmp), el: cmp });
          break;
        }
        case '$in': {
          const p = inPredicate(arg, '$in');
          clauses.push({ doc: this.any(p), el: p });
          break;
        }
        case '$nin': {
          const p = inPredicate(arg, '$nin');
          const any = this.any(p);
          clauses.push({ doc: (d) => !any(d), el: (v) => !p(v) });
          break;
        }
        case '$exists': {
          const want = isTruthy(arg);
          const defined: ValuePred = (v) => v !== undefined;
          const any = this.anyUnexpanded(defined);
          clauses.push(
            want ? { doc: any, el: () => true } : { doc: (d) => !any(d), el: () => false },
          );
          break;
        }
        case '$type': {
          const types = typeSet(arg);
          const p: ValuePred = (v) => v !== undefined && types.has(bsonTypeOf(v));
          clauses.push({ doc: this.any(p), el: p });
          break;
        }
        case '$regex': {
          const p = this.regexFromOps(arg, ops.$options);
          clauses.push({ doc: this.any(p), el: p });
          break;
        }
        case '$options':
          if (!('$regex' in ops)) throw badValue('$options needs a $regex');
          break;
        case '$mod': {
          const p = modPredicate(arg);
          clauses.push({ doc: this.any(p), el: p });
          break;
        }
        case '$size': {
          const p = sizePredicate(arg);
          clauses.push({ doc: this.anyUnexpanded(p), el: p });
          break;
        }
        case '$all':
          clauses.push(this.all(arg));
          break;
        case '$elemMatch': {
          const p = this.elemMatch(arg);
          clauses.push({ doc: this.anyUnexpanded(p), el: p });
          break;
        }
        case '$not':
          clauses.push(this.not(arg));
          break;
        case '$bitsAllSet':
        case '$bitsAnySet':
        case '$bitsAllClear':
        case '$bitsAnyClear': {
          const p = bitsPredicate(op, arg);
          clauses.push({ doc: this.any(p), el: p });
          break;
        }
        case '$geoWithin':
        case '$within': {
          if (!isPlainObject(arg)) throw badValue(`${op} not an object`);
          // Parsed once here (validation errors surface at compile time), tested per value.
          const region = parseGeoWithin(arg);
          clauses.push(this.geo((v) => matchGeoWithinRegion(v, region)));
          break;
        }
        case '$geoIntersects': {
          if (!isPlainObject(arg)) throw badValue('$geoIntersects not an object');
          const geometry = parseGeoIntersects(arg);
          clauses.push(this.geo((v) => matchGeoIntersectsGeometry(v, geometry)));
          break;
        }
        case '$near':
        case '$nearSphere': {
          // The whole operator document: legacy sibling $maxDistance/$minDistance live there.
          const near = parseNear(
            { [op]: arg, ...pick(ops, '$maxDistance', '$minDistance') },
            op === '$nearSphere',
          );
          clauses.push(
            this.geo((v) => {
              const d = nearDistance(v, near);
              return d !== null && withinNearBounds(d, near);
            }),
          );
          break;
        }
        case '$maxDistance':
        case '$minDistance':
          if (!('$near' in ops) && !('$nearSphere' in ops)) {
            throw badValue(`${op} must be used with $near or $nearSphere`);
          }
          break;
        case '$geometry':
          throw badValue(
            '$geometry must be inside $geoWithin, $geoIntersects, $near or $nearSphere',
          );
        case '$comment':
          break;
        default:
          throw badValue(`unknown operator: ${op}`);
      }
    }
    return clauses;
  }

  private regexFromOps(regex: unknown, options: unknown): ValuePred {
    if (options !== undefined && typeof options !== 'string') {
      throw badValue('$options has to be a string');
    }
    const opts = options ?? '';
    if (typeof regex === 'string') return regexPredicate(regex, opts);
    if (isRegexValue(regex)) {
      const [p, o] = regexSource(regex);
      if (o !== '' && opts !== '')
        throw new MongoError(51075, 'options set in both $regex and $options');
      return regexPredicate(p, o || opts);
    }
    throw badValue('$regex has to be a string');
  }

  private all(arg: unknown): Clause {
    if (!Array.isArray(arg)) throw badValue('$all needs an array');
    if (arg.length === 0) return { doc: FALSE, el: () => false };
    const isElemMatch = (x: unknown) => isPlainObject(x) && Object.keys(x)[0] === '$elemMatch';
    const parts: Clause[] = [];
    if (isElemMatch(arg[0])) {
      for (const item of arg) {
        if (!isElemMatch(item)) throw badValue('$all/$elemMatch has to be consistent');
        const p = this.elemMatch((item as Document).$elemMatch);
        parts.push({ doc: this.anyUnexpanded(p), el: p });
      }
    } else {
      for (const item of arg) {
        if (isElemMatch(item)) throw badValue('$all/$elemMatch has to be consistent');
        if (isOperatorDoc(item)) throw badValue('no $ expressions in $all');
        if (isRegexValue(item)) {
          const [p, o] = regexSource(item);
          const re = regexPredicate(p, o);
          parts.push({ doc: this.any(re), el: re });
        } else {
          parts.push(this.eq(item));
        }
      }
    }
    return { doc: andDocs(parts.map((c) => c.doc)), el: andValues(parts.map((c) => c.el)) };
  }

  /** `$elemMatch` as a predicate on the (unexpanded) value: an array with a matching element. */
  private elemMatch(arg: unknown): ValuePred {
    if (!isPlainObject(arg)) throw badValue('$elemMatch needs an Object');
    const keys = Object.keys(arg);
    const valueForm = keys.length > 0 && keys[0].startsWith('$') && !LOGICAL_TOP.has(keys[0]);
    let elPred: ValuePred;
    if (valueForm) {
      const inner = new FieldCompiler('', this.ctx).operators(arg);
      elPred = andValues(inner.map((c) => c.el));
    } else {
      const sub = compileDocFilter(arg, this.ctx, false);
      // Object form: elements that are documents (or arrays, seen as documents by MongoDB).
      elPred = (el) =>
        (isPlainObject(el) && sub(el)) || (Array.isArray(el) && sub(el as unknown as Document));
    }
    return (v) => {
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) if (elPred(v[i])) return true;
      return false;
    };
  }

  private not(arg: unknown): Clause {
    if (isRegexValue(arg)) {
      const [p, o] = regexSource(arg);
      const re = regexPredicate(p, o);
      const any = this.any(re);
      return { doc: (d) => !any(d), el: (v) => !re(v) };
    }
    if (!isPlainObject(arg)) throw badValue('$not needs a regex or a document');
    const keys = Object.keys(arg);
    if (keys.length === 0) throw badValue('$not cannot be empty');
    if (!keys[0].startsWith('$')) throw badValue('$not needs a regex or a document');
    const inner = this.operators(arg);
    const doc = andDocs(inner.map((c) => c.doc));
    const el = andValues(inner.map((c) => c.el));
    return { doc: (d) => !doc(d), el: (v) => !el(v) };
  }

  /** Geo operators see leaf arrays whole (a legacy point is an array); geo.ts handles arrays of points. */
  private geo(test: ValuePred): Clause {
    const p: ValuePred = (v) => v !== undefined && v !== null && test(v);
    return { doc: this.anyUnexpanded(p), el: p };
  }
}

function pick(d: Document, ...keys: string[]): Document {
  const out: Document = {};
  for (const k of keys) if (d[k] !== undefined) out[k] = d[k];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Documents

function logicalArray(op: string, arg: unknown): Document[] {
  if (!Array.isArray(arg) || arg.length === 0) {
    throw badValue(`${op} must be a nonempty array`);
  }
  for (const item of arg) {
    if (!isPlainObject(item)) throw badValue(`${op} argument's entries must be objects`);
  }
  return arg as Document[];
}

function compileDocFilter(filter: Document, ctx: MatchContext, topLevel: boolean): DocPred {
  if (!isPlainObject(filter)) throw badValue('filter must be an object');
  const preds: DocPred[] = [];
  // Cheap clauses first would help, but MongoDB semantics do not depend on order; keep the
  // user's order except that $expr / $where-like callbacks go last.
  const late: DocPred[] = [];
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (key.startsWith('$')) {
      switch (key) {
        case '$and':
          preds.push(andDocs(logicalArray(key, value).map((f) => compileDocFilter(f, ctx, false))));
          break;
        case '$or':
          preds.push(orDocs(logicalArray(key, value).map((f) => compileDocFilter(f, ctx, false))));
          break;
        case '$nor': {
          const any = orDocs(logicalArray(key, value).map((f) => compileDocFilter(f, ctx, false)));
          preds.push((d) => !any(d));
          break;
        }
        case '$comment':
          break;
        case '$alwaysTrue':
          break;
        case '$alwaysFalse':
          preds.push(FALSE);
          break;
        case '$where':
          // Never evaluate user-supplied code.
          throw notImplemented('$where is not supported');
        case '$jsonSchema':
          throw notImplemented('$jsonSchema is not supported');
        case '$expr': {
          const evalExpr = ctx.evalExpr;
          if (evalExpr === undefined) throw notImplemented('$expr is not supported here');
          late.push((d) => isTruthy(evalExpr(value, d)));
          break;
        }
        case '$text': {
          if (!topLevel) throw badValue('$text can only be applied to the top-level document');
          const tm = ctx.textMatcher;
          if (tm === undefined) {
            throw new MongoError(ErrorCode.IndexNotFound, 'text index required for $text query');
          }
          late.push((d) => tm(d));
          break;
        }
        default:
          throw badValue(`unknown top level operator: ${key}`);
      }
      continue;
    }
    const fc = new FieldCompiler(key, ctx);
    for (const c of fc.condition(value)) preds.push(c.doc);
  }
  return andDocs(preds.concat(late));
}

/**
 * Compiles a MongoDB query filter into a predicate. Throws MongoError (BadValue 2,
 * NotImplemented 238, IndexNotFound 27) for invalid or unsupported filters at compile time.
 */
export function compileFilter(
  filter: Document,
  ctx: MatchContext = {},
): (doc: Document) => boolean {
  if (filter === undefined || filter === null) return TRUE;
  return compileDocFilter(filter, ctx, true);
}

/** Does the value match a single field condition (`{ $gt: 1 }`, a literal, a regex)? */
export function compileValueCondition(condition: unknown, ctx: MatchContext = {}): ValuePred {
  const clauses = new FieldCompiler('', ctx).condition(condition);
  return andValues(clauses.map((c) => c.el));
}

// ---------------------------------------------------------------------------------------------
// Planner and upsert helpers

function forEachAndMember(filter: Document, fn: (path: string, cond: unknown) => void): void {
  if (!isPlainObject(filter)) return;
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (key === '$and' && Array.isArray(value)) {
      for (const sub of value) if (isPlainObject(sub)) forEachAndMember(sub, fn);
    } else if (key === '$or' && Array.isArray(value) && value.length === 1) {
      // A one-clause $or is an $and (MongoDB normalises it the same way).
      if (isPlainObject(value[0])) forEachAndMember(value[0], fn);
    } else if (!key.startsWith('$')) {
      fn(key, value);
    }
  }
}

/**
 * Fields fixed to one value by the filter: `{a: v}` (v not a regex or operator doc),
 * `{a: {$eq: v}}`, `{a: {$in: [v]}}`, inside top-level `$and` (and a one-clause `$or`).
 * The first occurrence of a path wins.
 */
export function filterEqualities(filter: Document): Map<string, unknown> {
  const out = new Map<string, unknown>();
  forEachAndMember(filter, (path, cond) => {
    if (out.has(path)) return;
    if (isOperatorDoc(cond)) {
      if ('$eq' in cond && !isRegexValue(cond.$eq)) {
        out.set(path, cond.$eq);
      } else if (Array.isArray(cond.$in) && cond.$in.length === 1 && !isRegexValue(cond.$in[0])) {
        out.set(path, cond.$in[0]);
      }
      return;
    }
    if (!isRegexValue(cond)) out.set(path, cond);
  });
  return out;
}

export interface FieldRange {
  eq?: unknown;
  in?: unknown[];
  gt?: unknown;
  gte?: unknown;
  lt?: unknown;
  lte?: unknown;
}

/** Keeps the tighter of two bounds when they are comparable (same canonical type). */
function tighter(prev: unknown, next: unknown, wantMax: boolean): unknown {
  if (prev === undefined) return next;
  if (canonicalTypeRank(prev) !== canonicalTypeRank(next)) return prev;
  const c = compareValues(next, prev);
  return (wantMax ? c > 0 : c < 0) ? next : prev;
}

/**
 * Per field (top level and `$and` members), the facts an index could bound on: equality,
 * `$in` lists without regexes, and comparison bounds. Regexes, `$ne`, `$not`, `$elemMatch` and
 * other operators are left out (conservative: every listed fact must hold for a match).
 * Comparison bounds only ever match values of the bound's canonical type.
 */
export function filterRanges(filter: Document): Map<string, FieldRange> {
  const out = new Map<string, FieldRange>();
  const entry = (path: string): FieldRange => {
    let r = out.get(path);
    if (r === undefined) {
      r = {};
      out.set(path, r);
    }
    return r;
  };
  forEachAndMember(filter, (path, cond) => {
    if (!isOperatorDoc(cond)) {
      if (!isRegexValue(cond)) {
        const r = entry(path);
        if (!('eq' in r)) r.eq = cond;
      }
      return;
    }
    for (const op of Object.keys(cond)) {
      const v = cond[op];
      switch (op) {
        case '$eq':
          if (!isRegexValue(v)) {
            const r = entry(path);
            if (!('eq' in r)) r.eq = v;
          }
          break;
        case '$in':
          if (Array.isArray(v) && !v.some(isRegexValue)) {
            const r = entry(path);
            if (r.in === undefined) r.in = v;
          }
          break;
        case '$gt':
        case '$gte':
          if (!isNaNValue(v)) {
            const r = entry(path);
            const k = op === '$gt' ? 'gt' : 'gte';
            r[k] = tighter(r[k], v, true);
          }
          break;
        case '$lt':
        case '$lte':
          if (!isNaNValue(v)) {
            const r = entry(path);
            const k = op === '$lt' ? 'lt' : 'lte';
            r[k] = tighter(r[k], v, false);
          }
          break;
        default:
          break;
      }
    }
  });
  return out;
}
