import { Document } from '../bson/values';
import type { PipelineContext } from './context';

/** Freezes plain documents and arrays recursively (BSON wrappers are immutable already). */
export function deepFreeze<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v) || (v as { _bsontype?: string })._bsontype === undefined) {
    if (v instanceof Date) return v;
    for (const x of Object.values(v as object)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

export function makeCtx(collections: Record<string, Document[]> = {}): PipelineContext {
  for (const docs of Object.values(collections)) deepFreeze(docs);
  return {
    db: 'test',
    resolveCollection: (name) => collections[name] ?? [],
    now: () => new Date('2024-01-02T03:04:05.000Z'),
  };
}
