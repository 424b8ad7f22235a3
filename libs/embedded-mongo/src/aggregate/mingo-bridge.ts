/**
 * The boundary to mingo, used only for operators and stages this module does not implement
 * itself (date/string/set/trig expressions, window functions, $densify, $fill, ...).
 * mingo does not understand BSON numeric wrappers, so values cross as plain JS numbers and
 * come back re-typed (int32 when integral and in range, else double). That loses long/decimal
 * typing for values that pass through mingo, which is why the common paths avoid it.
 */
import type * as MingoCore from 'mingo/types/core';
import type { Aggregator as MingoAggregator } from 'mingo/types/aggregator';
import type { Options } from 'mingo/types/types';
import { Document, isInt32, toJsNumber } from '../bson/values';
import { makeDouble } from './numeric';

// mingo's subpath exports are not visible to this repo's `moduleResolution: node`, so the
// modules are required at runtime and typed from mingo's declaration files.
/* eslint-disable @typescript-eslint/no-require-imports */
const { Context, evalExpr, ProcessingMode } = require('mingo/core') as typeof MingoCore;
const { Aggregator } = require('mingo/aggregator') as { Aggregator: typeof MingoAggregator };
const CONTEXT = Context.init({
  accumulator: require('mingo/operators/accumulator'),
  expression: require('mingo/operators/expression'),
  pipeline: require('mingo/operators/pipeline'),
  projection: require('mingo/operators/projection'),
  query: require('mingo/operators/query'),
  window: require('mingo/operators/window'),
});
/* eslint-enable @typescript-eslint/no-require-imports */

function options(now: Date, variables?: Document): Options {
  return {
    idKey: '_id',
    processingMode: ProcessingMode.CLONE_OFF,
    useStrictMode: true,
    // mingo's $setWindowFields is built on $function internally, so scripts stay enabled.
    scriptEnabled: true,
    failOnError: true,
    context: CONTEXT,
    variables: { NOW: now, ...variables },
  };
}

/** Stored value -> mingo value. Shares unchanged subtrees; never mutates its input. */
export function toMingo(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const c = toMingo(v[i]);
      if (c !== v[i]) (out ??= v.slice())[i] = c;
    }
    return out ?? v;
  }
  const tag = (v as { _bsontype?: string })._bsontype;
  if (tag === 'Double' || tag === 'Int32' || tag === 'Long' || tag === 'Decimal128') {
    return toJsNumber(v);
  }
  if (tag === 'BSONRegExp') {
    const r = v as { pattern: string; options: string };
    return new RegExp(r.pattern, r.options.replace(/[^imsu]/g, ''));
  }
  if (tag !== undefined || v instanceof Date || v instanceof RegExp) return v;
  const d = v as Document;
  let out: Document | undefined;
  for (const k of Object.keys(d)) {
    const c = toMingo(d[k]);
    if (c !== d[k]) (out ??= { ...d })[k] = c;
  }
  return out ?? d;
}

/** mingo value -> stored value (numbers re-typed; shares unchanged subtrees). */
export function fromMingo(v: unknown): unknown {
  if (typeof v === 'number') return isInt32(v) ? v : makeDouble(v);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const c = fromMingo(v[i]);
      if (c !== v[i]) (out ??= v.slice())[i] = c;
    }
    return out ?? v;
  }
  if ((v as { _bsontype?: string })._bsontype !== undefined) return v;
  if (v instanceof Date || v instanceof RegExp) return v;
  const d = v as Document;
  let out: Document | undefined;
  for (const k of Object.keys(d)) {
    const c = fromMingo(d[k]);
    if (c !== d[k]) (out ??= { ...d })[k] = c;
  }
  return out ?? d;
}

/** Evaluates `{[op]: args}` in mingo, where args are already-evaluated stored values. */
export function mingoOperator(op: string, args: unknown, now: Date): unknown {
  const literal = (x: unknown): unknown => ({ $literal: toMingo(x) });
  let wrapped: unknown;
  if (Array.isArray(args)) wrapped = args.map(literal);
  else if (args !== null && typeof args === 'object' && isPlainArgs(args)) {
    const o: Document = {};
    for (const [k, x] of Object.entries(args as Document)) o[k] = literal(x);
    wrapped = o;
  } else wrapped = literal(args);
  return fromMingo(evalExpr({}, { [op]: wrapped }, options(now)));
}

function isPlainArgs(v: object): boolean {
  return (
    (v as { _bsontype?: string })._bsontype === undefined &&
    !(v instanceof Date) &&
    !(v instanceof RegExp)
  );
}

/** Runs one stage in mingo over converted documents. */
export function mingoStage(
  docs: Document[],
  stage: Document,
  now: Date,
  variables?: Document,
): Document[] {
  const input = docs.map((d) => toMingo(d) as Document);
  const out = new Aggregator([toMingo(stage) as Document], options(now, variables)).run(input);
  return out.map((d: unknown) => fromMingo(d) as Document);
}
