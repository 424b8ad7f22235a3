/**
 * Arithmetic over the stored numeric model (int32 number, integral `Double`, `Long`,
 * `Decimal128`) with MongoDB's result-type rules: the widest input kind wins
 * (int < long < double < decimal); int overflows to long, long overflows to double.
 * Decimal arithmetic is exact (BigInt coefficient + exponent, rounded to 34 digits).
 */
import { Decimal128, Double, Long } from 'bson';
import { isInt32, numericValue } from '../bson/values';

export type NumKind = 'int' | 'long' | 'double' | 'decimal';

const KIND_RANK: Record<NumKind, number> = { int: 0, long: 1, double: 2, decimal: 3 };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The numeric kind of a value, or undefined when it is not a number. */
export function numKind(v: unknown): NumKind | undefined {
  if (typeof v === 'number') return isInt32(v) ? 'int' : 'double';
  if (typeof v !== 'object' || v === null) return undefined;
  switch ((v as { _bsontype?: string })._bsontype) {
    case 'Long':
      return 'long';
    case 'Double':
      return 'double';
    case 'Decimal128':
      return 'decimal';
    case 'Int32':
      return 'int';
    default:
      return undefined;
  }
}

/** An int/long as a JS number when that is exact, else undefined. */
function safeIntNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  const l = v as Long;
  if (typeof l.high !== 'number') return Number((v as { value: number }).value);
  const n = l.high * 4294967296 + (l.low >>> 0);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function widerKind(a: NumKind, b: NumKind): NumKind {
  return KIND_RANK[a] >= KIND_RANK[b] ? a : b;
}

/** A JS number stored as a double: integral values keep a `Double` wrapper. */
export function makeDouble(n: number): unknown {
  return Number.isInteger(n) || Object.is(n, -0) ? new Double(n) : n;
}

/** An exact integer as the narrowest of int / long that `kind` allows, else a double. */
export function makeInteger(n: bigint, kind: 'int' | 'long'): unknown {
  if (kind === 'int' && n >= -2147483648n && n <= 2147483647n) return Number(n);
  if (n >= INT64_MIN && n <= INT64_MAX) return Long.fromBigInt(n);
  return makeDouble(Number(n));
}

export function toNumber(v: unknown): number {
  const n = numericValue(v);
  return typeof n === 'bigint' ? Number(n) : n;
}

/** Exact integer value of an int/long (undefined for other kinds). */
function toBigInt(v: unknown): bigint {
  if (typeof v === 'number') return BigInt(v);
  return (v as Long).toBigInt();
}

// ---- Decimal ----------------------------------------------------------------------------

/** A finite decimal: value = coef * 10^exp. Special values are kept as JS numbers. */
interface Dec {
  coef: bigint;
  exp: number;
  neg0?: boolean;
}
type DecOrSpecial = Dec | number;

const DEC_RE = /^(-)?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

function parseDec(s: string): DecOrSpecial {
  const m = DEC_RE.exec(s);
  if (!m) {
    if (/^-?nan$/i.test(s)) return NaN;
    if (/^\+?inf(inity)?$/i.test(s)) return Infinity;
    if (/^-inf(inity)?$/i.test(s)) return -Infinity;
    return NaN;
  }
  const frac = m[3] ?? '';
  let coef = BigInt(m[2] + frac);
  if (m[1]) coef = -coef;
  return { coef, exp: Number(m[4] ?? 0) - frac.length, neg0: !!m[1] && coef === 0n };
}

function decOf(v: unknown): DecOrSpecial {
  const kind = numKind(v);
  if (kind === 'decimal') return parseDec((v as Decimal128).toString());
  if (kind === 'int' || kind === 'long') return { coef: toBigInt(v), exp: 0 };
  const n = toNumber(v);
  if (!Number.isFinite(n)) return n;
  // Doubles enter decimal arithmetic through their shortest round-trip form.
  return parseDec(String(n));
}

function digits(n: bigint): number {
  return (n < 0n ? -n : n).toString().length;
}

/** Rounds to 34 significant digits (half-even) and builds the Decimal128. */
function makeDec(d: DecOrSpecial): Decimal128 {
  if (typeof d === 'number') {
    return Decimal128.fromString(Number.isNaN(d) ? 'NaN' : d > 0 ? 'Infinity' : '-Infinity');
  }
  let { coef, exp } = d;
  const extra = digits(coef) - 34;
  if (extra > 0) {
    const div = 10n ** BigInt(extra);
    const neg = coef < 0n;
    let abs = neg ? -coef : coef;
    const q = abs / div;
    const r = abs % div;
    const half = div / 2n;
    abs = r > half || (r === half && q % 2n === 1n) ? q + 1n : q;
    coef = neg ? -abs : abs;
    exp += extra;
  }
  // Clamp the exponent into Decimal128's range (padding the coefficient with zeros).
  while (exp > 6111 && coef !== 0n) {
    coef *= 10n;
    exp -= 1;
  }
  if (exp < -6176) {
    const shift = -6176 - exp;
    coef = coef / 10n ** BigInt(shift);
    exp = -6176;
  }
  const sign = coef === 0n && d.neg0 ? '-' : '';
  return Decimal128.fromString(`${sign}${coef.toString()}E${exp}`);
}

function decAdd(a: DecOrSpecial, b: DecOrSpecial): DecOrSpecial {
  if (typeof a === 'number' || typeof b === 'number') {
    return (typeof a === 'number' ? a : 0) + (typeof b === 'number' ? b : 0);
  }
  const exp = Math.min(a.exp, b.exp);
  const coef = a.coef * 10n ** BigInt(a.exp - exp) + b.coef * 10n ** BigInt(b.exp - exp);
  return { coef, exp };
}

function decNeg(a: DecOrSpecial): DecOrSpecial {
  return typeof a === 'number' ? -a : { coef: -a.coef, exp: a.exp };
}

function decMul(a: DecOrSpecial, b: DecOrSpecial): DecOrSpecial {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = typeof a === 'number' ? a : Number(a.coef);
    const y = typeof b === 'number' ? b : Number(b.coef);
    return x * y;
  }
  return { coef: a.coef * b.coef, exp: a.exp + b.exp };
}

function decDiv(a: DecOrSpecial, b: DecOrSpecial): DecOrSpecial {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = typeof a === 'number' ? a : Number(a.coef);
    const y = typeof b === 'number' ? b : Number(b.coef);
    return x / y;
  }
  if (b.coef === 0n) return a.coef === 0n ? NaN : a.coef > 0n ? Infinity : -Infinity;
  // Scale the dividend so the quotient carries at least 36 significant digits, then round.
  const scale = Math.max(0, 36 - digits(a.coef) + digits(b.coef));
  const q = (a.coef * 10n ** BigInt(scale)) / b.coef;
  return stripZeros({ coef: q, exp: a.exp - b.exp - scale });
}

function stripZeros(d: Dec): Dec {
  let { coef, exp } = d;
  while (coef !== 0n && coef % 10n === 0n && exp < 0) {
    coef /= 10n;
    exp += 1;
  }
  return { coef, exp };
}

/** A Decimal128 from any numeric value. */
export function toDecimal(v: unknown): Decimal128 {
  return makeDec(decOf(v));
}

// ---- Arithmetic -------------------------------------------------------------------------

type BinOp = 'add' | 'sub' | 'mul';

function intOp(op: BinOp, x: bigint, y: bigint): bigint {
  return op === 'add' ? x + y : op === 'sub' ? x - y : x * y;
}

function numOp(op: BinOp, x: number, y: number): number {
  return op === 'add' ? x + y : op === 'sub' ? x - y : x * y;
}

/** a (op) b for two numeric values, typed as MongoDB types the result. */
export function arith(op: BinOp, a: unknown, b: unknown): unknown {
  const ka = numKind(a) as NumKind;
  const kb = numKind(b) as NumKind;
  const kind = widerKind(ka, kb);
  if (kind === 'int' || kind === 'long') {
    const x = safeIntNumber(a);
    const y = safeIntNumber(b);
    if (x !== undefined && y !== undefined) {
      const r = numOp(op, x, y);
      if (Number.isSafeInteger(r)) {
        return kind === 'int' && isInt32(r) ? r : Long.fromNumber(r);
      }
    }
    const r = intOp(op, toBigInt(a), toBigInt(b));
    // Long results that overflow int64 become doubles.
    return makeInteger(r, kind);
  }
  if (kind === 'double') return makeDouble(numOp(op, toNumber(a), toNumber(b)));
  const x = decOf(a);
  const y = decOf(b);
  return makeDec(op === 'add' ? decAdd(x, y) : op === 'sub' ? decAdd(x, decNeg(y)) : decMul(x, y));
}

/** $divide: double, or decimal when either side is decimal. */
export function divide(a: unknown, b: unknown): unknown {
  if (numKind(a) === 'decimal' || numKind(b) === 'decimal')
    return makeDec(decDiv(decOf(a), decOf(b)));
  return makeDouble(toNumber(a) / toNumber(b));
}

/** $mod with MongoDB's typing (result has the sign of the dividend). */
export function mod(a: unknown, b: unknown): unknown {
  const kind = widerKind(numKind(a) as NumKind, numKind(b) as NumKind);
  if (kind === 'int' || kind === 'long') return makeInteger(toBigInt(a) % toBigInt(b), kind);
  if (kind === 'double') return makeDouble(toNumber(a) % toNumber(b));
  return toDecimal(makeDouble(toNumber(a) % toNumber(b)));
}

/** Applies a JS math function, keeping decimal inputs decimal (via double precision). */
export function mathUnary(v: unknown, fn: (n: number) => number, intPreserving = false): unknown {
  const kind = numKind(v) as NumKind;
  if (intPreserving && (kind === 'int' || kind === 'long')) {
    const r = fn(toNumber(v));
    // abs(INT_MIN) overflows int32 into long, like MongoDB.
    return kind === 'int' ? (isInt32(r) ? r : Long.fromNumber(r)) : Long.fromNumber(r);
  }
  const r = fn(toNumber(v));
  return kind === 'decimal' ? toDecimal(makeDouble(r)) : makeDouble(r);
}

export function isZero(v: unknown): boolean {
  const n = numericValue(v);
  return typeof n === 'bigint' ? n === 0n : n === 0;
}

/** Running sum used by $sum/$avg: exact for integers, widens like MongoDB. */
export class NumericSum {
  private kind: NumKind = 'int';
  private int = 0n;
  private small = 0;
  private dbl = 0;
  private dec: DecOrSpecial = { coef: 0n, exp: 0 };
  count = 0;

  add(v: unknown): void {
    const k = numKind(v);
    if (k === undefined) return;
    this.count++;
    this.kind = widerKind(this.kind, k);
    if (this.kind === 'decimal') {
      this.dec = decAdd(this.dec, decOf(v));
    } else if (k === 'int' || k === 'long') {
      // Exact JS-number sum while it stays safe; BigInt beyond.
      const n = safeIntNumber(v);
      const next = n === undefined ? NaN : this.small + n;
      if (Number.isSafeInteger(next)) this.small = next;
      else this.int += toBigInt(v);
    } else {
      this.dbl += toNumber(v);
    }
    if (k === 'decimal' && (this.int !== 0n || this.small !== 0)) {
      this.dec = decAdd(this.dec, { coef: this.int + BigInt(this.small), exp: 0 });
      this.int = 0n;
      this.small = 0;
    }
    if (k === 'decimal' && this.dbl !== 0) {
      this.dec = decAdd(this.dec, decOf(this.dbl));
      this.dbl = 0;
    }
  }

  result(): unknown {
    if (this.kind === 'int' || this.kind === 'long') {
      if (this.int === 0n) {
        const n = this.small;
        return this.kind === 'int' && isInt32(n) ? n : Long.fromNumber(n);
      }
      return makeInteger(this.int + BigInt(this.small), this.kind);
    }
    if (this.kind === 'double') return makeDouble(Number(this.int) + this.small + this.dbl);
    return makeDec(this.dec);
  }

  /** Average: double, or decimal when a decimal was summed; null when nothing was summed. */
  average(): unknown {
    if (this.count === 0) return null;
    if (this.kind === 'decimal')
      return makeDec(decDiv(this.dec, { coef: BigInt(this.count), exp: 0 }));
    return makeDouble((Number(this.int) + this.small + this.dbl) / this.count);
  }
}
