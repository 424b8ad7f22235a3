/**
 * Logical sessions, multi-document transactions and retryable writes.
 *
 * A transaction reads a snapshot taken at its first statement (versions kept in each
 * collection's history while it is open) and buffers its writes in an overlay. Writing a
 * document that another transaction wrote, or that changed after the snapshot, fails at once
 * with WriteConflict (112, TransientTransactionError), so the driver's withTransaction retries.
 * A write outside any transaction to a document a transaction holds waits until that
 * transaction ends, as MongoDB makes it wait. Commit applies the overlay atomically.
 */
import { Binary } from 'bson';
import { Document } from '../bson/values';
import { MongoError, ErrorCode } from '../errors';
import { Collection } from './collection';
import { Engine } from './engine';
import { keyString } from './indexes';

export const TRANSACTION_LIFETIME_MS = 60_000;
export const SESSION_TIMEOUT_MINUTES = 30;
const TRANSIENT = ['TransientTransactionError'];

type TxnState = 'inProgress' | 'committed' | 'aborted';

let nextTxnId = 1;

export class Transaction {
  readonly id = nextTxnId++;
  state: TxnState = 'inProgress';
  readonly writes = new Map<Collection, Map<string, Document | null>>();
  private snapshot: { id: number; ts: number } | null;
  private readonly timer: NodeJS.Timeout;
  private finished!: () => void;
  readonly done = new Promise<void>((resolve) => (this.finished = resolve));
  abortReason: string | null = null;
  /** Commit reply kept so that a retried commitTransaction answers the same. */
  committedOk = false;

  constructor(
    private readonly engine: Engine,
    readonly txnNumber: bigint,
  ) {
    this.snapshot = engine.openSnapshot();
    this.timer = setTimeout(
      () => this.abort('transaction exceeded its lifetime limit'),
      TRANSACTION_LIFETIME_MS,
    );
    this.timer.unref();
  }

  get snapshotTs(): number {
    return this.snapshot?.ts ?? this.engine.now();
  }

  assertActive(): void {
    if (this.state === 'inProgress') return;
    if (this.state === 'committed') {
      throw new MongoError(
        ErrorCode.TransactionCommitted,
        `Transaction with { txnNumber: ${this.txnNumber} } has been committed.`,
      );
    }
    throw new MongoError(
      ErrorCode.NoSuchTransaction,
      `Transaction with { txnNumber: ${this.txnNumber} } has been aborted.` +
        (this.abortReason ? ` (${this.abortReason})` : ''),
      {},
      TRANSIENT,
    );
  }

  /** The document as this transaction sees it. */
  read(coll: Collection, idKey: string): Document | null {
    const own = this.writes.get(coll);
    if (own?.has(idKey)) return own.get(idKey) ?? null;
    return coll.versionAt(idKey, this.snapshotTs);
  }

  /** Every (idKey, doc) visible to this transaction in `coll`. */
  *scan(coll: Collection): Generator<[string, Document]> {
    const own = this.writes.get(coll);
    const seen = new Set<string>();
    for (const idKey of coll.snapshotIds()) {
      seen.add(idKey);
      const doc = this.read(coll, idKey);
      if (doc) yield [idKey, doc];
    }
    if (own) {
      for (const [idKey, doc] of own) if (!seen.has(idKey) && doc) yield [idKey, doc];
    }
  }

  /** Buffers a write (doc null = delete), after checking for conflicts and unique keys. */
  write(coll: Collection, idKey: string, doc: Document | null): void {
    this.assertActive();
    const holder = coll.locks.get(idKey);
    if ((holder !== undefined && holder !== this) || coll.changedSince(idKey, this.snapshotTs)) {
      this.abort('write conflict');
      throw new MongoError(
        ErrorCode.WriteConflict,
        'Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
        {},
        TRANSIENT,
      );
    }
    if (doc) this.checkUnique(coll, idKey, doc);
    coll.locks.set(idKey, this);
    let own = this.writes.get(coll);
    if (!own) this.writes.set(coll, (own = new Map()));
    own.set(idKey, doc);
  }

  private checkUnique(coll: Collection, idKey: string, doc: Document): void {
    const own = this.writes.get(coll);
    for (const index of coll.indexes.values()) {
      if (!index.unique || !index.covers(doc)) continue;
      for (const key of index.keysOf(doc)) {
        const ks = keyString(key);
        // A committed holder counts unless this transaction has rewritten it (commit re-checks).
        const owner = index.ownerOf(ks);
        if (owner !== undefined && owner !== idKey && !own?.has(owner)) {
          throw index.duplicateError(coll.ns, key);
        }
        for (const [otherId, other] of own ?? []) {
          if (otherId === idKey || !other || !index.covers(other)) continue;
          if (index.keysOf(other).some((k) => keyString(k) === ks)) {
            throw index.duplicateError(coll.ns, key);
          }
        }
      }
    }
  }

  commit(): void {
    if (this.state === 'committed') return;
    this.assertActive();
    try {
      this.engine.atomically(() => {
        for (const [coll, own] of this.writes) {
          for (const [idKey, doc] of own) {
            const exists = coll.records.has(idKey);
            if (doc === null) coll.delete(idKey);
            else if (exists) coll.replace(idKey, doc);
            else coll.insert(doc);
          }
        }
      });
    } catch (e) {
      this.abort('commit failed');
      throw e;
    }
    this.finish('committed');
  }

  abort(reason = 'aborted'): void {
    if (this.state !== 'inProgress') return;
    this.abortReason = reason;
    this.finish('aborted');
  }

  private finish(state: TxnState): void {
    this.state = state;
    clearTimeout(this.timer);
    for (const [coll, own] of this.writes) {
      for (const idKey of own.keys()) if (coll.locks.get(idKey) === this) coll.locks.delete(idKey);
    }
    if (this.snapshot) this.engine.closeSnapshot(this.snapshot.id);
    this.snapshot = null;
    if (state === 'aborted') this.writes.clear();
    this.finished();
  }
}

export class Session {
  lastUsed = Date.now();
  txn: Transaction | null = null;
  /** Highest txnNumber seen, for transactions and retryable writes alike. */
  txnNumber = -1n;
  /** Reply of the retryable write with `txnNumber`, replayed when the driver retries it. */
  retryReply: Document | null = null;

  constructor(readonly key: string) {}
}

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private readonly reaper: NodeJS.Timeout;

  constructor() {
    this.reaper = setInterval(() => this.expire(), 60_000);
    this.reaper.unref();
  }

  get(lsid: unknown): Session | null {
    const id = (lsid as { id?: Binary } | undefined)?.id;
    if (!id || !(id instanceof Binary)) return null;
    const key = Buffer.from(id.buffer.subarray(0, id.position)).toString('hex');
    let s = this.sessions.get(key);
    if (!s) this.sessions.set(key, (s = new Session(key)));
    s.lastUsed = Date.now();
    return s;
  }

  end(lsid: unknown): void {
    const id = (lsid as { id?: Binary } | undefined)?.id;
    if (!id || !(id instanceof Binary)) return;
    const key = Buffer.from(id.buffer.subarray(0, id.position)).toString('hex');
    this.sessions.get(key)?.txn?.abort('session ended');
    this.sessions.delete(key);
  }

  get count(): number {
    return this.sessions.size;
  }

  private expire(): void {
    const limit = Date.now() - SESSION_TIMEOUT_MINUTES * 60_000;
    for (const [key, s] of this.sessions) {
      if (s.lastUsed < limit) {
        s.txn?.abort('session expired');
        this.sessions.delete(key);
      }
    }
  }

  close(): void {
    clearInterval(this.reaper);
    for (const s of this.sessions.values()) s.txn?.abort('server shutting down');
    this.sessions.clear();
  }
}
