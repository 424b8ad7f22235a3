/**
 * What a command handler gets: the engine, the session and transaction it runs in, the
 * cursor registry, and facts about the server and connection.
 */
import { calculateObjectSize, Long } from 'bson';
import { Document } from '../bson/values';
import { MongoError, ErrorCode } from '../errors';
import { Engine } from '../engine/engine';
import { Session, SessionRegistry, Transaction } from '../engine/sessions';
import { MAX_BSON_OBJECT_SIZE } from '../wire/protocol';

export interface ServerInfo {
  host: string;
  port: number;
  setName: string;
  startedAt: Date;
  dbPath: string | null;
  connections: () => number;
}

export interface CommandContext {
  engine: Engine;
  sessions: SessionRegistry;
  cursors: CursorRegistry;
  server: ServerInfo;
  connectionId: number;
  db: string;
  session: Session | null;
  txn: Transaction | null;
}

export type CommandHandler = (cmd: Document, ctx: CommandContext) => Document | Promise<Document>;

const CURSOR_IDLE_MS = 10 * 60_000;
const DEFAULT_FIRST_BATCH = 101;

interface OpenCursor {
  id: bigint;
  ns: string;
  docs: Document[];
  pos: number;
  lastUsed: number;
  session: Session | null;
}

/** Open cursors over materialised results; idle ones expire after 10 minutes, as in MongoDB. */
export class CursorRegistry {
  private readonly cursors = new Map<bigint, OpenCursor>();
  private readonly reaper: NodeJS.Timeout;

  constructor() {
    this.reaper = setInterval(() => this.expire(), 60_000);
    this.reaper.unref();
  }

  get open(): number {
    return this.cursors.size;
  }

  /**
   * The first batch of a result, and a cursor for the rest when there is more.
   * batchSize 0 keeps every document for getMore; singleBatch closes after the first batch.
   */
  firstBatch(
    ns: string,
    docs: Document[],
    batchSize: number | undefined,
    singleBatch: boolean,
    session: Session | null,
  ): Document {
    const size = batchSize ?? DEFAULT_FIRST_BATCH;
    const batch = takeBatch(docs, 0, size);
    let id = 0n;
    if (!singleBatch && batch.length < docs.length) {
      id = randomCursorId();
      this.cursors.set(id, { id, ns, docs, pos: batch.length, lastUsed: Date.now(), session });
    }
    return { cursor: { firstBatch: batch, id: Long.fromBigInt(id), ns }, ok: 1 };
  }

  getMore(cmd: Document, db: string): Document {
    const id = toBigInt(cmd.getMore);
    const cursor = this.cursors.get(id);
    const collection = cmd.collection;
    if (!cursor) {
      throw new MongoError(ErrorCode.CursorNotFound, `cursor id ${id} not found`);
    }
    if (
      typeof collection === 'string' &&
      cursor.ns !== `${db}.${collection}` &&
      !cursor.ns.startsWith(`${db}.$cmd`)
    ) {
      throw new MongoError(
        ErrorCode.Unauthorized,
        `Requested getMore on namespace '${db}.${collection}', but cursor belongs to a different namespace ${cursor.ns}`,
      );
    }
    const batchSize = cmd.batchSize === undefined ? Infinity : Number(cmd.batchSize);
    const batch = takeBatch(cursor.docs, cursor.pos, batchSize > 0 ? batchSize : Infinity);
    cursor.pos += batch.length;
    cursor.lastUsed = Date.now();
    let nextId = cursor.id;
    if (cursor.pos >= cursor.docs.length) {
      this.cursors.delete(cursor.id);
      nextId = 0n;
    }
    return { cursor: { nextBatch: batch, id: Long.fromBigInt(nextId), ns: cursor.ns }, ok: 1 };
  }

  kill(ids: unknown[]): Document {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of ids) {
      const id = toBigInt(raw);
      (this.cursors.delete(id) ? killed : notFound).push(Long.fromBigInt(id));
    }
    return {
      cursorsKilled: killed,
      cursorsNotFound: notFound,
      cursorsAlive: [],
      cursorsUnknown: [],
      ok: 1,
    };
  }

  private expire(): void {
    const limit = Date.now() - CURSOR_IDLE_MS;
    for (const [id, c] of this.cursors) if (c.lastUsed < limit) this.cursors.delete(id);
  }

  close(): void {
    clearInterval(this.reaper);
    this.cursors.clear();
  }
}

/** Up to `max` documents from `pos`, kept under the 16 MiB reply limit. */
function takeBatch(docs: Document[], pos: number, max: number): Document[] {
  const end = Math.min(docs.length, pos + max);
  if (end - pos <= 101) return docs.slice(pos, end);
  const out: Document[] = [];
  let bytes = 0;
  for (let i = pos; i < end; i++) {
    bytes += calculateObjectSize(docs[i]);
    if (out.length > 0 && bytes > MAX_BSON_OBJECT_SIZE - 64 * 1024) break;
    out.push(docs[i]);
  }
  return out;
}

function randomCursorId(): bigint {
  const b = crypto.getRandomValues(new BigUint64Array(1))[0] & 0x7fffffffffffffffn;
  return b === 0n ? 1n : b;
}

export function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (v instanceof Long) return v.toBigInt();
  const tag = (v as { _bsontype?: string } | null)?._bsontype;
  if (tag === 'Double' || tag === 'Int32')
    return BigInt(Math.trunc((v as { value: number }).value));
  throw new MongoError(ErrorCode.TypeMismatch, 'cursor id must be a number');
}

export function asNumber(v: unknown, name: string, fallback?: number): number {
  if (v === undefined || v === null) {
    if (fallback === undefined) throw new MongoError(ErrorCode.BadValue, `${name} is required`);
    return fallback;
  }
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const tag = (v as { _bsontype?: string })._bsontype;
  if (tag === 'Long') return (v as Long).toNumber();
  if (tag === 'Double' || tag === 'Int32') return (v as { value: number }).value;
  throw new MongoError(ErrorCode.TypeMismatch, `${name} must be a number`);
}

export function requireString(v: unknown, name: string): string {
  if (typeof v !== 'string') {
    throw new MongoError(
      ErrorCode.TypeMismatch,
      `collection name has invalid type ${v === null ? 'null' : typeof v}`,
      {},
    );
  }
  if (v.length === 0) throw new MongoError(ErrorCode.InvalidNamespace, `Invalid ${name}: empty`);
  return v;
}
