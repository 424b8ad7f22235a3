/**
 * Handshake, diagnostics and session commands. The server presents itself as the primary of a
 * one-node replica set, so drivers enable sessions, transactions and retryable writes.
 */
import { Binary, Long, ObjectId, Timestamp } from 'bson';
import { Document, isPlainDocument } from '../bson/values';
import { MongoError, ErrorCode } from '../errors';
import {
  MAX_BSON_OBJECT_SIZE,
  MAX_MESSAGE_SIZE_BYTES,
  MAX_WRITE_BATCH_SIZE,
} from '../wire/protocol';
import { SESSION_TIMEOUT_MINUTES } from '../engine/sessions';
import { CommandContext } from './context';

export const SERVER_VERSION = '7.0.0';
export const MAX_WIRE_VERSION = 21;
/** Constant across restarts: drivers treat a lower (electionId, setVersion) as a stale primary. */
const ELECTION_ID = new ObjectId('7fffffff0000000000000001');

export function hello(cmd: Document, ctx: CommandContext, legacy: boolean): Document {
  const me = `${ctx.server.host}:${ctx.server.port}`;
  const reply: Document = {};
  if (cmd.helloOk === true) reply.helloOk = true;
  if (legacy) reply.ismaster = true;
  else reply.isWritablePrimary = true;
  Object.assign(reply, {
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: SESSION_TIMEOUT_MINUTES,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    setName: ctx.server.setName,
    setVersion: 1,
    electionId: ELECTION_ID,
    hosts: [me],
    primary: me,
    me,
    secondary: false,
    lastWrite: {
      opTime: {
        ts: new Timestamp({ t: Math.floor(Date.now() / 1000), i: 1 }),
        t: Long.fromNumber(1),
      },
      lastWriteDate: new Date(),
    },
    ok: 1,
  });
  return reply;
}

export function buildInfo(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'spilno-embedded-mongo',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['embedded'],
    modules: [],
    javascriptEngine: 'none',
    ok: 1,
  };
}

export function getParameter(cmd: Document): Document {
  const params: Document = {
    featureCompatibilityVersion: { version: '7.0' },
    authenticationMechanisms: [],
    transactionLifetimeLimitSeconds: 60,
    maxTransactionLockRequestTimeoutMillis: 5,
  };
  if (
    cmd.getParameter === '*' ||
    (isPlainDocument(cmd.getParameter) && cmd.getParameter.allParameters)
  ) {
    return { ...params, ok: 1 };
  }
  const out: Document = {};
  for (const k of Object.keys(cmd)) {
    if (k in params) out[k] = params[k];
  }
  if (Object.keys(out).length === 0) {
    throw new MongoError(ErrorCode.InvalidOptions, 'no option found to get');
  }
  return { ...out, ok: 1 };
}

export function serverStatus(_cmd: Document, ctx: CommandContext): Document {
  const uptimeMs = Date.now() - ctx.server.startedAt.getTime();
  const mem = process.memoryUsage();
  return {
    host: ctx.server.host,
    version: SERVER_VERSION,
    process: 'spilno-embedded-mongo',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMs / 1000),
    uptimeMillis: Long.fromNumber(uptimeMs),
    localTime: new Date(),
    connections: { current: ctx.server.connections(), available: 10000 },
    mem: {
      bits: 64,
      resident: Math.round(mem.rss / 1048576),
      virtual: Math.round(mem.heapTotal / 1048576),
    },
    repl: {
      setName: ctx.server.setName,
      isWritablePrimary: true,
      primary: `${ctx.server.host}:${ctx.server.port}`,
    },
    storageEngine: { name: 'embedded', persistent: ctx.server.dbPath !== null },
    metrics: { cursor: { open: { total: Long.fromNumber(ctx.cursors.open) } } },
    logicalSessionRecordCache: { activeSessionsCount: ctx.sessions.count },
    ok: 1,
  };
}

export function listDatabases(cmd: Document, ctx: CommandContext): Document {
  const databases: Document[] = [];
  let totalSize = 0;
  for (const [name, colls] of ctx.engine.dbs) {
    let docs = 0;
    for (const c of colls.values()) docs += c.size;
    const sizeOnDisk = docs * 256;
    totalSize += sizeOnDisk;
    databases.push(cmd.nameOnly === true ? { name } : { name, sizeOnDisk, empty: docs === 0 });
  }
  return cmd.nameOnly === true
    ? { databases, ok: 1 }
    : { databases, totalSize, totalSizeMb: Math.round(totalSize / 1048576), ok: 1 };
}

export function dbStats(_cmd: Document, ctx: CommandContext): Document {
  const colls = ctx.engine.dbs.get(ctx.db);
  let objects = 0;
  let indexes = 0;
  for (const c of colls?.values() ?? []) {
    objects += c.size;
    indexes += c.indexes.size;
  }
  return {
    db: ctx.db,
    collections: colls?.size ?? 0,
    views: 0,
    objects,
    indexes,
    dataSize: objects * 256,
    ok: 1,
  };
}

export function collStats(cmd: Document, ctx: CommandContext): Document {
  const name = String(cmd.collStats);
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll)
    throw new MongoError(ErrorCode.NamespaceNotFound, `Collection [${ctx.db}.${name}] not found.`);
  return {
    ns: coll.ns,
    count: coll.size,
    size: coll.size * 256,
    nindexes: coll.indexes.size,
    indexSizes: Object.fromEntries([...coll.indexes.keys()].map((k) => [k, 0])),
    ok: 1,
  };
}

export function endSessions(cmd: Document, ctx: CommandContext): Document {
  const ids = Array.isArray(cmd.endSessions) ? cmd.endSessions : [];
  for (const lsid of ids) ctx.sessions.end(lsid);
  return { ok: 1 };
}

export function startSession(): Document {
  const id = crypto.getRandomValues(new Uint8Array(16));
  return {
    id: { id: new Binary(id, Binary.SUBTYPE_UUID) },
    timeoutMinutes: SESSION_TIMEOUT_MINUTES,
    ok: 1,
  };
}
