/**
 * Routes a command to its handler inside the right session and transaction, keeps retryable
 * writes exactly-once, makes writes durable before replying, and turns every failure into a
 * `{ ok: 0, errmsg, code, codeName }` reply. Unknown commands answer 59 CommandNotFound.
 */
import { Document } from '../bson/values';
import { MongoError, ErrorCode } from '../errors';
import { Transaction } from '../engine/sessions';
import * as admin from './admin';
import { aggregate } from './aggregate';
import { CommandContext, CommandHandler, toBigInt } from './context';
import * as crud from './crud';
import * as ddl from './ddl';
import { explain, explainAggregate } from './explain';

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);

const HANDLERS: Record<string, CommandHandler> = {
  hello: (cmd, ctx) => admin.hello(cmd, ctx, false),
  isMaster: (cmd, ctx) => admin.hello(cmd, ctx, true),
  ismaster: (cmd, ctx) => admin.hello(cmd, ctx, true),
  ping: () => ({ ok: 1 }),
  buildInfo: admin.buildInfo,
  buildinfo: admin.buildInfo,
  getParameter: admin.getParameter,
  serverStatus: admin.serverStatus,
  hostInfo: (_c, ctx) => ({
    system: { hostname: ctx.server.host, numCores: 2 },
    os: { type: process.platform },
    ok: 1,
  }),
  whatsmyuri: (_c, ctx) => ({ you: `127.0.0.1:${ctx.connectionId}`, ok: 1 }),
  connectionStatus: () => ({
    authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] },
    ok: 1,
  }),
  getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  getCmdLineOpts: (_c, ctx) => ({
    argv: ['embedded-mongo'],
    parsed: { storage: { dbPath: ctx.server.dbPath } },
    ok: 1,
  }),
  listDatabases: admin.listDatabases,
  dbStats: admin.dbStats,
  collStats: admin.collStats,
  endSessions: admin.endSessions,
  startSession: admin.startSession,
  refreshSessions: () => ({ ok: 1 }),
  killSessions: (cmd, ctx) => admin.endSessions({ endSessions: cmd.killSessions }, ctx),
  killAllSessions: () => ({ ok: 1 }),
  insert: crud.insert,
  find: crud.find,
  getMore: crud.getMore,
  killCursors: crud.killCursors,
  update: crud.update,
  delete: crud.del,
  findAndModify: crud.findAndModify,
  findandmodify: crud.findAndModify,
  count: crud.count,
  distinct: crud.distinct,
  // The legacy form `{ aggregate, pipeline, explain: true }` explains at queryPlanner verbosity.
  aggregate: (cmd, ctx) =>
    cmd.explain === true ? explainAggregate(cmd, ctx, 'queryPlanner') : aggregate(cmd, ctx),
  explain,
  create: ddl.create,
  drop: ddl.drop,
  dropDatabase: ddl.dropDatabase,
  listCollections: ddl.listCollections,
  renameCollection: ddl.renameCollection,
  createIndexes: ddl.createIndexes,
  listIndexes: ddl.listIndexes,
  dropIndexes: ddl.dropIndexes,
  deleteIndexes: ddl.dropIndexes,
  commitTransaction: commitTransaction,
  abortTransaction: abortTransaction,
};

function commitTransaction(_cmd: Document, ctx: CommandContext): Document {
  const txn = ctx.txn;
  if (!txn) throw noSuchTransaction();
  if (txn.state === 'committed') return { ok: 1 };
  txn.commit();
  return { ok: 1 };
}

function abortTransaction(_cmd: Document, ctx: CommandContext): Document {
  const txn = ctx.txn;
  if (!txn) throw noSuchTransaction();
  if (txn.state === 'committed') {
    throw new MongoError(ErrorCode.TransactionCommitted, 'Transaction has been committed.');
  }
  if (txn.state === 'aborted') throw noSuchTransaction();
  txn.abort('aborted by the client');
  return { ok: 1 };
}

function noSuchTransaction(txnNumber?: bigint): MongoError {
  return new MongoError(
    ErrorCode.NoSuchTransaction,
    txnNumber === undefined
      ? 'Transaction is not in progress'
      : `Given transaction number ${txnNumber} does not match any in-progress transactions.`,
    {},
    ['TransientTransactionError'],
  );
}

export function commandName(cmd: Document): string {
  const name = Object.keys(cmd)[0];
  if (name === undefined) throw new MongoError(ErrorCode.FailedToParse, 'empty command');
  return name;
}

export type ExecuteBase = Omit<CommandContext, 'db' | 'session' | 'txn'>;

/** Runs one command and returns its reply document (never throws). */
export async function execute(
  cmd: Document,
  base: ExecuteBase,
  legacyDb?: string,
): Promise<Document> {
  let txn: Transaction | null = null;
  try {
    const name = commandName(cmd);
    const handler = HANDLERS[name];
    if (!handler) {
      throw new MongoError(ErrorCode.CommandNotFound, `no such command: '${name}'`);
    }
    const db = typeof cmd.$db === 'string' ? cmd.$db : (legacyDb ?? 'admin');
    const session = base.sessions.get(cmd.lsid);
    let retry = false;
    if (session && cmd.txnNumber !== undefined) {
      const txnNumber = toBigInt(cmd.txnNumber);
      if (cmd.autocommit === false) {
        txn = enterTransaction(base, session, txnNumber, cmd, name);
      } else if (WRITE_COMMANDS.has(name)) {
        if (txnNumber < session.txnNumber) {
          throw new MongoError(
            ErrorCode.TransactionTooOld,
            `Retryable write with txnNumber ${txnNumber} is prohibited on session because a newer retryable write with txnNumber ${session.txnNumber} has already started on this session.`,
          );
        }
        if (txnNumber === session.txnNumber && session.retryReply) return session.retryReply;
        session.txn?.abort('superseded by a newer txnNumber');
        session.txn = null;
        session.txnNumber = txnNumber;
        session.retryReply = null;
        retry = true;
      }
    }
    const ctx: CommandContext = { ...base, db, session, txn };
    const reply = await handler(cmd, ctx);
    await base.engine.flush();
    if (retry && session) session.retryReply = reply;
    return reply;
  } catch (e) {
    // Any error inside a transaction aborts it, as MongoDB does.
    if (txn && txn.state === 'inProgress') txn.abort('error in a statement');
    const err = e instanceof MongoError ? e : internal(e);
    await base.engine.flush().catch(() => undefined);
    return err.toReply();
  }
}

function enterTransaction(
  base: ExecuteBase,
  session: NonNullable<CommandContext['session']>,
  txnNumber: bigint,
  cmd: Document,
  name: string,
): Transaction {
  if (cmd.startTransaction === true) {
    if (txnNumber < session.txnNumber || (txnNumber === session.txnNumber && session.txn)) {
      throw new MongoError(
        ErrorCode.TransactionTooOld,
        `Cannot start transaction ${txnNumber} on session because a newer transaction ${session.txnNumber} has already started.`,
      );
    }
    session.txn?.abort('superseded by a newer transaction');
    session.txnNumber = txnNumber;
    session.retryReply = null;
    session.txn = new Transaction(base.engine, txnNumber);
    return session.txn;
  }
  if (txnNumber < session.txnNumber) {
    throw new MongoError(
      ErrorCode.TransactionTooOld,
      `Cannot continue transaction ${txnNumber} on session because a newer transaction ${session.txnNumber} has started.`,
    );
  }
  if (txnNumber > session.txnNumber) {
    session.txn?.abort('superseded by a newer transaction');
    session.txn = null;
    session.txnNumber = txnNumber;
    throw noSuchTransaction(txnNumber);
  }
  const txn = session.txn;
  if (!txn || txnNumber !== session.txnNumber) throw noSuchTransaction(txnNumber);
  if (name !== 'commitTransaction' && name !== 'abortTransaction') txn.assertActive();
  else if (name === 'commitTransaction' && txn.state === 'aborted') txn.assertActive();
  return txn;
}

function internal(e: unknown): MongoError {
  const message = e instanceof Error ? e.message : String(e);
  return new MongoError(ErrorCode.InternalError, `internal error: ${message}`);
}
