/**
 * One collection's committed state: documents by `_id` key, in insertion order (natural order),
 * their indexes, and the version history that open transactions read their snapshots from.
 * Every method here is synchronous, so each one is atomic with respect to other connections.
 */
import { Binary, serialize } from 'bson';
import { Document, valueKey } from '../bson/values';
import { MongoError, ErrorCode } from '../errors';
import { Index, IndexSpec } from './indexes';
import type { Engine } from './engine';

export interface StoredRecord {
  doc: Document;
  rid: number;
  /** Commit timestamp (engine clock) of the write that produced this version. */
  ts: number;
}

interface HistoryEntry {
  /** The version that was current before the write at `replacedAt` (null: absent). */
  prev: Document | null;
  replacedAt: number;
}

/** An open transaction as a lock holder: writers outside it wait for `done`. */
export interface LockHolder {
  readonly id: number;
  readonly done: Promise<void>;
}

export const ID_INDEX_NAME = '_id_';

export class Collection {
  readonly records = new Map<string, StoredRecord>();
  readonly indexes = new Map<string, Index>();
  readonly history = new Map<string, HistoryEntry[]>();
  /** Documents written by an open transaction: `_id` key -> that transaction. */
  readonly locks = new Map<string, LockHolder>();
  readonly uuid = new Binary(crypto.getRandomValues(new Uint8Array(16)), Binary.SUBTYPE_UUID);
  private nextRid = 1;

  constructor(
    private readonly engine: Engine,
    public db: string,
    public name: string,
    public options: Document = {},
  ) {
    this.indexes.set(ID_INDEX_NAME, new Index({ v: 2, key: { _id: 1 }, name: ID_INDEX_NAME }));
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get idIndex(): Index {
    return this.indexes.get(ID_INDEX_NAME) as Index;
  }

  get size(): number {
    return this.records.size;
  }

  get(idKey: string): Document | undefined {
    return this.records.get(idKey)?.doc;
  }

  /** Checks every unique index for `doc` as a new version of `idKey` (no change made). */
  checkUnique(doc: Document, idKey: string): void {
    for (const index of this.indexes.values()) {
      if (index.unique) index.checkUnique(doc, idKey, this.ns);
    }
  }

  insert(doc: Document): void {
    const idKey = valueKey(doc._id);
    if (this.records.has(idKey)) throw this.idIndex.duplicateError(this.ns, [doc._id]);
    this.checkUnique(doc, idKey);
    const ts = this.engine.tick();
    const rid = this.nextRid++;
    this.addToIndexes(doc, rid, idKey);
    const recorded = this.recordHistory(idKey, null, ts);
    this.records.set(idKey, { doc, rid, ts });
    if (this.engine.durable) this.engine.journal({ o: 'u', d: this.db, c: this.name, b: raw(doc) });
    this.engine.undo(() => this.restore(idKey, null, recorded));
  }

  replace(idKey: string, doc: Document): void {
    const rec = this.records.get(idKey);
    if (!rec) throw new MongoError(ErrorCode.InternalError, 'replace of a missing document');
    this.checkUnique(doc, idKey);
    const ts = this.engine.tick();
    this.removeFromIndexes(rec.doc, rec.rid, idKey);
    this.addToIndexes(doc, rec.rid, idKey);
    const recorded = this.recordHistory(idKey, rec.doc, ts);
    this.records.set(idKey, { doc, rid: rec.rid, ts });
    if (this.engine.durable) this.engine.journal({ o: 'u', d: this.db, c: this.name, b: raw(doc) });
    this.engine.undo(() => this.restore(idKey, rec, recorded));
  }

  delete(idKey: string): void {
    const rec = this.records.get(idKey);
    if (!rec) return;
    const ts = this.engine.tick();
    this.removeFromIndexes(rec.doc, rec.rid, idKey);
    const recorded = this.recordHistory(idKey, rec.doc, ts);
    this.records.delete(idKey);
    if (this.engine.durable)
      this.engine.journal({ o: 'r', d: this.db, c: this.name, b: raw({ _id: rec.doc._id }) });
    this.engine.undo(() => this.restore(idKey, rec, recorded));
  }

  /** Puts a record back as it was (transaction commit rollback); not journaled. */
  private restore(idKey: string, rec: StoredRecord | null, recorded: boolean): void {
    const current = this.records.get(idKey);
    if (current) {
      this.removeFromIndexes(current.doc, current.rid, idKey);
      this.records.delete(idKey);
    }
    if (rec) {
      this.addToIndexes(rec.doc, rec.rid, idKey);
      this.records.set(idKey, rec);
    }
    if (recorded) this.history.get(idKey)?.pop();
  }

  /** Recovery: load a document without checks, history or journaling. */
  load(doc: Document): void {
    const idKey = valueKey(doc._id);
    const rec = this.records.get(idKey);
    if (rec) {
      this.removeFromIndexes(rec.doc, rec.rid, idKey);
      this.addToIndexes(doc, rec.rid, idKey);
      this.records.set(idKey, { doc, rid: rec.rid, ts: 0 });
    } else {
      const rid = this.nextRid++;
      this.addToIndexes(doc, rid, idKey);
      this.records.set(idKey, { doc, rid, ts: 0 });
    }
  }

  unload(idKey: string): void {
    const rec = this.records.get(idKey);
    if (!rec) return;
    this.removeFromIndexes(rec.doc, rec.rid, idKey);
    this.records.delete(idKey);
  }

  /** Builds a new index over the current documents; a unique one fails on duplicates. */
  buildIndex(spec: IndexSpec): Index {
    const index = new Index(spec);
    for (const [idKey, rec] of this.records) {
      if (index.unique) index.checkUnique(rec.doc, idKey, this.ns);
      index.add(rec.doc, rec.rid, idKey);
    }
    this.indexes.set(spec.name, index);
    return index;
  }

  private addToIndexes(doc: Document, rid: number, idKey: string): void {
    const added: Index[] = [];
    try {
      for (const index of this.indexes.values()) {
        index.add(doc, rid, idKey);
        added.push(index);
      }
    } catch (e) {
      for (const index of added) index.remove(doc, rid, idKey);
      throw e;
    }
  }

  private removeFromIndexes(doc: Document, rid: number, idKey: string): void {
    for (const index of this.indexes.values()) index.remove(doc, rid, idKey);
  }

  private recordHistory(idKey: string, prev: Document | null, ts: number): boolean {
    if (!this.engine.hasOpenSnapshots()) return false;
    let hist = this.history.get(idKey);
    if (!hist) this.history.set(idKey, (hist = []));
    hist.push({ prev, replacedAt: ts });
    this.engine.historyTouched(this);
    return true;
  }

  /** The version of a document visible to a snapshot taken at `ts` (null: absent). */
  versionAt(idKey: string, ts: number): Document | null {
    const hist = this.history.get(idKey);
    if (hist) {
      for (const h of hist) if (h.replacedAt > ts) return h.prev;
    }
    return this.records.get(idKey)?.doc ?? null;
  }

  /** Whether the document changed (or appeared, or vanished) after `ts`. */
  changedSince(idKey: string, ts: number): boolean {
    const hist = this.history.get(idKey);
    if (hist && hist.some((h) => h.replacedAt > ts)) return true;
    const rec = this.records.get(idKey);
    return rec !== undefined && rec.ts > ts;
  }

  /** Drops history no open snapshot can read any more. */
  pruneHistory(oldestSnapshot: number | null): void {
    if (oldestSnapshot === null) {
      this.history.clear();
      return;
    }
    for (const [id, hist] of this.history) {
      const kept = hist.filter((h) => h.replacedAt > oldestSnapshot);
      if (kept.length) this.history.set(id, kept);
      else this.history.delete(id);
    }
  }

  /** Every `_id` key a snapshot at `ts` might see. */
  *snapshotIds(): Generator<string> {
    yield* this.records.keys();
    for (const id of this.history.keys()) if (!this.records.has(id)) yield id;
  }

  indexSpecs(): IndexSpec[] {
    return [...this.indexes.values()].map((i) => i.spec);
  }
}

/** Documents go to the journal as raw BSON so that the store never re-types numbers. */
export function raw(doc: Document): Binary {
  return new Binary(serialize(doc));
}
