/**
 * Shared pieces of the update engine: the apply-time context, the sentinel results of a
 * modifier, MongoDB-style value printing for error messages, and exact (binary) equality.
 */
import {
  Binary,
  bsonTypeOf,
  compareValues,
  Decimal128,
  Double,
  Long,
  ObjectId,
  Timestamp,
  type BsonTypeName,
  type Document,
} from '../bson/values';
import { ErrorCode, MongoError } from '../errors';

/** A modifier left its target untouched. */
export const NOCHANGE: unique symbol = Symbol('nochange');
/** A modifier removes its target (an array element becomes null instead). */
export const UNSET: unique symbol = Symbol('unset');

export interface UpdateOptions {
  arrayFilters?: Document[];
  /** `$setOnInsert` applies only when the update builds an upsert's new document. */
  isUpsertInsert?: boolean;
  /** Index of the array element the query matched, for the positional `$`. */
  matchedArrayIndex?: number | null;
  /** Clock for `$currentDate` (read once per update). */
  now?: () => Date;
  /** Runs an aggregation pipeline over one document (pipeline-style updates). */
  evalPipeline?: (doc: Document, pipeline: Document[]) => Document;
}

export interface UpdateResult {
  doc: Document;
  modified: boolean;
}

/** Per-document state of one update application. */
export interface RunCtx {
  doc: Document;
  opts: UpdateOptions;
  filters: Map<string, (v: unknown) => boolean>;
  now: Date | undefined;
  /** Source values of `$rename`s, resolved before the tree is applied. */
  renames: Map<object, unknown> | null;
}

/**
 * A modifier at one path: gets the current value (undefined when missing), the field name and
 * dotted path it was reached by, and returns the new value, NOCHANGE or UNSET.
 */
export type LeafFn = (cur: unknown, field: string, path: string, rc: RunCtx) => unknown;

export function hasOwn(d: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(d, k);
}

/** Sets a field, also when it is named `__proto__` (plain assignment would set the prototype). */
export function setKey(d: Document, k: string, v: unknown): void {
  if (k === '__proto__') {
    Object.defineProperty(d, k, { value: v, enumerable: true, writable: true, configurable: true });
  } else {
    d[k] = v;
  }
}

export function err(code: number, message: string): MongoError {
  return new MongoError(code, message);
}

export function badValue(message: string): MongoError {
  return new MongoError(ErrorCode.BadValue, message);
}

export function failedToParse(message: string): MongoError {
  return new MongoError(ErrorCode.FailedToParse, message);
}

/** MongoDB's type name of a value (`typeName(BSONType)`), as used in error messages. */
export function typeName(v: unknown): BsonTypeName {
  return bsonTypeOf(v);
}

function fmtDouble(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Object.is(n, -0)) return '-0.0';
  return Number.isInteger(n) && Math.abs(n) < 1e16 ? `${n}.0` : String(n);
}

/** A value printed the way MongoDB's `BSONElement::toString` prints it in messages. */
export function fmtValue(v: unknown): string {
  switch (bsonTypeOf(v)) {
    case 'missing':
    case 'undefined':
      return 'undefined';
    case 'null':
      return 'null';
    case 'int':
      return String(v);
    case 'double':
      return fmtDouble(typeof v === 'number' ? v : (v as Double).value);
    case 'long':
      return typeof v === 'bigint' ? v.toString() : (v as Long).toString();
    case 'decimal':
      return (v as Decimal128).toString();
    case 'string':
      return JSON.stringify(v);
    case 'symbol':
      return JSON.stringify(String((v as { value: string }).value));
    case 'bool':
      return v ? 'true' : 'false';
    case 'objectId':
      return `ObjectId('${(v as ObjectId).toHexString()}')`;
    case 'date':
      return `new Date(${(v as Date).getTime()})`;
    case 'timestamp': {
      const t = v as Timestamp;
      return `Timestamp(${t.t}, ${t.i})`;
    }
    case 'binData': {
      const b = v as Binary;
      const hex = Buffer.from(b.buffer.subarray(0, b.position)).toString('hex').toUpperCase();
      return `BinData(${b.sub_type}, ${hex})`;
    }
    case 'regex': {
      if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
      const r = v as { pattern: string; options: string };
      return `/${r.pattern}/${r.options}`;
    }
    case 'minKey':
      return 'MinKey';
    case 'maxKey':
      return 'MaxKey';
    case 'array': {
      const a = v as unknown[];
      return a.length === 0 ? '[]' : `[ ${a.map(fmtValue).join(', ')} ]`;
    }
    case 'object': {
      if ((v as { _bsontype?: string })._bsontype !== undefined) return String(v);
      const d = v as Document;
      const keys = Object.keys(d);
      if (keys.length === 0) return '{}';
      return `{ ${keys.map((k) => `${k}: ${fmtValue(d[k])}`).join(', ')} }`;
    }
    default:
      return String((v as { code?: unknown }).code ?? v);
  }
}

/** `field: value`, MongoDB's element form. */
export function fmtElement(field: string, v: unknown): string {
  return `${field}: ${fmtValue(v)}`;
}

/** The document's `_id` element as error messages print it (`_id: 1`, or `no id`). */
export function idString(doc: Document): string {
  return hasOwn(doc, '_id') && doc._id !== undefined ? fmtElement('_id', doc._id) : 'no id';
}

function decimalBytes(d: Decimal128): Uint8Array {
  return d.bytes;
}

/**
 * Exact equality: same BSON type and same bytes (MongoDB's `binaryEqualValues`). 5 and 5.0
 * differ, and so do documents with the same fields in another order. Used for no-op
 * detection, where a type change is a modification.
 */
export function binaryEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ta = bsonTypeOf(a);
  if (ta !== bsonTypeOf(b)) return false;
  switch (ta) {
    case 'array': {
      const x = a as unknown[];
      const y = b as unknown[];
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (!binaryEqual(x[i], y[i])) return false;
      return true;
    }
    case 'object': {
      const tag = (a as { _bsontype?: string })._bsontype;
      if (tag !== undefined || (b as { _bsontype?: string })._bsontype !== undefined) {
        return tag === (b as { _bsontype?: string })._bsontype && compareValues(a, b) === 0;
      }
      const ka = Object.keys(a as Document);
      const kb = Object.keys(b as Document);
      if (ka.length !== kb.length) return false;
      for (let i = 0; i < ka.length; i++) {
        if (ka[i] !== kb[i]) return false;
        if (!binaryEqual((a as Document)[ka[i]], (b as Document)[kb[i]])) return false;
      }
      return true;
    }
    case 'double': {
      const x = typeof a === 'number' ? a : (a as Double).value;
      const y = typeof b === 'number' ? b : (b as Double).value;
      return Object.is(x, y);
    }
    case 'decimal': {
      const x = decimalBytes(a as Decimal128);
      const y = decimalBytes(b as Decimal128);
      for (let i = 0; i < 16; i++) if (x[i] !== y[i]) return false;
      return true;
    }
    case 'date':
      return Object.is((a as Date).getTime(), (b as Date).getTime());
    case 'regex': {
      const [sa, fa] = regexOf(a);
      const [sb, fb] = regexOf(b);
      return sa === sb && fa === fb;
    }
    case 'binData': {
      const x = a as Binary;
      const y = b as Binary;
      return x.sub_type === y.sub_type && compareValues(a, b) === 0;
    }
    default:
      return compareValues(a, b) === 0;
  }
}

function regexOf(v: unknown): [string, string] {
  if (v instanceof RegExp) return [v.source, v.flags];
  const r = v as { pattern: string; options: string };
  return [r.pattern, r.options];
}
