/**
 * Conformance-suite harness.
 *
 * Two lanes, and every test file says which one ran (console.info in beforeAll):
 * - `embedded`: one embedded server per jest test file process, started in beforeAll and
 *   stopped in afterAll.
 * - `MONGODB_URI`: the suite runs against that server instead (a real MongoDB 7.0 replica set,
 *   so sessions and transactions work), in a unique database per test file, dropped at the end.
 *
 * Tests that can only run against the embedded server (kill -9 persistence, raw malformed
 * frames, contract details beyond MongoDB's own behaviour) use `describeEmbedded`, which in the
 * MONGODB_URI lane turns into `describe.skip` with the reason logged, so nothing is skipped
 * silently.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import { BSON, type Document } from 'bson';
import {
  MongoClient,
  type CommandStartedEvent,
  type Db,
  type MongoClientOptions,
  type MongoServerError,
} from 'mongodb';
import mongoose from 'mongoose';

export type Lane = 'embedded' | 'MONGODB_URI';

export const EXTERNAL_URI: string | undefined = process.env.MONGODB_URI?.trim() || undefined;
export const LANE: Lane = EXTERNAL_URI ? 'MONGODB_URI' : 'embedded';
export const isEmbedded = LANE === 'embedded';

const TAG = '[embedded-mongo conformance]';

export interface Suite {
  lane: Lane;
  /** Server URI without a database name (as `startEmbeddedMongo` returns it, or MONGODB_URI). */
  uri: string;
  /** Unique database of this test file. */
  dbName: string;
  /** Driver client (commands are recorded in `commands` when monitorCommands is on). */
  client: MongoClient;
  db: Db;
  /** Mongoose connection to `dbName` (only when `mongoose: true`). */
  conn: mongoose.Connection;
  /** Host and port of the server, for raw sockets. */
  host: string;
  port: number;
  /** Commands started on `client`, newest last (cleared by `clearCommands`). */
  commands: CommandStartedEvent[];
  clearCommands(): void;
  /** A fresh client on the same server; closed automatically in afterAll. */
  newClient(options?: MongoClientOptions, uri?: string): Promise<MongoClient>;
}

interface SuiteOptions {
  mongoose?: boolean;
  clientOptions?: MongoClientOptions;
}

interface EmbeddedHandle {
  uri: string;
  port: number;
  stop(): Promise<void>;
}

/** Sanitised, unique database name for one test file (<= 63 chars, no dots). */
function databaseNameFor(file: string): string {
  const base = path
    .basename(file)
    .replace(/\.e2e-spec\.ts$/, '')
    .replace(/[^A-Za-z0-9_]/g, '_');
  const suffix = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return `conf_${base}_${suffix}`.slice(0, 63);
}

/** First host:port of a mongodb:// URI (for raw sockets). */
export function parseHostPort(uri: string): { host: string; port: number } {
  const m = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?,]+)/.exec(uri);
  if (!m) throw new Error(`cannot parse host from ${uri}`);
  const hp = m[1];
  if (hp.startsWith('[')) {
    const end = hp.indexOf(']');
    return { host: hp.slice(1, end), port: Number(hp.slice(end + 2) || 27017) };
  }
  const [host, port] = hp.split(':');
  return { host, port: Number(port || 27017) };
}

/** Log which lane a file runs in; call once per file (setupSuite does it). */
export function announceLane(file: string, uri: string, dbName: string): void {
  console.info(
    `${TAG} ${path.basename(file)}: lane=${LANE} uri=${uri.replace(/\/\/[^@/]*@/, '//***@')} db=${dbName}`,
  );
}

/**
 * One server (or MONGODB_URI) per test file. Call at the top level of the file.
 * Fields of the returned object are filled in beforeAll.
 */
export function setupSuite(file: string, options: SuiteOptions = {}): Suite {
  const extraClients: MongoClient[] = [];
  let server: EmbeddedHandle | undefined;
  const suite = {
    lane: LANE,
    commands: [] as CommandStartedEvent[],
    clearCommands() {
      suite.commands.length = 0;
    },
    async newClient(opts: MongoClientOptions = {}, uri?: string) {
      const c = new MongoClient(uri ?? suite.uri, { serverSelectionTimeoutMS: 5000, ...opts });
      extraClients.push(c);
      await c.connect();
      return c;
    },
  } as Suite;

  beforeAll(async () => {
    suite.dbName = databaseNameFor(file);
    if (EXTERNAL_URI) {
      suite.uri = EXTERNAL_URI;
    } else {
      // Imported lazily so the MONGODB_URI lane does not load the server at all.
      const { startEmbeddedMongo } = (await import('../src')) as unknown as {
        startEmbeddedMongo(o: {
          port?: number;
          dbPath?: string;
          host?: string;
        }): Promise<EmbeddedHandle>;
      };
      server = await startEmbeddedMongo({ port: 0 });
      suite.uri = server.uri;
    }
    const hp = parseHostPort(suite.uri);
    suite.host = hp.host;
    suite.port = server?.port ?? hp.port;
    announceLane(file, suite.uri, suite.dbName);

    suite.client = new MongoClient(suite.uri, {
      monitorCommands: true,
      serverSelectionTimeoutMS: 5000,
      ...options.clientOptions,
    });
    suite.client.on('commandStarted', (e) => suite.commands.push(e));
    await suite.client.connect();
    suite.db = suite.client.db(suite.dbName);

    if (options.mongoose) {
      suite.conn = mongoose.createConnection(suite.uri, {
        dbName: suite.dbName,
        serverSelectionTimeoutMS: 5000,
      });
      await suite.conn.asPromise();
    }
  });

  afterAll(async () => {
    try {
      if (suite.db) await suite.db.dropDatabase().catch(() => undefined);
    } finally {
      for (const c of extraClients) await c.close(true).catch(() => undefined);
      if (suite.conn) await suite.conn.close(true).catch(() => undefined);
      if (suite.client) await suite.client.close(true).catch(() => undefined);
      if (server) await server.stop();
    }
  });

  return suite;
}

/**
 * `describe` for tests that can only run against the embedded server. In the MONGODB_URI lane
 * it becomes `describe.skip`, and the reason is logged, never silent.
 */
export function describeEmbedded(name: string, reason: string, fn: () => void): void {
  const title = `${name} [embedded only: ${reason}]`;
  if (isEmbedded) {
    describe(title, fn);
  } else {
    console.info(`${TAG} SKIPPED in lane MONGODB_URI: "${name}" because ${reason}`);
    describe.skip(title, fn);
  }
}

/** Await a promise that must reject with a server error; returns the error for assertions. */
export async function serverError(p: Promise<unknown>): Promise<MongoServerError> {
  try {
    await p;
  } catch (e) {
    return e as MongoServerError;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

/** The E11000 message format of MongoDB 7.0. `dupKey` is the shell-formatted key part. */
export function e11000(dbName: string, coll: string, index: string, dupKey: string): string {
  return `E11000 duplicate key error collection: ${dbName}.${coll} index: ${index} dup key: ${dupKey}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ------------------------------------------------------------------------------------------
// Raw wire helpers (for handshake, malformed frame and retry tests).
// ------------------------------------------------------------------------------------------

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;

let nextRequestId = 1000;
export function newRequestId(): number {
  return nextRequestId++;
}

export function header(
  length: number,
  requestId: number,
  responseTo: number,
  opCode: number,
): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

/** OP_QUERY (legacy) on `ns` with a single query document. */
export function opQuery(
  requestId: number,
  ns: string,
  query: Document,
  numberToReturn = -1,
): Buffer {
  const flags = Buffer.alloc(4);
  const nsBuf = Buffer.from(`${ns}\0`, 'utf8');
  const nums = Buffer.alloc(8);
  nums.writeInt32LE(0, 0);
  nums.writeInt32LE(numberToReturn, 4);
  const body = Buffer.concat([flags, nsBuf, nums, Buffer.from(BSON.serialize(query))]);
  return Buffer.concat([header(16 + body.length, requestId, 0, OP_QUERY), body]);
}

export const MSG_MORE_TO_COME = 1 << 1;

/** OP_MSG with a kind-0 body and optional kind-1 document sequences. */
export function opMsg(
  requestId: number,
  body: Document,
  flags = 0,
  sequences: { id: string; docs: Document[] }[] = [],
): Buffer {
  const parts: Buffer[] = [];
  const f = Buffer.alloc(4);
  f.writeUInt32LE(flags >>> 0, 0);
  parts.push(f, Buffer.from([0]), Buffer.from(BSON.serialize(body)));
  for (const seq of sequences) {
    const id = Buffer.from(`${seq.id}\0`, 'utf8');
    const docs = seq.docs.map((d) => Buffer.from(BSON.serialize(d)));
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + id.length + docs.reduce((n, d) => n + d.length, 0), 0);
    parts.push(Buffer.from([1]), size, id, ...docs);
  }
  const payload = Buffer.concat(parts);
  return Buffer.concat([header(16 + payload.length, requestId, 0, OP_MSG), payload]);
}

export interface WireMessage {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
  /** Bytes after the 16-byte header. */
  payload: Buffer;
}

export interface ParsedReply extends WireMessage {
  flags: number;
  /** OP_REPLY: all documents; OP_MSG: the kind-0 body. */
  docs: Document[];
  cursorId?: bigint;
  numberReturned?: number;
}

export function parseReply(m: WireMessage): ParsedReply {
  if (m.opCode === OP_REPLY) {
    const flags = m.payload.readInt32LE(0);
    const cursorId = m.payload.readBigInt64LE(4);
    const numberReturned = m.payload.readInt32LE(16);
    const docs: Document[] = [];
    let off = 20;
    for (let i = 0; i < numberReturned; i++) {
      const len = m.payload.readInt32LE(off);
      docs.push(BSON.deserialize(m.payload.subarray(off, off + len)));
      off += len;
    }
    return { ...m, flags, docs, cursorId, numberReturned };
  }
  if (m.opCode === OP_MSG) {
    const flags = m.payload.readUInt32LE(0);
    const docs: Document[] = [];
    let off = 4;
    const end = flags & 1 ? m.payload.length - 4 : m.payload.length;
    while (off < end) {
      const kind = m.payload[off];
      off += 1;
      const len = m.payload.readInt32LE(off);
      if (kind === 0) docs.push(BSON.deserialize(m.payload.subarray(off, off + len)));
      off += len;
    }
    return { ...m, flags, docs };
  }
  return { ...m, flags: 0, docs: [] };
}

/** A raw TCP connection that frames incoming bytes into wire messages. */
export class RawConnection {
  readonly socket: net.Socket;
  private buffer = Buffer.alloc(0);
  private queue: WireMessage[] = [];
  private waiters: { resolve: (m: WireMessage) => void; reject: (e: Error) => void }[] = [];
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.closed = true;
        for (const w of this.waiters.splice(0)) w.reject(new Error('connection closed'));
        resolve();
      });
    });
    socket.on('error', () => undefined);
  }

  static connect(host: string, port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port });
      s.setNoDelay(true);
      s.once('connect', () => resolve(new RawConnection(s)));
      s.once('error', reject);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 16) {
      const length = this.buffer.readInt32LE(0);
      if (this.buffer.length < length) break;
      const m: WireMessage = {
        length,
        requestId: this.buffer.readInt32LE(4),
        responseTo: this.buffer.readInt32LE(8),
        opCode: this.buffer.readInt32LE(12),
        payload: Buffer.from(this.buffer.subarray(16, length)),
      };
      this.buffer = this.buffer.subarray(length);
      const w = this.waiters.shift();
      if (w) w.resolve(m);
      else this.queue.push(m);
    }
  }

  write(buf: Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(buf, (e) => (e ? reject(e) : resolve())),
    );
  }

  /** Next message, or rejects after `timeoutMs` / when the connection closes. */
  next(timeoutMs = 3000): Promise<ParsedReply> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(parseReply(queued));
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (m: WireMessage) => {
          clearTimeout(timer);
          resolve(parseReply(m));
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Send an OP_MSG command and return its reply body. */
  async command(
    body: Document,
    sequences: { id: string; docs: Document[] }[] = [],
  ): Promise<Document> {
    const id = newRequestId();
    await this.write(opMsg(id, body, 0, sequences));
    const r = await this.next();
    if (r.responseTo !== id) throw new Error(`reply to ${r.responseTo}, expected ${id}`);
    return r.docs[0];
  }

  /** Resolves true if the server closes the connection within `ms`. */
  async closesWithin(ms: number): Promise<boolean> {
    if (this.closed) return true;
    return Promise.race([this.closedPromise.then(() => true), sleep(ms).then(() => false)]);
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * A raw command reply without the fields a replica-set member adds to every reply
 * ($clusterTime, operationTime, opTime, electionId), for exact shape comparisons.
 */
export function clean<T extends Document>(reply: T): T {
  const out = { ...reply } as Document;
  for (const k of ['$clusterTime', 'operationTime', 'opTime', 'electionId']) delete out[k];
  return out as T;
}

/**
 * Loosely typed documents: the tests use number/string `_id`s and every BSON type, which the
 * driver's schema typing (ObjectId `_id`) would reject.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Doc = any;
