/**
 * Stored documents as a person receives them in their export: plain JSON (ObjectIds as hex
 * strings, dates as ISO-8601 UTC, binary as base64), without the paths declared secret.
 */
import type { ExportedRecord } from '@spilno/contracts';
import { ExportPolicy, isPlainObject } from './personal-data';

interface BsonValue {
  _bsontype: string;
  toHexString?: () => string;
  buffer?: Uint8Array;
}

/** A stored value as JSON. */
export function exportable(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(exportable);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return value;
  const bson = value as Partial<BsonValue>;
  if (typeof bson._bsontype === 'string') return bsonExportable(bson as BsonValue);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, exportable(v)]));
}

function bsonExportable(value: BsonValue): string {
  if (value._bsontype === 'ObjectId' && value.toHexString) return value.toHexString();
  if (value._bsontype === 'Binary' && value.buffer) {
    return Buffer.from(value.buffer).toString('base64');
  }
  // Decimal128, Long, Timestamp: their string forms are exact.
  return String(value);
}

/** A document as its export section shows it: `only` its paths, never its secrets. */
export function exportRecord(
  document: Record<string, unknown>,
  policy: ExportPolicy,
): ExportedRecord {
  // exportable() builds a fresh object, so removing secrets from it leaves the document alone.
  const record = exportable(policy.only ? pick(document, policy.only) : document) as ExportedRecord;
  for (const path of policy.secrets ?? []) removePath(record, path.split('.'));
  return record;
}

function pick(
  document: Record<string, unknown>,
  paths: readonly string[],
): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const path of paths) {
    const keys = path.split('.');
    const value = valueAt(document, keys);
    if (value !== undefined) setPath(picked, keys, value);
  }
  return picked;
}

function valueAt(document: Record<string, unknown>, keys: string[]): unknown {
  let current: unknown = document;
  for (const key of keys) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let current = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(current[key])) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  current[keys[keys.length - 1]] = value;
}

function removePath(target: Record<string, unknown>, keys: string[]): void {
  const [key, ...rest] = keys;
  if (rest.length === 0) {
    delete target[key];
    return;
  }
  const inner = target[key];
  if (isPlainObject(inner)) removePath(inner, rest);
}
