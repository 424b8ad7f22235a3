/**
 * Aggregation expression evaluator over the stored value model. Arithmetic, comparison,
 * conversion, type, array, object, set and variable operators are implemented here with
 * BSON-exact semantics; the remaining (mostly date and string) operators are delegated to
 * mingo with their arguments already evaluated (see mingo-bridge).
 */
import { BSON, Decimal128, Long, ObjectId, Timestamp } from 'bson';
import {
  bsonTypeOf,
  compareValues,
  Document,
  isInt32,
  isNumeric,
  TYPE_CODES,
  valueKey,
  valuesEqual,
} from '../bson/values';
import { ErrorCode, MongoError } from '../errors';
import type { PipelineContext } from './context';
import { mingoOperator } from './mingo-bridge';
import {
  arith,
  divide,
  isZero,
  makeDouble,
  makeInteger,
  mathUnary,
  mod,
  numKind,
  NumericSum,
  toDecimal,
  toNumber,
} from './numeric';

export interface Scope {
  root: unknown;
  current: unknown;
  vars: Record<string, unknown>;
  now: Date;
  ctx?: Partial<PipelineContext>;
}

type Op = (args: unknown, scope: Scope) => unknown;

const REMOVE = undefined;

export function fail(code: number, message: string): MongoError {
  return new MongoError(code, message);
}

export function isDoc(v: unknown): v is Document {
  if (typeof v !== 'object' || v === null) return false;
  // Fast path: stored and computed documents are plain objects.
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return true;
  return (
    !Array.isArray(v) &&
    (v as { _bsontype?: string })._bsontype === undefined &&
    !(v instanceof Date) &&
    !(v instanceof RegExp)
  );
}

const pathCache = new Map<string, string[]>();
export function splitPath(path: string): string[] {
  let parts = pathCache.get(path);
  if (!parts) {
    parts = path.split('.');
    if (pathCache.size > 10000) pathCache.clear();
    pathCache.set(path, parts);
  }
  return parts;
}

/** Aggregation field-path semantics: arrays map over their document elements. */
export function getPathValue(v: unknown, parts: string[], i = 0): unknown {
  if (i === parts.length) return v;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const e of v) {
      if (Array.isArray(e) || isDoc(e)) {
        const r = getPathValue(e, parts, i);
        if (r !== undefined) out.push(r);
      }
    }
    return out;
  }
  if (isDoc(v)) return getPathValue(v[parts[i]], parts, i + 1);
  return undefined;
}

export function makeScope(doc: unknown, ctx?: Partial<PipelineContext>, vars?: Document): Scope {
  return { root: doc, current: doc, vars: vars ?? {}, now: ctx?.now?.() ?? new Date(), ctx };
}

export function withVars(scope: Scope, vars: Record<string, unknown>): Scope {
  return { ...scope, vars: { ...scope.vars, ...vars } };
}

export function withDoc(scope: Scope, doc: unknown): Scope {
  return { ...scope, root: doc, current: doc };
}

/** Evaluates an aggregation expression against `doc` (for $expr, pipeline updates, ...). */
export function evaluateExpression(
  expr: unknown,
  doc: Document,
  ctx?: Partial<PipelineContext>,
): unknown {
  return evaluate(expr, makeScope(doc, ctx));
}

export function evaluate(expr: unknown, scope: Scope): unknown {
  if (typeof expr === 'string') {
    if (expr.charCodeAt(0) !== 36 /* $ */) return expr;
    if (expr.charCodeAt(1) === 36) return variable(expr.slice(2), scope);
    if (expr.length === 1) throw fail(16872, "'$' by itself is not a valid FieldPath");
    return getPathValue(scope.current, splitPath(expr.slice(1)));
  }
  if (expr === null || typeof expr !== 'object') return expr;
  if (Array.isArray(expr)) return expr.map((e) => evaluate(e, scope));
  if (!isDoc(expr)) return expr;
  const keys = Object.keys(expr);
  if (keys.length > 0 && keys[0].charCodeAt(0) === 36) {
    if (keys.length !== 1) {
      throw fail(
        15983,
        `an expression specification must contain exactly one field, the name of the expression. Found ${keys.length} fields in ${JSON.stringify(expr)}`,
      );
    }
    return applyOperator(keys[0], expr[keys[0]], scope);
  }
  const out: Document = {};
  for (const k of keys) {
    if (k.startsWith('$'))
      throw fail(
        16410,
        `FieldPath field names may not start with '$'. Consider using $getField or $setField.`,
      );
    const v = evaluate(expr[k], scope);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function variable(spec: string, scope: Scope): unknown {
  const dot = spec.indexOf('.');
  const name = dot < 0 ? spec : spec.slice(0, dot);
  let base: unknown;
  switch (name) {
    case 'ROOT':
      base = scope.root;
      break;
    case 'CURRENT':
      base = scope.current;
      break;
    case 'NOW':
      base = scope.now;
      break;
    case 'CLUSTER_TIME':
      base = new Timestamp({ t: Math.floor(scope.now.getTime() / 1000), i: 1 });
      break;
    case 'REMOVE':
      return REMOVE;
    default:
      if (!(name in scope.vars)) throw fail(17276, `Use of undefined variable: ${name}`);
      base = scope.vars[name];
  }
  return dot < 0 ? base : getPathValue(base, splitPath(spec.slice(dot + 1)));
}

function applyOperator(name: string, args: unknown, scope: Scope): unknown {
  const op = OPS[name];
  if (op) return op(args, scope);
  if (MINGO_OPS.has(name)) return mingoOperator(name, evaluate(args, scope), scope.now);
  if (name === '$function' || name === '$accumulator' || name === '$where') {
    throw fail(ErrorCode.NotImplemented, `${name} (server-side JavaScript) is not supported`);
  }
  throw fail(ErrorCode.InvalidPipelineOperator, `Unrecognized expression '${name}'`);
}

// ---- helpers ----------------------------------------------------------------------------

function list(args: unknown): unknown[] {
  return Array.isArray(args) ? args : [args];
}

function evalList(args: unknown, scope: Scope): unknown[] {
  return list(args).map((a) => evaluate(a, scope));
}

function nArgs(name: string, args: unknown, scope: Scope, min: number, max = min): unknown[] {
  const l = list(args);
  if (l.length < min || l.length > max) {
    const want = min === max ? `${min}` : `${min}-${max}`;
    throw fail(
      16020,
      `Expression ${name} takes exactly ${want} arguments. ${l.length} were passed in.`,
    );
  }
  return l.map((a) => evaluate(a, scope));
}

function isNullish(v: unknown): boolean {
  return v === null || v === undefined;
}

/** MongoDB truthiness: false, null, missing and numeric zero are false. */
export function truthy(v: unknown): boolean {
  if (v === false || v === null || v === undefined) return false;
  if (typeof v === 'number') return v !== 0;
  if (isNumeric(v)) return !isZero(v);
  return true;
}

export function typeName(v: unknown): string {
  return bsonTypeOf(v);
}

/** Aggregation comparison: like compareValues, except missing sorts below null. */
export function exprCompare(a: unknown, b: unknown): number {
  if (a === undefined || b === undefined) {
    if (a === b) return 0;
    if (a === undefined) return b === null ? -1 : compareValues(null, b) <= 0 ? -1 : 1;
    return a === null ? 1 : compareValues(a, null) >= 0 ? 1 : -1;
  }
  return compareValues(a, b);
}

function requireArray(name: string, v: unknown, code: number): unknown[] {
  if (!Array.isArray(v))
    throw fail(code, `${name} requires an array argument, found: ${typeName(v)}`);
  return v;
}

function toIntArg(name: string, v: unknown): number {
  if (!isNumeric(v))
    throw fail(28765, `${name} requires a numeric argument, found: ${typeName(v)}`);
  const n = toNumber(v);
  if (!Number.isInteger(n)) throw fail(28766, `${name} requires an integral argument, found: ${n}`);
  return n;
}

// ---- arithmetic -------------------------------------------------------------------------

function add(args: unknown, scope: Scope): unknown {
  const vals = evalList(args, scope);
  let date: Date | undefined;
  let acc: unknown = 0;
  for (const v of vals) {
    if (isNullish(v)) return null;
    if (v instanceof Date) {
      if (date) throw fail(16612, 'only one date allowed in an $add expression');
      date = v;
    } else if (isNumeric(v)) {
      acc = arith('add', acc, v);
    } else {
      throw fail(16554, `$add only supports numeric or date types, not ${typeName(v)}`);
    }
  }
  if (date) return new Date(date.getTime() + Math.round(toNumber(acc)));
  return acc;
}

function subtract(args: unknown, scope: Scope): unknown {
  const [a, b] = nArgs('$subtract', args, scope, 2);
  if (isNullish(a) || isNullish(b)) return null;
  if (a instanceof Date) {
    if (b instanceof Date) return Long.fromNumber(a.getTime() - b.getTime());
    if (isNumeric(b)) return new Date(a.getTime() - Math.round(toNumber(b)));
  } else if (isNumeric(a) && isNumeric(b)) {
    return arith('sub', a, b);
  }
  throw fail(16556, `cant $subtract a ${typeName(b)} from a ${typeName(a)}`);
}

function multiply(args: unknown, scope: Scope): unknown {
  let acc: unknown = 1;
  for (const v of evalList(args, scope)) {
    if (isNullish(v)) return null;
    if (!isNumeric(v))
      throw fail(16555, `$multiply only supports numeric types, not ${typeName(v)}`);
    acc = arith('mul', acc, v);
  }
  return acc;
}

function numericUnary(name: string, fn: (n: number) => number, intPreserving: boolean): Op {
  return (args, scope) => {
    const [v] = nArgs(name, args, scope, 1);
    if (isNullish(v)) return null;
    if (!isNumeric(v)) throw fail(28765, `${name} only supports numeric types, not ${typeName(v)}`);
    if (Number.isNaN(toNumber(v))) return v;
    return mathUnary(v, fn, intPreserving);
  };
}

/** Round half to even at `place` decimal digits (MongoDB's $round). */
function roundHalfEven(n: number, place: number): number {
  const f = 10 ** place;
  const x = n * f;
  const r = Math.round(x);
  const isHalf = Math.abs(x % 1) === 0.5;
  return (isHalf ? (r % 2 === 0 ? r : r - 1) : r) / f;
}

function roundOp(name: string, trunc: boolean): Op {
  return (args, scope) => {
    const [v, p] = nArgs(name, args, scope, 1, 2);
    if (isNullish(v) || (p !== undefined && isNullish(p))) return null;
    if (!isNumeric(v)) throw fail(51081, `${name} only supports numeric types, not ${typeName(v)}`);
    const place = p === undefined ? 0 : toNumber(p);
    const kind = numKind(v);
    if ((kind === 'int' || kind === 'long') && place >= 0) return v;
    const n = toNumber(v);
    const f = 10 ** place;
    const r = trunc ? Math.trunc(n * f) / f : roundHalfEven(n, place);
    if (kind === 'int' || kind === 'long') return makeInteger(BigInt(r), kind);
    return kind === 'decimal' ? toDecimal(makeDouble(r)) : makeDouble(r);
  };
}

// ---- conversion -------------------------------------------------------------------------

const TYPE_BY_CODE: Record<number, string> = Object.fromEntries(
  Object.entries(TYPE_CODES).map(([k, v]) => [v, k]),
);

function convFail(from: unknown, to: string, detail = ''): MongoError {
  return fail(
    ErrorCode.ConversionFailure,
    `Unsupported conversion from ${typeName(from)} to ${to} in $convert with no onError value${detail}`,
  );
}

function parseIntString(s: string, to: string): bigint {
  if (!/^[+-]?\d+$/.test(s.trim()) || s.trim() !== s) {
    throw fail(
      ErrorCode.ConversionFailure,
      `Failed to parse number '${s}' in $convert with no onError value: Did not consume whole string.`,
    );
  }
  void to;
  return BigInt(s);
}

function integral(v: unknown, to: 'int' | 'long'): bigint {
  const n = toNumber(v);
  if (!Number.isFinite(n)) throw convFail(v, to, `: Attempt to convert ${n} value to integer`);
  const kind = numKind(v);
  if (kind === 'long' || kind === 'int') return BigInt((v as Long).toString());
  if (kind === 'decimal') {
    const s = (v as Decimal128).toString();
    const m = /^(-?\d+)(\.\d*)?$/.exec(s);
    return m ? BigInt(m[1]) : BigInt(Math.trunc(n));
  }
  return BigInt(Math.trunc(n));
}

/** $convert's core: throws ConversionFailure on unsupported/invalid input. */
export function convertValue(v: unknown, to: string): unknown {
  if (isNullish(v)) return null;
  const from = typeName(v);
  switch (to) {
    case 'double': {
      if (isNumeric(v)) return makeDouble(toNumber(v));
      if (typeof v === 'boolean') return makeDouble(v ? 1 : 0);
      if (v instanceof Date) return makeDouble(v.getTime());
      if (typeof v === 'string') {
        const n = Number(v);
        if (v.trim() === '' || (Number.isNaN(n) && !/^[+-]?nan$/i.test(v))) {
          throw fail(
            ErrorCode.ConversionFailure,
            `Failed to parse number '${v}' in $convert with no onError value`,
          );
        }
        return makeDouble(n);
      }
      throw convFail(v, to);
    }
    case 'int':
    case 'long': {
      let b: bigint;
      if (isNumeric(v)) b = integral(v, to);
      else if (typeof v === 'boolean') b = v ? 1n : 0n;
      else if (typeof v === 'string') b = parseIntString(v, to);
      else if (v instanceof Date && to === 'long') b = BigInt(v.getTime());
      else throw convFail(v, to);
      if (to === 'int') {
        if (b < -2147483648n || b > 2147483647n) {
          throw fail(
            ErrorCode.ConversionFailure,
            `Conversion would overflow target type in $convert with no onError value: ${b}`,
          );
        }
        return Number(b);
      }
      if (b < -(2n ** 63n) || b >= 2n ** 63n) {
        throw fail(
          ErrorCode.ConversionFailure,
          `Conversion would overflow target type in $convert with no onError value: ${b}`,
        );
      }
      return Long.fromBigInt(b);
    }
    case 'decimal': {
      if (isNumeric(v)) return toDecimal(v);
      if (typeof v === 'boolean') return Decimal128.fromString(v ? '1' : '0');
      if (v instanceof Date) return Decimal128.fromString(String(v.getTime()));
      if (typeof v === 'string') {
        try {
          return Decimal128.fromString(v);
        } catch {
          throw fail(
            ErrorCode.ConversionFailure,
            `Failed to parse number '${v}' in $convert with no onError value`,
          );
        }
      }
      throw convFail(v, to);
    }
    case 'bool':
      if (isNumeric(v)) return !isZero(v);
      return true;
    case 'string':
      return toStringValue(v);
    case 'objectId':
      if (from === 'objectId') return v;
      if (typeof v === 'string' && /^[0-9a-fA-F]{24}$/.test(v)) return new ObjectId(v);
      if (typeof v === 'string') {
        throw fail(
          ErrorCode.ConversionFailure,
          `Failed to parse objectId '${v}' in $convert with no onError value: Invalid string length for parsing to OID, expected 24 but found ${v.length}`,
        );
      }
      throw convFail(v, to);
    case 'date': {
      if (v instanceof Date) return v;
      if (from === 'objectId') return (v as ObjectId).getTimestamp();
      if (from === 'timestamp') return new Date((v as Timestamp).high * 1000);
      if (from === 'long' || from === 'double' || from === 'decimal') return new Date(toNumber(v));
      if (typeof v === 'string') {
        const d = new Date(v);
        if (Number.isNaN(d.getTime())) {
          throw fail(ErrorCode.ConversionFailure, `Error parsing date string '${v}'`);
        }
        return d;
      }
      throw convFail(v, to);
    }
    default:
      throw fail(ErrorCode.BadValue, `Unknown type name: ${to}`);
  }
}

function toStringValue(v: unknown): unknown {
  if (isNullish(v)) return null;
  switch (typeName(v)) {
    case 'string':
      return v;
    case 'symbol':
      return (v as { value: string }).value;
    case 'int':
    case 'double':
      return formatDouble(toNumber(v));
    case 'long':
    case 'decimal':
      return (v as Long).toString();
    case 'bool':
      return v ? 'true' : 'false';
    case 'objectId':
      return (v as ObjectId).toHexString();
    case 'date':
      return (v as Date).toISOString();
    case 'binData':
      return Buffer.from((v as { buffer: Uint8Array }).buffer).toString('base64');
    default:
      throw convFail(v, 'string');
  }
}

function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

function targetTypeName(to: unknown): string {
  if (typeof to === 'string') {
    if (to === 'missing' || !(to in TYPE_CODES))
      throw fail(ErrorCode.BadValue, `Unknown type name: ${to}`);
    return to;
  }
  if (isNumeric(to)) {
    const name = TYPE_BY_CODE[toNumber(to)];
    if (!name)
      throw fail(ErrorCode.BadValue, `In $convert, numeric 'to' argument is not an integer`);
    return name;
  }
  throw fail(
    ErrorCode.FailedToParse,
    `$convert's 'to' argument must be a string or number, but is ${typeName(to)}`,
  );
}

function convertOp(args: unknown, scope: Scope): unknown {
  if (!isDoc(args))
    throw fail(
      ErrorCode.FailedToParse,
      '$convert expects an object of named arguments but found: ' + typeName(args),
    );
  const input = evaluate(args.input, scope);
  const toSpec = evaluate(args.to, scope);
  const to = isDoc(toSpec) ? targetTypeName(toSpec.type) : targetTypeName(toSpec);
  if (isNullish(input)) return 'onNull' in args ? evaluate(args.onNull, scope) : null;
  try {
    return convertValue(input, to);
  } catch (e) {
    if ('onError' in args && e instanceof MongoError && e.code === ErrorCode.ConversionFailure) {
      return evaluate(args.onError, scope);
    }
    throw e;
  }
}

function toOp(name: string, to: string): Op {
  return (args, scope) => {
    const [v] = nArgs(name, args, scope, 1);
    return convertValue(v, to);
  };
}

// ---- arrays, sets, objects --------------------------------------------------------------

function sliceOp(args: unknown, scope: Scope): unknown {
  const vals = nArgs('$slice', args, scope, 2, 3);
  if (vals.some(isNullish)) return null;
  const arr = requireArray('$slice', vals[0], 28724);
  if (vals.length === 2) {
    const n = toIntArg('$slice', vals[1]);
    return n >= 0 ? arr.slice(0, n) : arr.slice(Math.max(0, arr.length + n));
  }
  let pos = toIntArg('$slice', vals[1]);
  const n = toIntArg('$slice', vals[2]);
  if (n <= 0) throw fail(28729, `Third argument to $slice must be positive: ${n}`);
  if (pos < 0) pos = Math.max(0, arr.length + pos);
  return arr.slice(pos, pos + n);
}

function keyedSet(arr: unknown[]): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const v of arr) if (!m.has(valueKey(v))) m.set(valueKey(v), v);
  return m;
}

function setArgs(name: string, args: unknown, scope: Scope): unknown[][] | null {
  const vals = evalList(args, scope);
  if (vals.some(isNullish)) return null;
  for (const v of vals) {
    if (!Array.isArray(v))
      throw fail(
        17044,
        `All operands of ${name} must be arrays. One argument is of type: ${typeName(v)}`,
      );
  }
  return vals as unknown[][];
}

function mergeObjects(values: unknown[]): Document {
  const out: Document = {};
  for (const v of values) {
    if (isNullish(v)) continue;
    if (!isDoc(v))
      throw fail(
        40400,
        `$mergeObjects requires object inputs, but input ${JSON.stringify(v)} is of type ${typeName(v)}`,
      );
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = x;
  }
  return out;
}

function sortBySpec(spec: unknown): (a: unknown, b: unknown) => number {
  if (isDoc(spec)) {
    const keys = Object.entries(spec).map(
      ([k, d]) => [splitPath(k), toNumber(d) < 0 ? -1 : 1] as const,
    );
    return (a, b) => {
      for (const [path, dir] of keys) {
        const c = compareValues(getPathValue(a, path), getPathValue(b, path));
        if (c !== 0) return c * dir;
      }
      return 0;
    };
  }
  const dir = toNumber(spec) < 0 ? -1 : 1;
  return (a, b) => compareValues(a, b) * dir;
}

/** $sum/$avg/$min/$max/$stdDev* used as expressions. */
function listAccumulator(kind: string): Op {
  return (args, scope) => {
    const raw =
      Array.isArray(args) && args.length !== 1
        ? evalList(args, scope)
        : evaluate(Array.isArray(args) ? args[0] : args, scope);
    const values = Array.isArray(raw) ? raw : [raw];
    if (kind === 'sum' || kind === 'avg') {
      const s = new NumericSum();
      for (const v of values) s.add(v);
      return kind === 'sum' ? s.result() : s.average();
    }
    if (kind === 'min' || kind === 'max') {
      let best: unknown = undefined;
      for (const v of values) {
        if (isNullish(v)) continue;
        if (
          best === undefined ||
          (kind === 'min' ? compareValues(v, best) < 0 : compareValues(v, best) > 0)
        )
          best = v;
      }
      return best === undefined ? null : best;
    }
    return stdDev(values, kind === 'stdDevSamp');
  };
}

export function stdDev(values: unknown[], sample: boolean): unknown {
  const nums = values.filter(isNumeric).map(toNumber);
  const n = nums.length;
  if (n === 0 || (sample && n === 1)) return null;
  const mean = nums.reduce((a, b) => a + b, 0) / n;
  const sq = nums.reduce((a, b) => a + (b - mean) ** 2, 0);
  return makeDouble(Math.sqrt(sq / (sample ? n - 1 : n)));
}

function namedArgs(name: string, args: unknown): Document {
  if (!isDoc(args))
    throw fail(ErrorCode.FailedToParse, `${name} expects an object as its argument`);
  return args;
}

function arrayInput(name: string, v: unknown): unknown[] | null {
  if (isNullish(v)) return null;
  if (!Array.isArray(v)) throw fail(28651, `input to ${name} must be an array not ${typeName(v)}`);
  return v;
}

function varName(v: unknown, dflt: string): string {
  const name = v === undefined ? dflt : v;
  if (typeof name !== 'string' || !/^[a-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/.test(name)) {
    throw fail(
      ErrorCode.FailedToParse,
      `'${String(name)}' starts with an invalid character for a user variable name`,
    );
  }
  return name;
}

function cmp(fn: (c: number) => unknown): Op {
  return (args, scope) => {
    const [a, b] = nArgs('comparison', args, scope, 2);
    return fn(exprCompare(a, b));
  };
}

// ---- the operator table ------------------------------------------------------------------

const OPS: Record<string, Op> = {
  $literal: (args) => args,
  $add: add,
  $subtract: subtract,
  $multiply: multiply,
  $divide: (args, scope) => {
    const [a, b] = nArgs('$divide', args, scope, 2);
    if (isNullish(a) || isNullish(b)) return null;
    if (!isNumeric(a) || !isNumeric(b)) {
      throw fail(
        16609,
        `$divide only supports numeric types, not ${typeName(a)} and ${typeName(b)}`,
      );
    }
    if (isZero(b)) throw fail(ErrorCode.BadValue, "can't $divide by zero");
    return divide(a, b);
  },
  $mod: (args, scope) => {
    const [a, b] = nArgs('$mod', args, scope, 2);
    if (isNullish(a) || isNullish(b)) return null;
    if (!isNumeric(a) || !isNumeric(b)) {
      throw fail(16611, `$mod only supports numeric types, not ${typeName(a)} and ${typeName(b)}`);
    }
    if (isZero(b) && numKind(b) !== 'double') throw fail(16610, "can't $mod by zero");
    return mod(a, b);
  },
  $abs: numericUnary('$abs', Math.abs, true),
  $ceil: numericUnary('$ceil', Math.ceil, true),
  $floor: numericUnary('$floor', Math.floor, true),
  $sqrt: numericUnary('$sqrt', Math.sqrt, false),
  $exp: numericUnary('$exp', Math.exp, false),
  $ln: numericUnary('$ln', Math.log, false),
  $log10: numericUnary('$log10', Math.log10, false),
  $round: roundOp('$round', false),
  $trunc: roundOp('$trunc', true),
  $log: (args, scope) => {
    const [a, b] = nArgs('$log', args, scope, 2);
    if (isNullish(a) || isNullish(b)) return null;
    return mathUnary(a, (n) => Math.log(n) / Math.log(toNumber(b)));
  },
  $pow: (args, scope) => {
    const [a, b] = nArgs('$pow', args, scope, 2);
    if (isNullish(a) || isNullish(b)) return null;
    if (!isNumeric(a) || !isNumeric(b)) throw fail(28762, '$pow only supports numeric types');
    const ka = numKind(a);
    const kb = numKind(b);
    const r = toNumber(a) ** toNumber(b);
    if (
      (ka === 'int' || ka === 'long') &&
      (kb === 'int' || kb === 'long') &&
      Number.isSafeInteger(r)
    ) {
      return makeInteger(BigInt(r), ka === 'long' || kb === 'long' ? 'long' : 'int');
    }
    return ka === 'decimal' || kb === 'decimal' ? toDecimal(makeDouble(r)) : makeDouble(r);
  },

  $eq: cmp((c) => c === 0),
  $ne: cmp((c) => c !== 0),
  $gt: cmp((c) => c > 0),
  $gte: cmp((c) => c >= 0),
  $lt: cmp((c) => c < 0),
  $lte: cmp((c) => c <= 0),
  $cmp: cmp((c) => (c < 0 ? -1 : c > 0 ? 1 : 0)),

  $and: (args, scope) => list(args).every((a) => truthy(evaluate(a, scope))),
  $or: (args, scope) => list(args).some((a) => truthy(evaluate(a, scope))),
  $not: (args, scope) => !truthy(nArgs('$not', args, scope, 1)[0]),

  $cond: (args, scope) => {
    let c: unknown, t: unknown, e: unknown;
    if (Array.isArray(args)) {
      if (args.length !== 3) throw fail(16020, 'Expression $cond takes exactly 3 arguments.');
      [c, t, e] = args;
    } else {
      const a = namedArgs('$cond', args);
      if (!('if' in a)) throw fail(17080, "Missing 'if' parameter to $cond");
      if (!('then' in a)) throw fail(17081, "Missing 'then' parameter to $cond");
      if (!('else' in a)) throw fail(17082, "Missing 'else' parameter to $cond");
      [c, t, e] = [a.if, a.then, a.else];
    }
    return truthy(evaluate(c, scope)) ? evaluate(t, scope) : evaluate(e, scope);
  },
  $ifNull: (args, scope) => {
    const l = list(args);
    if (l.length < 2) throw fail(1257300, '$ifNull needs at least two arguments');
    for (let i = 0; i < l.length - 1; i++) {
      const v = evaluate(l[i], scope);
      if (!isNullish(v)) return v;
    }
    return evaluate(l[l.length - 1], scope);
  },
  $switch: (args, scope) => {
    const a = namedArgs('$switch', args);
    for (const b of (a.branches as Document[]) ?? []) {
      if (truthy(evaluate(b.case, scope))) return evaluate(b.then, scope);
    }
    if (!('default' in a)) {
      throw fail(
        40066,
        '$switch could not find a matching branch for an input, and no default was specified.',
      );
    }
    return evaluate(a.default, scope);
  },

  $type: (args, scope) => typeName(nArgs('$type', args, scope, 1)[0]),
  $isNumber: (args, scope) => isNumeric(nArgs('$isNumber', args, scope, 1)[0]),
  $isArray: (args, scope) => Array.isArray(nArgs('$isArray', args, scope, 1)[0]),
  $convert: convertOp,
  $toString: (args, scope) => toStringValue(nArgs('$toString', args, scope, 1)[0]),
  $toObjectId: toOp('$toObjectId', 'objectId'),
  $toInt: toOp('$toInt', 'int'),
  $toLong: toOp('$toLong', 'long'),
  $toDouble: toOp('$toDouble', 'double'),
  $toDecimal: toOp('$toDecimal', 'decimal'),
  $toBool: toOp('$toBool', 'bool'),
  $toDate: toOp('$toDate', 'date'),
  $bsonSize: (args, scope) => {
    const [v] = nArgs('$bsonSize', args, scope, 1);
    if (isNullish(v)) return null;
    if (!isDoc(v)) throw fail(31393, `$bsonSize requires a document input, found: ${typeName(v)}`);
    return BSON.calculateObjectSize(v);
  },
  $binarySize: (args, scope) => {
    const [v] = nArgs('$binarySize', args, scope, 1);
    if (isNullish(v)) return null;
    if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
    if (typeName(v) === 'binData') return (v as { position: number }).position;
    throw fail(51276, `$binarySize requires a string or BinData argument, found: ${typeName(v)}`);
  },
  $tsSecond: (args, scope) => {
    const [v] = nArgs('$tsSecond', args, scope, 1);
    return isNullish(v) ? null : Long.fromNumber((v as Timestamp).high);
  },
  $tsIncrement: (args, scope) => {
    const [v] = nArgs('$tsIncrement', args, scope, 1);
    return isNullish(v) ? null : Long.fromNumber((v as Timestamp).low);
  },
  $rand: () => Math.random(),

  $concat: (args, scope) => {
    let s = '';
    for (const v of evalList(args, scope)) {
      if (isNullish(v)) return null;
      if (typeof v !== 'string')
        throw fail(16702, `$concat only supports strings, not ${typeName(v)}`);
      s += v;
    }
    return s;
  },

  $size: (args, scope) => {
    const [v] = nArgs('$size', args, scope, 1);
    if (!Array.isArray(v))
      throw fail(17124, `The argument to $size must be an array. Type of argument: ${typeName(v)}`);
    return v.length;
  },
  $arrayElemAt: (args, scope) => {
    const [arr, idx] = nArgs('$arrayElemAt', args, scope, 2);
    if (isNullish(arr) || isNullish(idx)) return null;
    if (!Array.isArray(arr))
      throw fail(28689, `$arrayElemAt's first argument must be an array, but is ${typeName(arr)}`);
    if (!isNumeric(idx) || !Number.isInteger(toNumber(idx))) {
      throw fail(
        28691,
        `$arrayElemAt's second argument must be a numeric value, but is ${typeName(idx)}`,
      );
    }
    const i = toNumber(idx);
    return i < 0 ? arr[arr.length + i] : arr[i];
  },
  $first: (args, scope) => {
    const [v] = nArgs('$first', args, scope, 1);
    if (isNullish(v)) return null;
    if (!Array.isArray(v))
      throw fail(28689, `$first's argument must be an array, but is ${typeName(v)}`);
    return v[0];
  },
  $last: (args, scope) => {
    const [v] = nArgs('$last', args, scope, 1);
    if (isNullish(v)) return null;
    if (!Array.isArray(v))
      throw fail(28689, `$last's argument must be an array, but is ${typeName(v)}`);
    return v[v.length - 1];
  },
  $in: (args, scope) => {
    const [x, arr] = nArgs('$in', args, scope, 2);
    if (!Array.isArray(arr))
      throw fail(40081, `$in requires an array as a second argument, found: ${typeName(arr)}`);
    return arr.some((e) => valuesEqual(e, x));
  },
  $indexOfArray: (args, scope) => {
    const vals = nArgs('$indexOfArray', args, scope, 2, 4);
    if (isNullish(vals[0])) return null;
    const arr = requireArray('$indexOfArray', vals[0], 40090);
    const start = vals.length > 2 ? toIntArg('$indexOfArray', vals[2]) : 0;
    const end =
      vals.length > 3 ? Math.min(toIntArg('$indexOfArray', vals[3]), arr.length) : arr.length;
    for (let i = start; i < end; i++) if (valuesEqual(arr[i], vals[1])) return i;
    return -1;
  },
  $concatArrays: (args, scope) => {
    const out: unknown[] = [];
    for (const v of evalList(args, scope)) {
      if (isNullish(v)) return null;
      if (!Array.isArray(v))
        throw fail(28664, `$concatArrays only supports arrays, not ${typeName(v)}`);
      out.push(...v);
    }
    return out;
  },
  $reverseArray: (args, scope) => {
    const [v] = nArgs('$reverseArray', args, scope, 1);
    if (isNullish(v)) return null;
    return requireArray('$reverseArray', v, 34435).slice().reverse();
  },
  $slice: sliceOp,
  $range: (args, scope) => {
    const vals = nArgs('$range', args, scope, 2, 3);
    const start = toIntArg('$range', vals[0]);
    const end = toIntArg('$range', vals[1]);
    const step = vals.length > 2 ? toIntArg('$range', vals[2]) : 1;
    if (step === 0) throw fail(34449, '$range requires a non-zero step value');
    const out: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
    return out;
  },
  $filter: (args, scope) => {
    const a = namedArgs('$filter', args);
    const input = arrayInput('$filter', evaluate(a.input, scope));
    if (input === null) return null;
    const as = varName(a.as, 'this');
    const limit = a.limit === undefined ? Infinity : toNumber(evaluate(a.limit, scope));
    const out: unknown[] = [];
    for (const e of input) {
      if (out.length >= limit) break;
      if (truthy(evaluate(a.cond, withVars(scope, { [as]: e })))) out.push(e);
    }
    return out;
  },
  $map: (args, scope) => {
    const a = namedArgs('$map', args);
    const input = arrayInput('$map', evaluate(a.input, scope));
    if (input === null) return null;
    const as = varName(a.as, 'this');
    return input.map((e) => {
      const v = evaluate(a.in, withVars(scope, { [as]: e }));
      return v === undefined ? null : v;
    });
  },
  $reduce: (args, scope) => {
    const a = namedArgs('$reduce', args);
    const input = arrayInput('$reduce', evaluate(a.input, scope));
    if (input === null) return null;
    let acc = evaluate(a.initialValue, scope);
    for (const e of input) acc = evaluate(a.in, withVars(scope, { this: e, value: acc }));
    return acc;
  },
  $let: (args, scope) => {
    const a = namedArgs('$let', args);
    const vars: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((a.vars as Document) ?? {}))
      vars[varName(k, k)] = evaluate(v, scope);
    return evaluate(a.in, withVars(scope, vars));
  },
  $sortArray: (args, scope) => {
    const a = namedArgs('$sortArray', args);
    const input = evaluate(a.input, scope);
    if (isNullish(input)) return null;
    if (!Array.isArray(input))
      throw fail(
        2942504,
        `The input argument to $sortArray must be an array, but was of type: ${typeName(input)}`,
      );
    return input.slice().sort(sortBySpec(a.sortBy));
  },
  $objectToArray: (args, scope) => {
    const [v] = nArgs('$objectToArray', args, scope, 1);
    if (isNullish(v)) return null;
    if (!isDoc(v))
      throw fail(40390, `$objectToArray requires a document input, found: ${typeName(v)}`);
    return Object.entries(v).map(([k, x]) => ({ k, v: x }));
  },
  $arrayToObject: (args, scope) => {
    const [v] = nArgs('$arrayToObject', args, scope, 1);
    if (isNullish(v)) return null;
    const out: Document = {};
    for (const e of requireArray('$arrayToObject', v, 40386)) {
      if (Array.isArray(e) && e.length === 2 && typeof e[0] === 'string') out[e[0]] = e[1];
      else if (isDoc(e) && typeof e.k === 'string' && 'v' in e) out[e.k] = e.v;
      else throw fail(40398, 'Unrecognised input type format for $arrayToObject');
    }
    return out;
  },
  $mergeObjects: (args, scope) => mergeObjects(evalList(args, scope)),
  $getField: (args, scope) => {
    const a = isDoc(args) ? args : { field: args };
    const field = evaluate(a.field, scope);
    if (typeof field !== 'string')
      throw fail(5654602, "$getField requires 'field' to evaluate to type String");
    const input = 'input' in a ? evaluate(a.input, scope) : scope.current;
    return isDoc(input) ? input[field] : isNullish(input) ? null : undefined;
  },
  $setField: (args, scope) => {
    const a = namedArgs('$setField', args);
    const field = evaluate(a.field, scope);
    const input = evaluate(a.input, scope);
    if (isNullish(input)) return null;
    if (!isDoc(input) || typeof field !== 'string')
      throw fail(4161105, '$setField requires a document input and a string field');
    const value = evaluate(a.value, scope);
    const out = { ...input };
    if (value === undefined) delete out[field];
    else out[field] = value;
    return out;
  },
  $unsetField: (args, scope) => {
    const a = namedArgs('$unsetField', args);
    return OPS.$setField({ field: a.field, input: a.input, value: '$$REMOVE' }, scope);
  },

  $setUnion: (args, scope) => {
    const sets = setArgs('$setUnion', args, scope);
    return sets === null ? null : [...keyedSet(sets.flat()).values()];
  },
  $setIntersection: (args, scope) => {
    const sets = setArgs('$setIntersection', args, scope);
    if (sets === null) return null;
    if (sets.length === 0) return [];
    const rest = sets.slice(1).map((s) => new Set(s.map(valueKey)));
    return [...keyedSet(sets[0]).entries()]
      .filter(([k]) => rest.every((s) => s.has(k)))
      .map(([, v]) => v);
  },
  $setDifference: (args, scope) => {
    const sets = setArgs('$setDifference', args, scope);
    if (sets === null) return null;
    const other = new Set(sets[1].map(valueKey));
    return [...keyedSet(sets[0]).entries()].filter(([k]) => !other.has(k)).map(([, v]) => v);
  },
  $setEquals: (args, scope) => {
    const sets = setArgs('$setEquals', args, scope) ?? [];
    const keys = sets.map((s) => [...keyedSet(s).keys()].sort().join('\u0000'));
    return keys.every((k) => k === keys[0]);
  },
  $setIsSubset: (args, scope) => {
    const sets = setArgs('$setIsSubset', args, scope);
    if (sets === null) throw fail(17046, 'both operands of $setIsSubset must be arrays');
    const sup = new Set(sets[1].map(valueKey));
    return sets[0].every((v) => sup.has(valueKey(v)));
  },
  $anyElementTrue: (args, scope) => {
    const [v] = nArgs('$anyElementTrue', args, scope, 1);
    return requireArray('$anyElementTrue', v, 17041).some(truthy);
  },
  $allElementsTrue: (args, scope) => {
    const [v] = nArgs('$allElementsTrue', args, scope, 1);
    return requireArray('$allElementsTrue', v, 17040).every(truthy);
  },

  $sum: listAccumulator('sum'),
  $avg: listAccumulator('avg'),
  $min: listAccumulator('min'),
  $max: listAccumulator('max'),
  $stdDevPop: listAccumulator('stdDevPop'),
  $stdDevSamp: listAccumulator('stdDevSamp'),

  // Text scores are not tracked here: projected as missing.
  $meta: () => undefined,
};

/** Operators delegated to mingo (evaluated arguments in, converted result out). */
const MINGO_OPS = new Set([
  '$toLower',
  '$toUpper',
  '$trim',
  '$ltrim',
  '$rtrim',
  '$split',
  '$substr',
  '$substrCP',
  '$substrBytes',
  '$strLenCP',
  '$strLenBytes',
  '$strcasecmp',
  '$indexOfBytes',
  '$indexOfCP',
  '$replaceOne',
  '$replaceAll',
  '$regexFind',
  '$regexFindAll',
  '$regexMatch',
  '$dateToString',
  '$dateFromString',
  '$dateFromParts',
  '$dateToParts',
  '$dateAdd',
  '$dateSubtract',
  '$dateDiff',
  '$dateTrunc',
  '$year',
  '$month',
  '$dayOfMonth',
  '$dayOfWeek',
  '$dayOfYear',
  '$hour',
  '$minute',
  '$second',
  '$millisecond',
  '$week',
  '$isoWeek',
  '$isoWeekYear',
  '$isoDayOfWeek',
  '$sin',
  '$cos',
  '$tan',
  '$asin',
  '$acos',
  '$atan',
  '$atan2',
  '$sinh',
  '$cosh',
  '$tanh',
  '$asinh',
  '$acosh',
  '$atanh',
  '$degreesToRadians',
  '$radiansToDegrees',
  '$zip',
  '$firstN',
  '$lastN',
  '$maxN',
  '$minN',
  '$median',
  '$percentile',
  '$bitAnd',
  '$bitOr',
  '$bitXor',
  '$bitNot',
]);

/** True when `name` is an expression operator this evaluator knows. */
export function isExpressionOperator(name: string): boolean {
  return name in OPS || MINGO_OPS.has(name);
}

export { mergeObjects, sortBySpec, isInt32 };
