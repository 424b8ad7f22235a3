/**
 * insert, find, getMore, killCursors, update, delete, findAndModify, count, distinct.
 * Writes go through a `Writer`: straight to the collection outside a transaction (after
 * waiting for any transaction holding the document), into the transaction's overlay inside one.
 */
import { calculateObjectSize, Long, ObjectId } from 'bson';
import { Document, bsonTypeOf, isPlainDocument, valueKey } from '../bson/values';
import { MongoError, ErrorCode } from '../errors';
import { Collection, LockHolder } from '../engine/collection';
import { findMatches, Match, QueryShape } from '../engine/query';
import { Transaction } from '../engine/sessions';
import { compileProjection } from '../query/projection';
import { getPathValues } from '../query/paths';
import { evaluateExpression, applyPipelineUpdate } from '../aggregate';
import {
  applyReplacement,
  applyUpdate,
  compileUpdate,
  firstMatchedArrayIndex,
  isOperatorUpdate,
  upsertSeed,
  validateReplacement,
} from '../update/update';
import { CommandContext, asNumber, requireString } from './context';

// ---- writers ------------------------------------------------------------------------------

interface Writer {
  insert(coll: Collection, doc: Document): void;
  replace(coll: Collection, idKey: string, doc: Document): void;
  remove(coll: Collection, idKey: string): void;
}

const direct: Writer = {
  insert: (coll, doc) => coll.insert(doc),
  replace: (coll, idKey, doc) => coll.replace(idKey, doc),
  remove: (coll, idKey) => coll.delete(idKey),
};

function txnWriter(txn: Transaction): Writer {
  return {
    insert: (coll, doc) => {
      const idKey = valueKey(doc._id);
      if (txn.read(coll, idKey)) throw coll.idIndex.duplicateError(coll.ns, [doc._id]);
      txn.write(coll, idKey, doc);
    },
    replace: (coll, idKey, doc) => txn.write(coll, idKey, doc),
    remove: (coll, idKey) => txn.write(coll, idKey, null),
  };
}

function writerFor(ctx: CommandContext): Writer {
  return ctx.txn ? txnWriter(ctx.txn) : direct;
}

/**
 * Outside a transaction, a write to a document an open transaction holds waits until that
 * transaction ends, as in MongoDB. Returns the holder to wait for, or null. Synchronous, so
 * that a caller finding no holder writes in the same step as it matched (no lost updates).
 */
function holderOf(ctx: CommandContext, coll: Collection, idKeys: string[]): LockHolder | null {
  if (ctx.txn || coll.locks.size === 0) return null;
  for (const id of idKeys) {
    const holder = coll.locks.get(id);
    if (holder) return holder;
  }
  return null;
}

type Matched = { matches: Match[]; wait?: undefined } | { wait: Promise<void> };

/**
 * A write statement's documents, or the transaction to wait for first. The caller writes in
 * the same synchronous step as it matched, so no other command slips in between.
 */
function matchUnlocked(ctx: CommandContext, coll: Collection, shape: QueryShape): Matched {
  const matches = findMatches(coll, shape, ctx.txn);
  const holder = holderOf(
    ctx,
    coll,
    matches.map((m) => m.idKey),
  );
  return holder ? { wait: holder.done } : { matches };
}

function collectionFor(ctx: CommandContext, name: string, create: boolean): Collection | undefined {
  return ctx.engine.collection(ctx.db, name, create);
}

// ---- insert ---------------------------------------------------------------------------------

const MAX_DOCUMENT_SIZE = 16 * 1024 * 1024;

function checkSize(doc: Document, afterUpdate: boolean): void {
  const size = calculateObjectSize(doc);
  if (size <= MAX_DOCUMENT_SIZE) return;
  if (afterUpdate) {
    throw new MongoError(
      ErrorCode.Location17419,
      `Resulting document after update is larger than ${MAX_DOCUMENT_SIZE}`,
    );
  }
  throw new MongoError(
    ErrorCode.BSONObjectTooLarge,
    `object to insert too large. size in bytes: ${size}, max size: ${MAX_DOCUMENT_SIZE}`,
  );
}

function prepareInsert(doc: unknown): Document {
  if (!isPlainDocument(doc))
    throw new MongoError(ErrorCode.BadValue, 'document to insert must be an object');
  checkSize(doc, false);
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  const t = bsonTypeOf(doc._id);
  if (t === 'array') throw new MongoError(ErrorCode.BadValue, "can't use an array for _id");
  if (t === 'regex') throw new MongoError(ErrorCode.BadValue, "can't use a regex for _id");
  if (t === 'undefined') throw new MongoError(ErrorCode.BadValue, "can't use a undefined for _id");
  if (isPlainDocument(doc._id) && Object.keys(doc._id).some((k) => k.startsWith('$'))) {
    throw new MongoError(
      ErrorCode.DollarPrefixedFieldName,
      "_id fields may not contain '$'-prefixed fields",
    );
  }
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/**
 * Runs a write command's statements in order. A failed statement becomes a writeError (an
 * ordered command stops there); inside a transaction any error aborts it and fails the whole
 * command, with its labels, as MongoDB does.
 */
async function eachStatement(
  ctx: CommandContext,
  cmd: Document,
  field: 'documents' | 'updates' | 'deletes',
  run: (statement: unknown, index: number) => void | Promise<void>,
): Promise<Document[]> {
  const statements = cmd[field];
  if (!Array.isArray(statements)) {
    throw new MongoError(ErrorCode.BadValue, `${field} must be an array`);
  }
  const ordered = cmd.ordered !== false;
  const writeErrors: Document[] = [];
  for (let i = 0; i < statements.length; i++) {
    try {
      await run(statements[i], i);
    } catch (e) {
      if (ctx.txn) {
        ctx.txn.abort('write error');
        throw e;
      }
      writeErrors.push(asMongoError(e).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeErrors;
}

function writeReply(counts: Document, writeErrors: Document[]): Document {
  const reply: Document = { ...counts, ok: 1 };
  if (writeErrors.length) reply.writeErrors = writeErrors;
  return reply;
}

export async function insert(cmd: Document, ctx: CommandContext): Promise<Document> {
  const name = requireString(cmd.insert, 'collection name');
  const coll = collectionFor(ctx, name, true) as Collection;
  const writer = writerFor(ctx);
  let n = 0;
  const writeErrors = await eachStatement(ctx, cmd, 'documents', async (raw) => {
    const doc = prepareInsert(raw);
    const idKey = valueKey(doc._id);
    for (let h = holderOf(ctx, coll, [idKey]); h; h = holderOf(ctx, coll, [idKey])) await h.done;
    writer.insert(coll, doc);
    n++;
  });
  return writeReply({ n }, writeErrors);
}

// ---- find / getMore / killCursors -------------------------------------------------------------

export function optionalDoc(v: unknown, name: string): Document | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isPlainDocument(v)) {
    throw new MongoError(
      ErrorCode.TypeMismatch,
      `"${name}" had the wrong type. Expected object, found ${bsonTypeOf(v)}`,
    );
  }
  return v;
}

/** A find command's options, validated as MongoDB validates them. */
export interface FindRequest {
  name: string;
  shape: QueryShape;
  projection: Document | undefined;
  batchSize: number | undefined;
  singleBatch: boolean;
}

export function parseFind(cmd: Document): FindRequest {
  const name = requireString(cmd.find, 'collection name');
  if (cmd.tailable || cmd.awaitData) {
    throw new MongoError(
      ErrorCode.NotImplemented,
      'tailable cursors are not supported by the embedded server',
    );
  }
  const filter = optionalDoc(cmd.filter, 'filter') ?? {};
  const sort = optionalDoc(cmd.sort, 'sort');
  const projection = optionalDoc(cmd.projection, 'projection');
  const skip = asNumber(cmd.skip, 'skip', 0);
  let limit = asNumber(cmd.limit, 'limit', 0);
  let singleBatch = cmd.singleBatch === true;
  if (skip < 0) throw new MongoError(ErrorCode.BadValue, 'Skip value must be non-negative');
  if (limit < 0) {
    limit = -limit;
    singleBatch = true;
  }
  const batchSize = cmd.batchSize === undefined ? undefined : asNumber(cmd.batchSize, 'batchSize');
  if (batchSize !== undefined && batchSize < 0) {
    throw new MongoError(ErrorCode.BadValue, 'BatchSize value must be non-negative');
  }
  const collation = optionalDoc(cmd.collation, 'collation');
  return {
    name,
    shape: { filter, sort, skip, limit, collation, hint: cmd.hint },
    projection,
    batchSize,
    singleBatch,
  };
}

/** The find projection as a function (null: documents are returned as stored). */
export function findProjection(
  projection: Document | undefined,
  filter: Document | undefined,
): ((doc: Document) => Document) | null {
  return compileProjection(projection, filter, (expr, doc) => evaluateExpression(expr, doc));
}

export function find(cmd: Document, ctx: CommandContext): Document {
  const { name, shape, projection, batchSize, singleBatch } = parseFind(cmd);
  const coll = collectionFor(ctx, name, false);
  const matches = findMatches(coll, shape, ctx.txn);
  const project = findProjection(projection, shape.filter);
  const docs = project ? matches.map((m) => project(m.doc)) : matches.map((m) => m.doc);
  return ctx.cursors.firstBatch(`${ctx.db}.${name}`, docs, batchSize, singleBatch, ctx.session);
}

export function getMore(cmd: Document, ctx: CommandContext): Document {
  return ctx.cursors.getMore(cmd, ctx.db);
}

export function killCursors(cmd: Document, ctx: CommandContext): Document {
  const ids = cmd.cursors;
  if (!Array.isArray(ids)) throw new MongoError(ErrorCode.BadValue, 'cursors must be an array');
  return ctx.cursors.kill(ids);
}

// ---- update ---------------------------------------------------------------------------------

interface UpdateStatement {
  q: Document;
  u: Document | Document[];
  multi: boolean;
  upsert: boolean;
  arrayFilters?: Document[];
  sort?: Document;
}

interface StatementResult {
  n: number;
  nModified: number;
  upsertedId?: unknown;
  before?: Document | null;
  after?: Document | null;
}

function parseStatement(raw: unknown): UpdateStatement {
  if (!isPlainDocument(raw))
    throw new MongoError(ErrorCode.BadValue, 'update statement must be an object');
  const q = optionalDoc(raw.q, 'q') ?? {};
  const u = raw.u;
  if (!Array.isArray(u) && !isPlainDocument(u)) {
    throw new MongoError(
      ErrorCode.FailedToParse,
      'Update argument must be either an object or an array',
    );
  }
  const multi = raw.multi === true;
  if (multi && !Array.isArray(u) && !isOperatorUpdate(u)) {
    throw new MongoError(
      ErrorCode.InvalidOptions,
      'multi update is not supported for replacement-style update',
    );
  }
  const arrayFilters = raw.arrayFilters as Document[] | undefined;
  // Parse errors (unknown operator, conflicting paths) fail the statement even if nothing matches.
  if (!Array.isArray(u) && isOperatorUpdate(u)) compileUpdate(u, arrayFilters);
  return {
    q,
    u: u as Document | Document[],
    multi,
    upsert: raw.upsert === true,
    arrayFilters,
    sort: optionalDoc(raw.sort, 'sort'),
  };
}

function computeUpdate(stmt: UpdateStatement, doc: Document, isUpsertInsert: boolean) {
  if (Array.isArray(stmt.u)) {
    return applyUpdate(doc, stmt.u, {
      isUpsertInsert,
      evalPipeline: (d, pipeline) => applyPipelineUpdate(d, pipeline),
    });
  }
  if (!isOperatorUpdate(stmt.u)) return applyReplacement(doc, stmt.u);
  return applyUpdate(doc, stmt.u, {
    arrayFilters: stmt.arrayFilters,
    isUpsertInsert,
    matchedArrayIndex: isUpsertInsert ? null : firstMatchedArrayIndex(doc, stmt.q),
    now: () => new Date(),
  });
}

async function runUpdate(
  ctx: CommandContext,
  coll: Collection,
  stmt: UpdateStatement,
  returnDocs: boolean,
): Promise<StatementResult> {
  const writer = writerFor(ctx);
  const shape = { filter: stmt.q, sort: stmt.sort, limit: stmt.multi ? 0 : 1 };
  for (;;) {
    const matched = matchUnlocked(ctx, coll, shape);
    if (matched.wait) {
      await matched.wait;
      continue;
    }
    const { matches } = matched;
    if (matches.length === 0) {
      if (!stmt.upsert) return { n: 0, nModified: 0, before: null, after: null };
      const doc = upsertDocument(stmt);
      const holder = holderOf(ctx, coll, [valueKey(doc._id)]);
      if (holder) {
        await holder.done;
        continue;
      }
      writer.insert(coll, doc);
      return { n: 1, nModified: 0, upsertedId: doc._id, before: null, after: doc };
    }
    let nModified = 0;
    let after: Document | null = null;
    for (const m of matches) {
      const res = computeUpdate(stmt, m.doc, false);
      after = res.doc;
      if (!res.modified) continue;
      checkSize(res.doc, true);
      writer.replace(coll, m.idKey, res.doc);
      nModified++;
    }
    return {
      n: matches.length,
      nModified,
      before: returnDocs ? matches[0].doc : undefined,
      after: returnDocs ? after : undefined,
    };
  }
}

/** The document an upsert inserts: the query's equalities, then the update applied. */
function upsertDocument(stmt: UpdateStatement): Document {
  const seed = upsertSeed(stmt.q);
  let doc: Document;
  if (!Array.isArray(stmt.u) && !isOperatorUpdate(stmt.u)) {
    validateReplacement(stmt.u);
    const { _id: replacementId, ...rest } = stmt.u;
    if (
      replacementId !== undefined &&
      seed._id !== undefined &&
      valueKey(replacementId) !== valueKey(seed._id)
    ) {
      throw new MongoError(
        ErrorCode.ImmutableField,
        "Performing an update on the path '_id' would modify the immutable field '_id'",
      );
    }
    doc = { _id: replacementId ?? seed._id ?? new ObjectId(), ...rest };
  } else {
    doc = computeUpdate(stmt, seed, true).doc;
    if (doc._id === undefined) doc = { _id: new ObjectId(), ...doc };
    else if (Object.keys(doc)[0] !== '_id') {
      const { _id, ...rest } = doc;
      doc = { _id, ...rest };
    }
  }
  return prepareInsert(doc);
}

export async function update(cmd: Document, ctx: CommandContext): Promise<Document> {
  const name = requireString(cmd.update, 'collection name');
  const coll = collectionFor(ctx, name, true) as Collection;
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors = await eachStatement(ctx, cmd, 'updates', async (raw, index) => {
    const res = await runUpdate(ctx, coll, parseStatement(raw), false);
    n += res.n;
    nModified += res.nModified;
    if (res.upsertedId !== undefined) upserted.push({ index, _id: res.upsertedId });
  });
  return writeReply(upserted.length ? { n, nModified, upserted } : { n, nModified }, writeErrors);
}

// ---- delete ---------------------------------------------------------------------------------

export async function del(cmd: Document, ctx: CommandContext): Promise<Document> {
  const name = requireString(cmd.delete, 'collection name');
  const coll = collectionFor(ctx, name, false);
  const writer = writerFor(ctx);
  let n = 0;
  const writeErrors = await eachStatement(ctx, cmd, 'deletes', async (stmt) => {
    if (!isPlainDocument(stmt)) {
      throw new MongoError(ErrorCode.BadValue, 'delete statement must be an object');
    }
    const limit = asNumber(stmt.limit, 'limit', 0);
    if (limit !== 0 && limit !== 1) {
      throw new MongoError(ErrorCode.BadValue, 'The limit field in delete objects must be 0 or 1');
    }
    if (!coll) return;
    const filter = optionalDoc(stmt.q, 'q') ?? {};
    for (;;) {
      const matched = matchUnlocked(ctx, coll, { filter, limit });
      if (!matched.wait) {
        for (const m of matched.matches) writer.remove(coll, m.idKey);
        n += matched.matches.length;
        return;
      }
      await matched.wait;
    }
  });
  return writeReply({ n }, writeErrors);
}

// ---- findAndModify --------------------------------------------------------------------------

export async function findAndModify(cmd: Document, ctx: CommandContext): Promise<Document> {
  const name = requireString(cmd.findAndModify ?? cmd.findandmodify, 'collection name');
  const query = optionalDoc(cmd.query, 'query') ?? {};
  const sort = optionalDoc(cmd.sort, 'sort');
  const fields = optionalDoc(cmd.fields, 'fields');
  const remove = cmd.remove === true;
  const returnNew = cmd.new === true;
  if (remove && cmd.update !== undefined) {
    throw new MongoError(ErrorCode.FailedToParse, 'Cannot specify both an update and remove=true');
  }
  if (!remove && cmd.update === undefined) {
    throw new MongoError(
      ErrorCode.FailedToParse,
      'Either an update or remove=true must be specified',
    );
  }
  if (remove && cmd.upsert === true) {
    throw new MongoError(
      ErrorCode.FailedToParse,
      'Cannot specify both upsert=true and remove=true',
    );
  }
  const project = compileProjection(fields, query, (expr, doc) => evaluateExpression(expr, doc));
  const shown = (d: Document | null | undefined) => (d ? (project ? project(d) : d) : null);
  if (remove) {
    const coll = collectionFor(ctx, name, false);
    if (!coll) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
    for (;;) {
      const matched = matchUnlocked(ctx, coll, { filter: query, sort, limit: 1 });
      if (matched.wait) {
        await matched.wait;
        continue;
      }
      const [first] = matched.matches;
      if (!first) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
      writerFor(ctx).remove(coll, first.idKey);
      return { lastErrorObject: { n: 1 }, value: shown(first.doc), ok: 1 };
    }
  }
  const coll = collectionFor(ctx, name, true) as Collection;
  const stmt = parseStatement({
    q: query,
    u: cmd.update,
    multi: false,
    upsert: cmd.upsert === true,
    arrayFilters: cmd.arrayFilters,
    sort,
  });
  const res = await runUpdate(ctx, coll, stmt, true);
  const lastErrorObject: Document = {
    n: res.n,
    updatedExisting: res.n > 0 && res.upsertedId === undefined,
  };
  if (res.upsertedId !== undefined) lastErrorObject.upserted = res.upsertedId;
  const value = returnNew ? res.after : res.upsertedId !== undefined ? null : res.before;
  return { lastErrorObject, value: shown(value), ok: 1 };
}

// ---- count / distinct -----------------------------------------------------------------------

export function count(cmd: Document, ctx: CommandContext): Document {
  if (ctx.txn) {
    throw new MongoError(
      ErrorCode.OperationNotSupportedInTransaction,
      "Cannot run 'count' in a multi-document transaction.",
    );
  }
  const name = requireString(cmd.count, 'collection name');
  const coll = collectionFor(ctx, name, false);
  const query = optionalDoc(cmd.query, 'query');
  const skip = asNumber(cmd.skip, 'skip', 0);
  const limit = Math.abs(asNumber(cmd.limit, 'limit', 0));
  if (!coll) return { n: 0, ok: 1 };
  if (!query || Object.keys(query).length === 0) {
    const total = Math.max(0, coll.size - skip);
    return { n: limit ? Math.min(limit, total) : total, ok: 1 };
  }
  return {
    n: findMatches(coll, { filter: query, skip, limit, hint: cmd.hint }, null).length,
    ok: 1,
  };
}

export function distinct(cmd: Document, ctx: CommandContext): Document {
  const name = requireString(cmd.distinct, 'collection name');
  const key = cmd.key;
  if (typeof key !== 'string')
    throw new MongoError(ErrorCode.TypeMismatch, '"key" had the wrong type. Expected string');
  const coll = collectionFor(ctx, name, false);
  const query = optionalDoc(cmd.query, 'query') ?? {};
  const seen = new Map<string, unknown>();
  for (const m of findMatches(coll, { filter: query, hint: cmd.hint }, ctx.txn)) {
    for (const v of getPathValues(m.doc, key)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) continue; // elements are visited separately; arrays are not values
      const k = valueKey(v);
      if (!seen.has(k)) seen.set(k, v);
    }
  }
  return { values: [...seen.values()], ok: 1 };
}

export function asMongoError(e: unknown): MongoError {
  if (e instanceof MongoError) return e;
  return new MongoError(ErrorCode.InternalError, (e as Error)?.message ?? String(e));
}

export { Long };
