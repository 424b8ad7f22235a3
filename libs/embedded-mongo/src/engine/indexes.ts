/**
 * Secondary indexes. A regular index keeps (key tuple, record id) entries in key order, so
 * equality, range and sort queries walk a slice of it instead of the collection; a unique one
 * also keeps a hash of its keys, checked on every write path. Text indexes keep an inverted
 * term list; 2dsphere indexes validate points (queries on them scan).
 */
import { Document, compareValues, valueKey, bsonTypeOf, isPlainDocument } from '../bson/values';
import { MongoError, ErrorCode } from '../errors';
import { SortedList } from './sorted-list';
import { compileFilter } from '../query/matcher';
import { TextIndexSpec, indexTerms, textIndexSpecFromIndex } from '../query/text';
import { validateGeoJsonForIndex } from '../query/geo';
import { getPathValues } from '../query/paths';

export type IndexKind = 'regular' | 'text' | '2dsphere' | '2d' | 'hashed';

export interface IndexEntry {
  key: unknown[];
  rid: number;
  id: string;
}

/** The stored definition, as listIndexes reports it. */
export interface IndexSpec {
  v: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

const MISSING_KEY = null;

export class Index {
  readonly fields: string[];
  readonly directions: number[];
  readonly kind: IndexKind;
  readonly entries: SortedList<IndexEntry>;
  private readonly uniqueKeys = new Map<string, string>();
  private readonly partial: ((doc: Document) => boolean) | null;
  readonly text: TextIndexSpec | null;
  private readonly postings = new Map<string, Set<string>>();
  private readonly isUnique: boolean;
  /** True once an indexed field held an array (the index may list a document several times). */
  multikey = false;
  /** The indexed fields that held an array (MongoDB's multikey paths, per key field). */
  readonly multikeyFields = new Set<string>();

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    const values = this.fields.map((f) => spec.key[f]);
    this.kind = values.includes('text')
      ? 'text'
      : values.includes('2dsphere')
        ? '2dsphere'
        : values.includes('2d')
          ? '2d'
          : values.includes('hashed')
            ? 'hashed'
            : 'regular';
    this.directions = values.map((v) => (typeof v === 'number' && v < 0 ? -1 : 1));
    this.partial = spec.partialFilterExpression
      ? compileFilter(spec.partialFilterExpression)
      : null;
    this.text = this.kind === 'text' ? textIndexSpecFromIndex(spec.key, spec) : null;
    this.entries = new SortedList<IndexEntry>((a, b) => this.compareEntries(a, b));
    this.isUnique = spec.unique === true || spec.name === '_id_';
  }

  get name(): string {
    return this.spec.name;
  }

  /** The `_id_` index is unique without saying so in its listed spec, as in MongoDB. */
  get unique(): boolean {
    return this.isUnique;
  }

  compareKeys(a: unknown[], b: unknown[]): number {
    for (let i = 0; i < this.fields.length; i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c * this.directions[i];
    }
    return 0;
  }

  private compareEntries(a: IndexEntry, b: IndexEntry): number {
    return this.compareKeys(a.key, b.key) || a.rid - b.rid;
  }

  /** Whether this document belongs in the index at all (sparse and partial indexes). */
  covers(doc: Document): boolean {
    if (this.partial && !this.partial(doc)) return false;
    if (this.spec.sparse || this.kind === '2dsphere') {
      return this.fields.some((f) => this.spec.key[f] === 'text' || pathValues(doc, f).present);
    }
    return true;
  }

  /** The key tuples a document contributes (several when an indexed field holds an array). */
  keysOf(doc: Document): unknown[][] {
    if (this.fields.length === 1 && this.kind === 'regular') {
      const v = doc[this.fields[0]];
      // Fast path: a top-level scalar field (no dots, no array) has exactly one key.
      if (!this.fields[0].includes('.') && !Array.isArray(v) && !isPlainDocument(v)) {
        return [[v === undefined ? MISSING_KEY : v]];
      }
    }
    if (this.kind === 'text' || this.kind === '2dsphere' || this.kind === '2d') {
      return [this.fields.map(() => null)];
    }
    let arrayField: string | null = null;
    const perField = this.fields.map((f) => {
      const { values, viaArray } = pathValues(doc, f);
      if (viaArray) {
        if (arrayField !== null) {
          throw new MongoError(171, `cannot index parallel arrays [${f}] [${arrayField}]`);
        }
        arrayField = f;
      }
      return values.length ? values : [MISSING_KEY];
    });
    if (arrayField !== null) {
      this.multikey = true;
      this.multikeyFields.add(arrayField);
    }
    let tuples: unknown[][] = [[]];
    for (const values of perField) {
      const next: unknown[][] = [];
      for (const t of tuples) for (const v of values) next.push([...t, v]);
      tuples = next;
    }
    return tuples;
  }

  /** Throws the exact E11000 error when adding `doc` would duplicate a unique key. */
  checkUnique(doc: Document, id: string, ns: string, keys = this.keysOf(doc)): void {
    if (!this.unique || !this.covers(doc)) return;
    for (const key of keys) {
      const owner = this.uniqueKeys.get(keyString(key));
      if (owner !== undefined && owner !== id) throw this.duplicateError(ns, key);
    }
  }

  /** The `_id` key of the document holding a unique key, if any. */
  ownerOf(keyStr: string): string | undefined {
    return this.uniqueKeys.get(keyStr);
  }

  duplicateError(ns: string, key: unknown[]): MongoError {
    const keyValue: Document = {};
    const keyPattern: Document = {};
    this.fields.forEach((f, i) => {
      keyValue[f] = key[i];
      keyPattern[f] = this.spec.key[f];
    });
    const shown = this.fields.map((f, i) => `${f}: ${shellFormat(key[i])}`).join(', ');
    return new MongoError(
      ErrorCode.DuplicateKey,
      `E11000 duplicate key error collection: ${ns} index: ${this.name} dup key: { ${shown} }`,
      { keyPattern, keyValue },
    );
  }

  add(doc: Document, rid: number, id: string): void {
    if (!this.covers(doc)) return;
    if (this.kind === '2dsphere') {
      for (const f of this.fields) {
        if (this.spec.key[f] !== '2dsphere') continue;
        // Leaf arrays stay whole: a legacy pair [lng, lat] is one point, not two values.
        for (const v of getPathValues(doc, f, false)) validateGeoJsonForIndex(v);
      }
    }
    if (this.kind === 'text' && this.text) {
      for (const term of indexTerms(doc, this.text).keys()) {
        let set = this.postings.get(term);
        if (!set) this.postings.set(term, (set = new Set()));
        set.add(id);
      }
      return;
    }
    const keys = this.keysOf(doc);
    if (keys.length === 1) {
      this.entries.insert({ key: keys[0], rid, id });
      if (this.unique) this.uniqueKeys.set(keyString(keys[0]), id);
      return;
    }
    const seen = new Set<string>();
    for (const key of keys) {
      const ks = keyString(key);
      if (seen.has(ks)) continue;
      seen.add(ks);
      this.entries.insert({ key, rid, id });
      if (this.unique) this.uniqueKeys.set(ks, id);
    }
  }

  remove(doc: Document, rid: number, id: string): void {
    if (!this.covers(doc)) return;
    if (this.kind === 'text' && this.text) {
      for (const term of indexTerms(doc, this.text).keys()) {
        const set = this.postings.get(term);
        set?.delete(id);
        if (set && set.size === 0) this.postings.delete(term);
      }
      return;
    }
    const seen = new Set<string>();
    for (const key of this.keysOf(doc)) {
      const ks = keyString(key);
      if (seen.has(ks)) continue;
      seen.add(ks);
      this.entries.delete({ key, rid, id });
      if (this.unique && this.uniqueKeys.get(ks) === id) this.uniqueKeys.delete(ks);
    }
  }

  /**
   * Record ids (as _id keys) of documents containing any of the stemmed terms; every posting
   * read counts as an examined key.
   */
  textCandidates(terms: string[], counters?: { keysExamined: number }): Set<string> {
    const out = new Set<string>();
    for (const t of terms) {
      const ids = this.postings.get(t);
      if (!ids) continue;
      if (counters) counters.keysExamined += ids.size;
      for (const id of ids) out.add(id);
    }
    return out;
  }

  clear(): void {
    this.entries.clear();
    this.uniqueKeys.clear();
    this.postings.clear();
    this.multikey = false;
    this.multikeyFields.clear();
  }
}

export function keyString(key: unknown[]): string {
  return key.length === 1 ? valueKey(key[0]) : key.map(valueKey).join('\u0000');
}

/**
 * Index values of a dotted path: arrays met on the way (or at the end) contribute their
 * elements, as MongoDB's multikey indexes do. An empty array indexes as undefined-like null.
 */
export function pathValues(
  doc: Document,
  path: string,
): { values: unknown[]; viaArray: boolean; present: boolean } {
  const parts = path.split('.');
  let current: unknown[] = [doc];
  let viaArray = false;
  let present = true;
  for (const part of parts) {
    const next: unknown[] = [];
    for (const v of current) {
      if (Array.isArray(v)) {
        viaArray = true;
        const idx = /^\d+$/.test(part) ? Number(part) : -1;
        if (idx >= 0 && idx < v.length) next.push(v[idx]);
        else
          for (const el of v)
            if (isPlainDocument(el) && part in el) next.push((el as Document)[part]);
      } else if (isPlainDocument(v) && part in v) {
        next.push(v[part]);
      }
    }
    current = next;
    if (!current.length) {
      present = false;
      break;
    }
  }
  const values: unknown[] = [];
  for (const v of current) {
    if (Array.isArray(v)) {
      viaArray = true;
      if (v.length === 0) values.push(MISSING_KEY);
      else values.push(...v);
    } else values.push(v === undefined ? MISSING_KEY : v);
  }
  return { values, viaArray, present };
}

/** Formats a key value as the mongo shell prints it in E11000 messages. */
export function shellFormat(v: unknown): string {
  switch (bsonTypeOf(v)) {
    case 'string':
      return JSON.stringify(v);
    case 'null':
    case 'missing':
      return 'null';
    case 'objectId':
      return `ObjectId('${(v as { toHexString(): string }).toHexString()}')`;
    case 'date':
      return `new Date(${(v as Date).getTime()})`;
    case 'long':
      return `${String(v)}`;
    case 'decimal':
      return `Decimal128("${String(v)}")`;
    case 'double':
      return String((v as { valueOf(): number }).valueOf());
    case 'array':
      return `[ ${(v as unknown[]).map(shellFormat).join(', ')} ]`;
    case 'object': {
      const d = v as Document;
      const inner = Object.keys(d).map((k) => `${k}: ${shellFormat(d[k])}`);
      return inner.length ? `{ ${inner.join(', ')} }` : '{}';
    }
    default:
      return String(v);
  }
}
