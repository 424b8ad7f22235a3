/**
 * $group accumulators over stored values (exact numeric typing via NumericSum, MongoDB
 * ordering via compareValues).
 */
import { compareValues, Document, isNumeric, valueKey } from '../bson/values';
import { ErrorCode } from '../errors';
import { evaluate, fail, isDoc, mergeObjects, Scope, sortBySpec, stdDev } from './expressions';
import { makeDouble, NumericSum, toNumber } from './numeric';

export interface AccumulatorState {
  add(scope: Scope): void;
  result(): unknown;
}

export type AccumulatorFactory = () => AccumulatorState;

const isNullish = (v: unknown): boolean => v === null || v === undefined;

function evalN(spec: Document, name: string, scope: Scope): number {
  const n = evaluate(spec.n, scope);
  if (!isNumeric(n) || !Number.isInteger(toNumber(n)) || toNumber(n) <= 0) {
    throw fail(5787902, `Value for 'n' must be a positive integral value for ${name}`);
  }
  return toNumber(n);
}

function namedSpec(name: string, arg: unknown, fields: string[]): Document {
  if (!isDoc(arg)) throw fail(5787801, `specification for ${name} must be an object`);
  for (const f of fields) {
    if (!(f in arg)) throw fail(5788003, `Missing value for '${f}' in ${name}`);
  }
  return arg;
}

/** Percentile by MongoDB's 'approximate'/'discrete' rule: the ceil(p*n)-th smallest value. */
function percentiles(values: number[], ps: number[]): unknown[] {
  const sorted = values.slice().sort((a, b) => a - b);
  return ps.map((p) => {
    if (sorted.length === 0) return null;
    const rank = Math.max(0, Math.ceil(p * sorted.length) - 1);
    return makeDouble(sorted[Math.min(rank, sorted.length - 1)]);
  });
}

/** Builds the per-group state factory for one `{field: {$acc: arg}}` entry. */
export function accumulatorFactory(
  field: string,
  spec: unknown,
  groupScope: Scope,
): AccumulatorFactory {
  if (!isDoc(spec) || Object.keys(spec).length !== 1) {
    throw fail(40234, `The field '${field}' must be an accumulator object`);
  }
  const [name] = Object.keys(spec);
  const arg = spec[name];
  const val = (s: Scope): unknown => evaluate(arg, s);
  switch (name) {
    case '$sum':
    case '$avg': {
      // {$sum: 1} (countDocuments) is the hot path: skip evaluation for numeric constants.
      const constant = isNumeric(arg) ? arg : undefined;
      return () => {
        const sum = new NumericSum();
        return {
          add: (s) => sum.add(constant ?? val(s)),
          result: () => (name === '$sum' ? sum.result() : sum.average()),
        };
      };
    }
    case '$count':
      return () => {
        let n = 0;
        return { add: () => void n++, result: () => n };
      };
    case '$min':
    case '$max':
      return () => {
        let best: unknown;
        return {
          add: (s) => {
            const v = val(s);
            if (isNullish(v)) return;
            const c = best === undefined ? 0 : compareValues(v, best);
            if (best === undefined || (name === '$min' ? c < 0 : c > 0)) best = v;
          },
          result: () => (best === undefined ? null : best),
        };
      };
    case '$first':
    case '$last':
      return () => {
        let seen = false;
        let value: unknown;
        return {
          add: (s) => {
            if (name === '$first' && seen) return;
            seen = true;
            value = val(s);
          },
          result: () => (value === undefined ? null : value),
        };
      };
    case '$push':
      return () => {
        const out: unknown[] = [];
        return {
          add: (s) => {
            const v = val(s);
            if (v !== undefined) out.push(v);
          },
          result: () => out,
        };
      };
    case '$addToSet':
      return () => {
        const out = new Map<string, unknown>();
        return {
          add: (s) => {
            const v = val(s);
            if (v === undefined) return;
            const k = valueKey(v);
            if (!out.has(k)) out.set(k, v);
          },
          result: () => [...out.values()],
        };
      };
    case '$mergeObjects':
      return () => {
        const parts: unknown[] = [];
        return { add: (s) => void parts.push(val(s)), result: () => mergeObjects(parts) };
      };
    case '$stdDevPop':
    case '$stdDevSamp':
      return () => {
        const values: unknown[] = [];
        return {
          add: (s) => void values.push(val(s)),
          result: () => stdDev(values, name === '$stdDevSamp'),
        };
      };
    case '$median':
    case '$percentile': {
      const a = namedSpec(
        name,
        arg,
        name === '$median' ? ['input', 'method'] : ['input', 'p', 'method'],
      );
      const ps =
        name === '$median' ? [0.5] : (evaluate(a.p, groupScope) as unknown[]).map(toNumber);
      return () => {
        const values: number[] = [];
        return {
          add: (s) => {
            const v = evaluate(a.input, s);
            if (isNumeric(v)) values.push(toNumber(v));
          },
          result: () => (name === '$median' ? percentiles(values, ps)[0] : percentiles(values, ps)),
        };
      };
    }
    case '$top':
    case '$bottom':
    case '$topN':
    case '$bottomN': {
      const many = name.endsWith('N');
      const a = namedSpec(name, arg, many ? ['n', 'sortBy', 'output'] : ['sortBy', 'output']);
      if (!isDoc(a.sortBy)) throw fail(5788604, `${name} requires a sortBy object`);
      const n = many ? evalN(a, name, groupScope) : 1;
      const cmpDoc = sortBySpec(a.sortBy);
      const sign = name.startsWith('$top') ? 1 : -1;
      return () => {
        const rows: { doc: unknown; out: unknown }[] = [];
        return {
          add: (s) => {
            const out = evaluate(a.output, s);
            rows.push({ doc: s.current, out: out === undefined ? null : out });
          },
          result: () => {
            rows.sort((x, y) => sign * cmpDoc(x.doc, y.doc));
            const outs = rows.slice(0, n).map((r) => r.out);
            return many ? outs : outs.length ? outs[0] : null;
          },
        };
      };
    }
    case '$firstN':
    case '$lastN':
    case '$maxN':
    case '$minN': {
      const a = namedSpec(name, arg, ['input', 'n']);
      const n = evalN(a, name, groupScope);
      return () => {
        const values: unknown[] = [];
        return {
          add: (s) => {
            const v = evaluate(a.input, s);
            if ((name === '$maxN' || name === '$minN') && isNullish(v)) return;
            values.push(v === undefined ? null : v);
          },
          result: () => {
            if (name === '$firstN') return values.slice(0, n);
            if (name === '$lastN') return values.slice(Math.max(0, values.length - n));
            const sorted = values.slice().sort(compareValues);
            return name === '$minN' ? sorted.slice(0, n) : sorted.reverse().slice(0, n);
          },
        };
      };
    }
    case '$accumulator':
      throw fail(
        ErrorCode.NotImplemented,
        '$accumulator (server-side JavaScript) is not supported',
      );
    default:
      throw fail(15952, `unknown group operator '${name}'`);
  }
}
