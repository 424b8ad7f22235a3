/**
 * The update modifiers ($set, $inc, $push, ...): each parses and validates its argument once and
 * returns a `LeafFn` that computes the new value of one field. Messages and codes follow the
 * MongoDB server's update nodes (set_node.cpp, arithmetic_node.cpp, push_node.cpp, ...).
 */
import {
  bsonTypeOf,
  compareValues,
  deepClone,
  Double,
  fromWire,
  isInt32,
  isNumeric,
  Long,
  numericValue,
  Timestamp,
  valueKey,
  valuesEqual,
  type Document,
} from '../bson/values';
import { ErrorCode } from '../errors';
import { arith } from '../aggregate/numeric';
import { compileFilter } from '../query/matcher';
import { isTraversable, walkPath } from '../query/paths';
import {
  badValue,
  err,
  failedToParse,
  fmtElement,
  fmtValue,
  idString,
  NOCHANGE,
  typeName,
  UNSET,
  type LeafFn,
  type RunCtx,
} from './common';

/** An argument copied out of the command (stored docs must not alias it) in stored form. */
export function ownValue<T>(v: T): T {
  return fromWire(deepClone(v));
}

// ---- Arithmetic ($inc, $mul) ------------------------------------------------------------

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function asDouble(n: number): unknown {
  // Integral doubles keep their Double wrapper so that 5.0 stays a double.
  return Number.isInteger(n) || Object.is(n, -0) ? new Double(n) : n;
}

function toJs(v: unknown): number {
  const n = numericValue(v);
  return typeof n === 'bigint' ? Number(n) : n;
}

function toBig(v: unknown): bigint {
  const n = numericValue(v);
  return typeof n === 'bigint' ? n : BigInt(n);
}

/**
 * a (+|*) b with MongoDB's SafeNum typing: int op int overflowing gives long; long involved
 * gives long (undefined on int64 overflow, which the server reports as an error); a double
 * gives double; a decimal gives decimal.
 */
export function arithmetic(op: 'add' | 'mul', a: unknown, b: unknown): unknown {
  const ta = bsonTypeOf(a);
  const tb = bsonTypeOf(b);
  if (ta === 'decimal' || tb === 'decimal') return arith(op, a, b);
  if (ta === 'double' || tb === 'double') {
    const x = toJs(a);
    const y = toJs(b);
    return asDouble(op === 'add' ? x + y : x * y);
  }
  if (ta === 'int' && tb === 'int') {
    const x = toJs(a);
    const y = toJs(b);
    const r = op === 'add' ? x + y : x * y;
    if (r === 0) return 0; // 0 * -5 is -0 in JS, an int 0 in MongoDB
    if (isInt32(r)) return r;
    return Long.fromBigInt(op === 'add' ? BigInt(x) + BigInt(y) : BigInt(x) * BigInt(y));
  }
  const x = toBig(a);
  const y = toBig(b);
  const r = op === 'add' ? x + y : x * y;
  if (r < INT64_MIN || r > INT64_MAX) return undefined;
  return Long.fromBigInt(r);
}

function safeNumDebug(v: unknown): string {
  const t = bsonTypeOf(v);
  const name =
    t === 'int'
      ? 'NumberInt'
      : t === 'long'
        ? 'NumberLong'
        : t === 'double'
          ? 'NumberDouble'
          : 'NumberDecimal';
  return `(${name})${fmtValue(v)}`;
}

function arithmeticLeaf(op: '$inc' | '$mul', arg: unknown, path: string): LeafFn {
  const verb = op === '$inc' ? 'increment' : 'multiply';
  if (!isNumeric(arg)) {
    throw err(
      ErrorCode.TypeMismatch,
      `Cannot ${verb} with non-numeric argument: {${fmtElement(path, arg)}}`,
    );
  }
  const v = ownValue(arg);
  const kind = op === '$inc' ? 'add' : 'mul';
  return (cur, field, _path, rc) => {
    // A missing field gets the increment itself, or for $mul arg * 0 (the argument's type).
    if (cur === undefined) return kind === 'add' ? v : arithmetic('mul', v, 0);
    if (!isNumeric(cur)) {
      throw err(
        ErrorCode.TypeMismatch,
        `Cannot apply ${op} to a value of non-numeric type. {${idString(rc.doc)}} has the field ` +
          `'${field}' of non-numeric type ${typeName(cur)}`,
      );
    }
    const r = arithmetic(kind, cur, v);
    if (r === undefined) {
      throw badValue(
        `Failed to apply ${op} operations to current value (${safeNumDebug(cur)}) for document ` +
          `{${idString(rc.doc)}}`,
      );
    }
    return r;
  };
}

// ---- Simple modifiers ----------------------------------------------------------------------

function setLeaf(arg: unknown): LeafFn {
  const v = ownValue(arg);
  return () => v;
}

function setOnInsertLeaf(arg: unknown): LeafFn {
  const v = ownValue(arg);
  return (_cur, _f, _p, rc) => (rc.opts.isUpsertInsert ? v : NOCHANGE);
}

const unsetLeaf: LeafFn = (cur) => (cur === undefined ? NOCHANGE : UNSET);

function minMaxLeaf(op: '$min' | '$max', arg: unknown): LeafFn {
  const v = ownValue(arg);
  const sign = op === '$min' ? 1 : -1;
  return (cur) => (cur === undefined || compareValues(v, cur) * sign < 0 ? v : NOCHANGE);
}

let tsCounter = 0;

function currentDateLeaf(arg: unknown): LeafFn {
  let isDate = true;
  if (typeof arg === 'boolean') {
    isDate = true;
  } else if (isTraversable(arg)) {
    let found = false;
    for (const k of Object.keys(arg)) {
      if (k !== '$type') throw badValue(`Unrecognized $currentDate option: ${k}`);
      const t = arg[k];
      if (t === 'date' || t === 'timestamp') {
        isDate = t === 'date';
        found = true;
      }
    }
    if (!found) {
      throw badValue(
        "The '$type' string field is required to be 'date' or 'timestamp': " +
          "{$currentDate: {field : {$type: 'date'}}}",
      );
    }
  } else {
    throw badValue(
      `${typeName(arg)} is not valid type for $currentDate. Please use a boolean ('true') or a ` +
        "$type expression ({$type: 'timestamp/date'}).",
    );
  }
  return (_cur, _f, _p, rc) => {
    // One clock reading per update, shared by all $currentDate fields (as one server op).
    const now = (rc.now ??= rc.opts.now?.() ?? new Date());
    if (isDate) return new Date(now.getTime());
    tsCounter = (tsCounter + 1) >>> 0;
    return new Timestamp({ t: Math.floor(now.getTime() / 1000), i: tsCounter });
  };
}

// ---- Array modifiers -----------------------------------------------------------------------

function notArrayForPush(path: string, cur: unknown, rc: RunCtx): Error {
  // MongoDB names the full dotted path here (other modifiers name the last field).
  return badValue(
    `The field '${path}' must be an array but is of type ${typeName(cur)} in document ` +
      `{${idString(rc.doc)}}`,
  );
}

/** An integral numeric value (MongoDB's `parseIntegerElementToLong`), else undefined. */
function integralOf(v: unknown): number | undefined {
  if (!isNumeric(v)) return undefined;
  const n = toJs(v);
  return Number.isInteger(n) ? n : undefined;
}

type Sorter = (a: unknown, b: unknown) => number;

function sortKey(el: unknown, parts: string[], dir: number): unknown {
  // Non-documents have no fields: their key is null (MongoDB wraps them as {'': value}).
  if (!isTraversable(el)) return undefined;
  let best: unknown;
  let seen = false;
  walkPath(el, parts, 0, true, (v) => {
    if (Array.isArray(v)) return false;
    // Arrays contribute their smallest element ascending, their largest descending.
    if (!seen || compareValues(v, best) * dir < 0) best = v;
    seen = true;
    return false;
  });
  return best;
}

function parsePushSort(spec: unknown): Sorter {
  if (isTraversable(spec)) {
    const keys = Object.keys(spec);
    if (keys.length === 0) {
      throw badValue('The $sort pattern is empty when it should be a set of fields.');
    }
    const fields: [string[], number][] = [];
    for (const k of keys) {
      const d = spec[k];
      const n = isNumeric(d) ? toJs(d) : 0;
      if (n !== 1 && n !== -1) throw badValue('The $sort element value must be either 1 or -1');
      if (k === '') throw badValue('The $sort field cannot be empty');
      const parts = k.split('.');
      if (parts.some((p) => p === '')) {
        throw badValue(`The $sort field is a dotted field but has an empty part: ${k}`);
      }
      fields.push([parts, n]);
    }
    return (a, b) => {
      for (const [parts, dir] of fields) {
        const c = compareValues(sortKey(a, parts, dir), sortKey(b, parts, dir));
        if (c !== 0) return c * dir;
      }
      return 0;
    };
  }
  if (isNumeric(spec)) {
    const n = toJs(spec);
    if (n !== 1 && n !== -1) throw badValue('The $sort element value must be either 1 or -1');
    return (a, b) => compareValues(a, b) * n;
  }
  throw badValue(
    'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort ' +
      'embedded fields',
  );
}

function pushLeaf(arg: unknown): LeafFn {
  let values: unknown[];
  let position: number | undefined;
  let slice: number | undefined;
  let sorter: Sorter | undefined;
  if (isTraversable(arg) && Object.prototype.hasOwnProperty.call(arg, '$each')) {
    for (const k of Object.keys(arg)) {
      if (k !== '$each' && k !== '$slice' && k !== '$sort' && k !== '$position') {
        throw badValue(`Unrecognized clause in $push: ${k}`);
      }
    }
    const each = arg.$each;
    if (!Array.isArray(each)) {
      throw badValue(
        `The argument to $each in $push must be an array but it was of type: ${typeName(each)}`,
      );
    }
    values = ownValue(each);
    if ('$slice' in arg) {
      slice = integralOf(arg.$slice);
      if (slice === undefined) {
        throw badValue(
          `The value for $slice must be an integer value but was given type: ${typeName(arg.$slice)}`,
        );
      }
    }
    if ('$sort' in arg) sorter = parsePushSort(arg.$sort);
    if ('$position' in arg) {
      position = integralOf(arg.$position);
      if (position === undefined) {
        throw badValue(
          `The value for $position must be an integer value, not of type: ${typeName(arg.$position)}`,
        );
      }
    }
  } else {
    values = [ownValue(arg)];
  }
  return (cur, _field, path, rc) => {
    let out: unknown[];
    if (cur === undefined) {
      out = [];
    } else if (Array.isArray(cur)) {
      if (values.length === 0 && sorter === undefined && slice === undefined) return NOCHANGE;
      out = cur.slice();
    } else {
      throw notArrayForPush(path, cur, rc);
    }
    if (values.length > 0) {
      let at = out.length;
      if (position !== undefined) {
        at = position < 0 ? Math.max(0, out.length + position) : Math.min(position, out.length);
      }
      if (at === out.length) for (const v of values) out.push(v);
      else out.splice(at, 0, ...values);
    }
    if (sorter !== undefined) out.sort(sorter);
    if (slice !== undefined) {
      if (slice >= 0) {
        if (out.length > slice) out.length = slice;
      } else if (out.length > -slice) {
        out = out.slice(out.length + slice);
      }
    }
    return out;
  };
}

function addToSetLeaf(arg: unknown): LeafFn {
  let raw: unknown[];
  if (isTraversable(arg) && Object.keys(arg)[0] === '$each') {
    if (!Array.isArray(arg.$each)) {
      throw err(
        ErrorCode.TypeMismatch,
        `The argument to $each in $addToSet must be an array but it was of type ${typeName(arg.$each)}`,
      );
    }
    if (Object.keys(arg).length !== 1) {
      throw badValue(`Found unexpected fields after $each in $addToSet: ${fmtValue(arg)}`);
    }
    raw = ownValue(arg.$each);
  } else {
    raw = [ownValue(arg)];
  }
  // The values to add are de-duplicated among themselves first (first occurrence wins).
  const values: unknown[] = [];
  for (const v of raw) if (!values.some((x) => valuesEqual(x, v))) values.push(v);
  const keys = values.map(valueKey);
  return (cur, field) => {
    if (cur === undefined) return values.slice();
    if (!Array.isArray(cur)) {
      throw badValue(
        `Cannot apply $addToSet to non-array field. Field named '${field}' has non-array type ` +
          typeName(cur),
      );
    }
    let add: unknown[] | null = null;
    if (cur.length * values.length > 64) {
      // Large arrays: hash lookup (valueKey agrees with valuesEqual).
      const present = new Set(cur.map(valueKey));
      for (let i = 0; i < values.length; i++) {
        if (!present.has(keys[i])) (add ??= []).push(values[i]);
      }
    } else {
      for (const v of values) {
        if (!cur.some((x) => valuesEqual(x, v))) (add ??= []).push(v);
      }
    }
    return add === null ? NOCHANGE : cur.concat(add);
  };
}

function popLeaf(arg: unknown, path: string): LeafFn {
  if (!isNumeric(arg)) throw failedToParse(`Expected a number in: ${fmtElement(path, arg)}`);
  const n = toJs(arg);
  if (n !== 1 && n !== -1) throw failedToParse(`$pop expects 1 or -1, found: ${fmtValue(arg)}`);
  const fromFront = n === -1;
  return (cur, _field, p) => {
    if (cur === undefined) return NOCHANGE;
    if (!Array.isArray(cur)) {
      throw err(
        ErrorCode.TypeMismatch,
        `Path '${p}' contains an element of non-array type '${typeName(cur)}'`,
      );
    }
    if (cur.length === 0) return NOCHANGE;
    return fromFront ? cur.slice(1) : cur.slice(0, cur.length - 1);
  };
}

// Top-level query keys that do not take a path: an object starting with one is a whole filter.
const NON_PATH_OPERATORS = new Set([
  '$and',
  '$or',
  '$nor',
  '$expr',
  '$where',
  '$text',
  '$comment',
  '$jsonSchema',
  '$alwaysTrue',
  '$alwaysFalse',
  '$ref',
  '$id',
  '$db',
]);

function isRegexLike(v: unknown): boolean {
  return bsonTypeOf(v) === 'regex';
}

/** The element test of `$pull`, chosen as MongoDB's PullNode chooses its matcher. */
export function pullMatcher(arg: unknown): (el: unknown) => boolean {
  if (isTraversable(arg)) {
    const first = Object.keys(arg)[0];
    if (first === undefined || !first.startsWith('$') || NON_PATH_OPERATORS.has(first)) {
      // A query on embedded documents: only documents can match.
      const pred = compileFilter(arg);
      return (el) => isTraversable(el) && pred(el);
    }
  } else if (!isRegexLike(arg)) {
    return (el) => valuesEqual(el, arg);
  }
  // An operator condition or a regex on the element itself: match {v: el} against {v: cond}.
  const pred = compileFilter({ v: arg });
  return (el) => pred({ v: el });
}

function cull(cur: unknown, match: (el: unknown) => boolean): unknown {
  if (cur === undefined) return NOCHANGE;
  if (!Array.isArray(cur)) throw badValue('Cannot apply $pull to a non-array value');
  let out: unknown[] | null = null;
  for (let i = 0; i < cur.length; i++) {
    if (match(cur[i])) {
      if (out === null) out = cur.slice(0, i);
    } else if (out !== null) {
      out.push(cur[i]);
    }
  }
  return out ?? NOCHANGE;
}

function pullLeaf(arg: unknown): LeafFn {
  const match = pullMatcher(ownValue(arg));
  return (cur) => cull(cur, match);
}

function pullAllLeaf(arg: unknown): LeafFn {
  if (!Array.isArray(arg)) {
    throw badValue(`$pullAll requires an array argument but was given a ${typeName(arg)}`);
  }
  const values = ownValue(arg);
  return (cur) => cull(cur, (el) => values.some((v) => valuesEqual(el, v)));
}

type BitOp = 'and' | 'or' | 'xor';

function bitLeaf(arg: unknown): LeafFn {
  if (!isTraversable(arg)) {
    throw badValue(
      `The $bit modifier is not compatible with a ${typeName(arg)}. You must pass in an ` +
        'embedded document: {$bit: {field: {and/or/xor: #}}',
    );
  }
  const ops: [BitOp, bigint, boolean][] = [];
  for (const k of Object.keys(arg)) {
    const v = arg[k];
    if (k !== 'and' && k !== 'or' && k !== 'xor') {
      throw badValue(
        `The $bit modifier only supports 'and', 'or', and 'xor', not '${k}' which is an unknown ` +
          `operator: {${fmtElement(k, v)}}`,
      );
    }
    const t = typeName(v);
    if (t !== 'int' && t !== 'long') {
      throw badValue(
        `The $bit modifier field must be an Integer(32/64 bit); a '${t}' is not supported ` +
          `here: {${fmtElement(k, v)}}`,
      );
    }
    ops.push([k, toBig(v), t === 'long']);
  }
  if (ops.length === 0) {
    throw failedToParse(
      'You must pass in at least one bitwise operation. The format is: ' +
        '{$bit: {field: {and/or/xor: #}}',
    );
  }
  return (cur, field, _p, rc) => {
    let x = 0n;
    let isLong = false;
    if (cur !== undefined) {
      const t = typeName(cur);
      if (t !== 'int' && t !== 'long') {
        throw badValue(
          `Cannot apply $bit to a value of non-integral type.${idString(rc.doc)} has the field ` +
            `${field} of non-integer type ${t}`,
        );
      }
      x = toBig(cur);
      isLong = t === 'long';
    }
    for (const [op, y, yLong] of ops) {
      isLong ||= yLong;
      x = op === 'and' ? x & y : op === 'or' ? x | y : x ^ y;
    }
    return isLong ? Long.fromBigInt(BigInt.asIntN(64, x)) : Number(BigInt.asIntN(32, x));
  };
}

/** Builds the modifier for `op` at `path`, validating its argument ($rename is handled apart). */
export function buildLeaf(op: string, arg: unknown, path: string): LeafFn {
  switch (op) {
    case '$set':
      return setLeaf(arg);
    case '$setOnInsert':
      return setOnInsertLeaf(arg);
    case '$unset':
      return unsetLeaf;
    case '$inc':
    case '$mul':
      return arithmeticLeaf(op, arg, path);
    case '$min':
    case '$max':
      return minMaxLeaf(op, arg);
    case '$currentDate':
      return currentDateLeaf(arg);
    case '$push':
      return pushLeaf(arg);
    case '$addToSet':
      return addToSetLeaf(arg);
    case '$pop':
      return popLeaf(arg, path);
    case '$pull':
      return pullLeaf(arg);
    case '$pullAll':
      return pullAllLeaf(arg);
    case '$bit':
      return bitLeaf(arg);
    default:
      throw new Error(`unexpected modifier ${op}`);
  }
}

export const MODIFIERS = new Set([
  '$set',
  '$setOnInsert',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$currentDate',
  '$push',
  '$addToSet',
  '$pop',
  '$pull',
  '$pullAll',
  '$bit',
  '$rename',
]);

export type { Document };
