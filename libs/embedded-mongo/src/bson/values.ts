/**
 * The server's value model. Documents are held as the `bson` package decodes them, with one
 * normalisation (see `fromWire`): int32 and non-integral doubles are plain JS numbers, an
 * integral double keeps its `Double` wrapper (so 5.0 stays a double), int64 stays `Long`,
 * decimal stays `Decimal128`. Everything that compares or sorts values goes through this file,
 * so that 5, 5.0, Long(5) and Decimal128('5') are equal, and types order as MongoDB orders them.
 */
import {
  Binary,
  BSONRegExp,
  BSONSymbol,
  Code,
  DBRef,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
} from 'bson';

export type Document = Record<string, unknown>;

/** MongoDB's `$type` alias names, in the order of their numeric codes. */
export type BsonTypeName =
  | 'double'
  | 'string'
  | 'object'
  | 'array'
  | 'binData'
  | 'undefined'
  | 'objectId'
  | 'bool'
  | 'date'
  | 'null'
  | 'regex'
  | 'dbPointer'
  | 'javascript'
  | 'symbol'
  | 'javascriptWithScope'
  | 'int'
  | 'timestamp'
  | 'long'
  | 'decimal'
  | 'minKey'
  | 'maxKey'
  | 'missing';

export const TYPE_CODES: Record<Exclude<BsonTypeName, 'missing'>, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0);
}

/** The BSON type of a value as stored (after `fromWire`). `undefined` means a missing field. */
export function bsonTypeOf(v: unknown): BsonTypeName {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return isInt32(v) ? 'int' : 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'long';
    case 'object':
      break;
    default:
      return 'object';
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  const tag = (v as { _bsontype?: string })._bsontype;
  switch (tag) {
    case 'Double':
      return 'double';
    case 'Int32':
      return 'int';
    case 'Long':
      return 'long';
    case 'Decimal128':
      return 'decimal';
    case 'ObjectId':
      return 'objectId';
    case 'Binary':
      return 'binData';
    case 'Timestamp':
      return 'timestamp';
    case 'BSONRegExp':
      return 'regex';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'Code':
      return (v as Code).scope ? 'javascriptWithScope' : 'javascript';
    case 'BSONSymbol':
      return 'symbol';
    case 'DBRef':
      return 'object';
    default:
      return 'object';
  }
}

/** MongoDB's cross-type sort order (lower first). Missing and null sort together. */
export function canonicalTypeRank(v: unknown): number {
  switch (bsonTypeOf(v)) {
    case 'minKey':
      return 1;
    case 'missing':
    case 'undefined':
    case 'null':
      return 5;
    case 'int':
    case 'long':
    case 'double':
    case 'decimal':
      return 10;
    case 'string':
    case 'symbol':
      return 15;
    case 'object':
      return 20;
    case 'array':
      return 25;
    case 'binData':
      return 30;
    case 'objectId':
      return 35;
    case 'bool':
      return 40;
    case 'date':
      return 45;
    case 'timestamp':
      return 47;
    case 'regex':
      return 50;
    case 'dbPointer':
      return 55;
    case 'javascript':
      return 60;
    case 'javascriptWithScope':
      return 65;
    case 'maxKey':
      return 127;
  }
}

export function isNumeric(v: unknown): boolean {
  const t = bsonTypeOf(v);
  return t === 'int' || t === 'long' || t === 'double' || t === 'decimal';
}

/**
 * A numeric value as something comparable: exact bigint when the value is an integer that
 * fits, otherwise a JS number. Decimal128 beyond double precision is compared approximately.
 */
export function numericValue(v: unknown): number | bigint {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v;
  const tag = (v as { _bsontype?: string })._bsontype;
  if (tag === 'Long') return (v as Long).toBigInt();
  if (tag === 'Double') return (v as Double).value;
  if (tag === 'Int32') return (v as Int32).value;
  if (tag === 'Decimal128') {
    const s = (v as Decimal128).toString();
    if (/^-?\d+$/.test(s)) return BigInt(s);
    if (s === 'NaN' || s === '-NaN') return NaN;
    if (s === 'Infinity') return Infinity;
    if (s === '-Infinity') return -Infinity;
    return Number(s);
  }
  return NaN;
}

/** Plain JS number of a numeric value (lossy for huge Long/Decimal128). */
export function toJsNumber(v: unknown): number {
  const n = numericValue(v);
  return typeof n === 'bigint' ? Number(n) : n;
}

function compareNumeric(a: unknown, b: unknown): number {
  const x = numericValue(a);
  const y = numericValue(b);
  // MongoDB orders NaN below every other number and equal to itself.
  const xNaN = typeof x === 'number' && Number.isNaN(x);
  const yNaN = typeof y === 'number' && Number.isNaN(y);
  if (xNaN || yNaN) return xNaN && yNaN ? 0 : xNaN ? -1 : 1;
  if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0;
  // Mixed bigint and number: compare exactly where the number is integral.
  const [big, num, sign] =
    typeof x === 'bigint' ? [x, y as number, 1] : [y as bigint, x as number, -1];
  if (!Number.isFinite(num)) return num > 0 ? -sign : sign;
  const floor = BigInt(Math.floor(num));
  if (big < floor) return -sign;
  if (big > floor) return sign;
  return Number.isInteger(num) ? 0 : -sign;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length === 0 ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * MongoDB compares strings by their UTF-8 bytes, which is code point order. UTF-16 code unit
 * order agrees except that surrogates (U+D800-DFFF) must rank above U+E000-FFFF; shifting
 * them gives code point order without encoding the strings.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
    if (y >= 0xd800) y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function stringOf(v: unknown): string {
  if (typeof v === 'string') return v;
  return (v as BSONSymbol).value ?? String(v);
}

/** Total order of BSON values, as MongoDB sorts and compares them. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = canonicalTypeRank(a);
  const rb = canonicalTypeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 1:
    case 5:
    case 127:
      return 0;
    case 10:
      return compareNumeric(a, b);
    case 15:
      return compareStrings(stringOf(a), stringOf(b));
    case 20:
      return compareDocuments(a as Document, b as Document);
    case 25: {
      const x = a as unknown[];
      const y = b as unknown[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
    }
    case 30: {
      const x = a as Binary;
      const y = b as Binary;
      if (x.position !== y.position) return x.position < y.position ? -1 : 1;
      if (x.sub_type !== y.sub_type) return x.sub_type < y.sub_type ? -1 : 1;
      return compareBytes(x.buffer.subarray(0, x.position), y.buffer.subarray(0, y.position));
    }
    case 35:
      return compareBytes((a as ObjectId).id, (b as ObjectId).id);
    case 40:
      return a === b ? 0 : a ? 1 : -1;
    case 45: {
      const x = (a as Date).getTime();
      const y = (b as Date).getTime();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 47: {
      const x = (a as Timestamp).toBigInt();
      const y = (b as Timestamp).toBigInt();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 50: {
      const [sa, fa] = regexParts(a);
      const [sb, fb] = regexParts(b);
      return compareStrings(sa, sb) || compareStrings(fa, fb);
    }
    default: {
      const x = a as Code;
      const y = b as Code;
      return compareStrings(String(x.code), String(y.code));
    }
  }
}

export function regexParts(v: unknown): [string, string] {
  if (v instanceof RegExp) return [v.source, v.flags];
  const r = v as BSONRegExp;
  return [r.pattern, r.options];
}

function compareDocuments(a: Document, b: Document): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const va = a[ka[i]];
    const vb = b[kb[i]];
    const rt = canonicalTypeRank(va) - canonicalTypeRank(vb);
    if (rt !== 0) return rt < 0 ? -1 : 1;
    const kc = compareStrings(ka[i], kb[i]);
    if (kc !== 0) return kc;
    const vc = compareValues(va, vb);
    if (vc !== 0) return vc;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

/** Equality as MongoDB's `$eq` sees it between two concrete values (no array traversal). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return canonicalTypeRank(a) === canonicalTypeRank(b) && compareValues(a, b) === 0;
}

/**
 * A string key for a value such that two values get the same key iff `valuesEqual` holds
 * (numbers of all kinds with the same value share a key). Used for hash lookups: `_id` maps,
 * unique-index keys, `$in` sets, distinct.
 */
export function valueKey(v: unknown): string {
  switch (bsonTypeOf(v)) {
    case 'missing':
    case 'undefined':
    case 'null':
      return 'n';
    case 'int':
    case 'double':
    case 'long':
    case 'decimal': {
      const n = numericValue(v);
      if (typeof n === 'bigint') return 'd' + n.toString();
      if (Number.isNaN(n)) return 'dNaN';
      if (Number.isInteger(n) && Number.isSafeInteger(n)) return 'd' + n.toString();
      if (Number.isInteger(n)) return 'd' + BigInt(n).toString();
      return 'd' + n.toString();
    }
    case 'string':
    case 'symbol':
      return 's' + stringOf(v);
    case 'objectId':
      return 'o' + (v as ObjectId).toHexString();
    case 'bool':
      return v ? 'bt' : 'bf';
    case 'date':
      return 't' + (v as Date).getTime();
    case 'binData': {
      const b = v as Binary;
      return 'x' + b.sub_type + ':' + Buffer.from(b.buffer.subarray(0, b.position)).toString('hex');
    }
    case 'timestamp':
      return 'T' + (v as Timestamp).toBigInt().toString();
    case 'regex': {
      const [s, f] = regexParts(v);
      return 'r/' + s + '/' + f;
    }
    case 'array':
      return '[' + (v as unknown[]).map(valueKey).join(',') + ']';
    case 'object': {
      const d = v as Document;
      return (
        '{' +
        Object.keys(d)
          .map((k) => JSON.stringify(k) + ':' + valueKey(d[k]))
          .join(',') +
        '}'
      );
    }
    case 'minKey':
      return 'm-';
    case 'maxKey':
      return 'm+';
    default:
      return 'c' + String((v as Code).code);
  }
}

/**
 * Normalises a document decoded with `promoteValues: false` into the stored representation:
 * Int32 -> number, Double -> number unless integral (then kept as Double), Long kept, nested
 * documents and arrays walked. Mutates and returns its argument.
 */
export function fromWire<T>(v: T): T {
  return normalise(v) as T;
}

function normalise(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = normalise(v[i]);
    return v;
  }
  const tag = (v as { _bsontype?: string })._bsontype;
  if (tag === 'Int32') return (v as Int32).value;
  if (tag === 'Double') {
    const n = (v as Double).value;
    return Number.isInteger(n) || Object.is(n, -0) ? v : n;
  }
  if (tag === 'DBRef') {
    const r = v as DBRef;
    r.oid = normalise(r.oid) as ObjectId;
    return v;
  }
  if (tag !== undefined || v instanceof Date || v instanceof RegExp) return v;
  const d = v as Document;
  for (const k of Object.keys(d)) setOwn(d, k, normalise(d[k]));
  return d;
}

/** Wraps a computed JS number as MongoDB would store it: int32 when it fits, else a double. */
export function numberResult(n: number): unknown {
  return isInt32(n) ? n : Number.isInteger(n) ? new Double(n) : n;
}

/** Deep copy of a stored value (BSON wrapper objects are immutable and shared). */
export function deepClone<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(deepClone) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if ((v as { _bsontype?: string })._bsontype !== undefined || v instanceof RegExp) return v;
  const out: Document = {};
  for (const k of Object.keys(v as Document)) setOwn(out, k, deepClone((v as Document)[k]));
  return out as T;
}

/** Sets an own field, also when it is named `__proto__` (plain assignment would set the prototype). */
export function setOwn(d: Document, k: string, value: unknown): void {
  if (k === '__proto__') {
    Object.defineProperty(d, k, { value, enumerable: true, writable: true, configurable: true });
  } else d[k] = value;
}

export function isPlainDocument(v: unknown): v is Document {
  return bsonTypeOf(v) === 'object' && (v as { _bsontype?: string })._bsontype === undefined;
}

export { Binary, Decimal128, Double, Long, MaxKey, MinKey, ObjectId, Timestamp, BSONRegExp };
