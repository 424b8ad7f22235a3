/**
 * The storage engine: the catalog of databases and collections, a logical clock, the journal
 * queue that makes acknowledged writes durable, and the bookkeeping open transactions need.
 * Node runs one command step at a time, so each synchronous method is atomic.
 */
import { Binary, deserialize } from 'bson';
import { Document, fromWire, valueKey } from '../bson/values';
import { MongoError, ErrorCode } from '../errors';
import { DurableStore } from '../storage/durable-store';
import { Collection, raw } from './collection';
import { IndexSpec } from './indexes';

const RAW_OPTIONS = { promoteValues: false, bsonRegExp: true };

export class Engine {
  readonly dbs = new Map<string, Map<string, Collection>>();
  private clock = 0;
  private journalQueue: Document[] = [];
  private lastAppend: Promise<void> = Promise.resolve();
  private undoLog: (() => void)[] | null = null;
  private readonly snapshots = new Map<number, number>(); // snapshot id -> ts
  private nextSnapshotId = 1;
  private readonly historyCollections = new Set<Collection>();
  private store: DurableStore | null = null;
  private compacting: Promise<void> | null = null;
  private replaying = false;

  static async open(dbPath?: string): Promise<Engine> {
    const engine = new Engine();
    if (dbPath) {
      const { store, recovered } = await DurableStore.open({ dir: dbPath });
      engine.replaying = true;
      for (const rec of recovered.snapshot) engine.replay(rec);
      for (const rec of recovered.journal) engine.replay(rec);
      engine.replaying = false;
      engine.store = store;
    }
    return engine;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.compacting;
    await this.store?.close();
    this.store = null;
  }

  tick(): number {
    return ++this.clock;
  }

  now(): number {
    return this.clock;
  }

  // ---- durability ----------------------------------------------------------------------

  /** Whether writes are journaled; callers skip building records when not. */
  get durable(): boolean {
    return this.store !== null && !this.replaying;
  }

  journal(record: Document): void {
    if (this.store && !this.replaying) this.journalQueue.push(record);
  }

  /** Resolves once every write made so far is on disk (no-op in memory mode). */
  flush(): Promise<void> {
    if (!this.store) return Promise.resolve();
    if (this.journalQueue.length > 0) {
      const batch = this.journalQueue;
      this.journalQueue = [];
      const store = this.store;
      this.lastAppend = batch.length === 1 ? store.append(batch[0]) : store.appendMany(batch);
      if (store.shouldCompact() && !this.compacting) {
        this.compacting = store
          .compact(this.snapshotRecords())
          .finally(() => (this.compacting = null));
      }
    }
    return this.lastAppend;
  }

  private snapshotRecords(): Document[] {
    const out: Document[] = [];
    for (const [db, colls] of this.dbs) {
      for (const coll of colls.values()) {
        out.push({ o: 'cc', d: db, c: coll.name, opts: coll.options });
        for (const spec of coll.indexSpecs()) {
          if (spec.name !== '_id_') out.push({ o: 'ci', d: db, c: coll.name, spec });
        }
        for (const rec of coll.records.values()) {
          out.push({ o: 'u', d: db, c: coll.name, b: raw(rec.doc) });
        }
      }
    }
    return out;
  }

  private replay(rec: Document): void {
    const db = rec.d as string;
    const name = rec.c as string;
    switch (rec.o) {
      case 'u':
        this.collection(db, name, true).load(decodeRaw(rec.b));
        break;
      case 'r':
        this.collection(db, name, true).unload(valueKey(decodeRaw(rec.b)._id));
        break;
      case 'cc':
        this.collection(db, name, true).options = (rec.opts as Document) ?? {};
        break;
      case 'ci':
        this.collection(db, name, true).buildIndex(fromWire(rec.spec as IndexSpec));
        break;
      case 'xi':
        this.collection(db, name, true).indexes.delete(rec.name as string);
        break;
      case 'xc':
        this.dbs.get(db)?.delete(name);
        break;
      case 'xd':
        this.dbs.delete(db);
        break;
      case 'rn':
        this.renameCollection(db, name, rec.td as string, rec.tc as string, true);
        break;
      default:
        throw new Error(`unknown journal record ${String(rec.o)}`);
    }
  }

  // ---- atomic multi-write sections (transaction commit) ---------------------------------

  undo(fn: () => void): void {
    this.undoLog?.push(fn);
  }

  /** Runs `fn`; if it throws, every write it made is rolled back and nothing is journaled. */
  atomically<T>(fn: () => T): T {
    const outer = this.undoLog;
    const log: (() => void)[] = [];
    const journalLength = this.journalQueue.length;
    this.undoLog = log;
    try {
      return fn();
    } catch (e) {
      for (let i = log.length - 1; i >= 0; i--) log[i]();
      this.journalQueue.length = journalLength;
      throw e;
    } finally {
      this.undoLog = outer;
      if (outer) outer.push(...log);
    }
  }

  // ---- snapshots for transactions ------------------------------------------------------

  openSnapshot(): { id: number; ts: number } {
    const id = this.nextSnapshotId++;
    const ts = this.clock;
    this.snapshots.set(id, ts);
    return { id, ts };
  }

  closeSnapshot(id: number): void {
    this.snapshots.delete(id);
    let oldest: number | null = null;
    for (const ts of this.snapshots.values()) oldest = oldest === null ? ts : Math.min(oldest, ts);
    for (const coll of this.historyCollections) coll.pruneHistory(oldest);
    if (oldest === null) this.historyCollections.clear();
  }

  hasOpenSnapshots(): boolean {
    return this.snapshots.size > 0;
  }

  historyTouched(coll: Collection): void {
    this.historyCollections.add(coll);
  }

  // ---- catalog -------------------------------------------------------------------------

  collection(db: string, name: string, create: true): Collection;
  collection(db: string, name: string, create?: boolean): Collection | undefined;
  collection(db: string, name: string, create = false): Collection | undefined {
    let colls = this.dbs.get(db);
    let coll = colls?.get(name);
    if (coll || !create) return coll;
    validateNamespace(db, name);
    if (!colls) this.dbs.set(db, (colls = new Map()));
    coll = new Collection(this, db, name);
    colls.set(name, coll);
    this.journal({ o: 'cc', d: db, c: name, opts: {} });
    return coll;
  }

  createCollection(db: string, name: string, options: Document): Collection {
    if (this.collection(db, name)) {
      throw new MongoError(ErrorCode.NamespaceExists, `Collection ${db}.${name} already exists.`);
    }
    const coll = this.collection(db, name, true);
    coll.options = options;
    this.journal({ o: 'cc', d: db, c: name, opts: options });
    return coll;
  }

  dropCollection(db: string, name: string): boolean {
    const colls = this.dbs.get(db);
    if (!colls?.delete(name)) return false;
    if (colls.size === 0) this.dbs.delete(db);
    this.journal({ o: 'xc', d: db, c: name });
    return true;
  }

  dropDatabase(db: string): void {
    if (this.dbs.delete(db)) this.journal({ o: 'xd', d: db });
  }

  renameCollection(db: string, name: string, toDb: string, toName: string, dropTarget: boolean) {
    const source = this.collection(db, name);
    if (!source)
      throw new MongoError(ErrorCode.NamespaceNotFound, 'source namespace does not exist');
    validateNamespace(toDb, toName);
    if (this.collection(toDb, toName)) {
      if (!dropTarget) throw new MongoError(ErrorCode.NamespaceExists, 'target namespace exists');
      this.dropCollection(toDb, toName);
    }
    this.dbs.get(db)?.delete(name);
    if (this.dbs.get(db)?.size === 0) this.dbs.delete(db);
    let target = this.dbs.get(toDb);
    if (!target) this.dbs.set(toDb, (target = new Map()));
    source.db = toDb;
    source.name = toName;
    target.set(toName, source);
    this.journal({ o: 'rn', d: db, c: name, td: toDb, tc: toName });
  }

  createIndex(coll: Collection, spec: IndexSpec): void {
    coll.buildIndex(spec);
    this.journal({ o: 'ci', d: coll.db, c: coll.name, spec });
  }

  dropIndex(coll: Collection, name: string): void {
    coll.indexes.delete(name);
    this.journal({ o: 'xi', d: coll.db, c: coll.name, name });
  }
}

function decodeRaw(b: unknown): Document {
  const bin = b as Binary;
  return fromWire(deserialize(bin.buffer.subarray(0, bin.position), RAW_OPTIONS) as Document);
}

export function validateNamespace(db: string, name: string): void {
  if (!db || /[/\\. "$\0]/.test(db) || db.length > 64) {
    throw new MongoError(ErrorCode.InvalidNamespace, `Invalid database name: '${db}'`);
  }
  if (!name || name.includes('$') || name.includes('\0') || name.startsWith('.')) {
    throw new MongoError(ErrorCode.InvalidNamespace, `Invalid collection name: ${name}`);
  }
}
