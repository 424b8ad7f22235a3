/**
 * Collections and indexes: create, drop, listCollections, renameCollection, dropDatabase,
 * createIndexes, listIndexes, dropIndexes, collMod (index options only).
 */
import { Document, isPlainDocument, valuesEqual } from '../bson/values';
import { MongoError, ErrorCode } from '../errors';
import { Collection, ID_INDEX_NAME } from '../engine/collection';
import { IndexSpec } from '../engine/indexes';
import { compileFilter } from '../query/matcher';
import { CommandContext, requireString } from './context';

function notInTransaction(ctx: CommandContext, name: string): void {
  if (ctx.txn) {
    throw new MongoError(
      ErrorCode.OperationNotSupportedInTransaction,
      `Cannot run '${name}' in a multi-document transaction.`,
    );
  }
}

export function create(cmd: Document, ctx: CommandContext): Document {
  const name = requireString(cmd.create, 'collection name');
  if (cmd.viewOn !== undefined || cmd.capped === true || cmd.timeseries !== undefined) {
    throw new MongoError(
      ErrorCode.NotImplemented,
      'views, capped and time-series collections are not supported by the embedded server',
    );
  }
  const options: Document = {};
  for (const [k, v] of Object.entries(cmd)) {
    if (
      k === 'create' ||
      k.startsWith('$') ||
      [
        'lsid',
        'txnNumber',
        'autocommit',
        'startTransaction',
        'writeConcern',
        'comment',
        'readConcern',
      ].includes(k)
    )
      continue;
    options[k] = v;
  }
  ctx.engine.createCollection(ctx.db, name, options);
  return { ok: 1 };
}

export function drop(cmd: Document, ctx: CommandContext): Document {
  notInTransaction(ctx, 'drop');
  const name = requireString(cmd.drop, 'collection name');
  const coll = ctx.engine.collection(ctx.db, name);
  const nIndexesWas = coll?.indexes.size ?? 0;
  ctx.engine.dropCollection(ctx.db, name);
  return coll ? { nIndexesWas, ns: `${ctx.db}.${name}`, ok: 1 } : { ok: 1 };
}

export function dropDatabase(_cmd: Document, ctx: CommandContext): Document {
  notInTransaction(ctx, 'dropDatabase');
  ctx.engine.dropDatabase(ctx.db);
  return { dropped: ctx.db, ok: 1 };
}

export function listCollections(cmd: Document, ctx: CommandContext): Document {
  notInTransaction(ctx, 'listCollections');
  const filter = isPlainDocument(cmd.filter) ? cmd.filter : {};
  const matches = compileFilter(filter);
  const nameOnly = cmd.nameOnly === true;
  const docs: Document[] = [];
  for (const coll of ctx.engine.dbs.get(ctx.db)?.values() ?? []) {
    const full: Document = {
      name: coll.name,
      type: 'collection',
      options: coll.options,
      info: { readOnly: false, uuid: coll.uuid },
      idIndex: { v: 2, key: { _id: 1 }, name: ID_INDEX_NAME },
    };
    if (!matches(full)) continue;
    docs.push(nameOnly ? { name: coll.name, type: 'collection' } : full);
  }
  const batchSize = isPlainDocument(cmd.cursor)
    ? (cmd.cursor.batchSize as number | undefined)
    : undefined;
  return ctx.cursors.firstBatch(`${ctx.db}.$cmd.listCollections`, docs, batchSize, false, null);
}

export function renameCollection(cmd: Document, ctx: CommandContext): Document {
  notInTransaction(ctx, 'renameCollection');
  const from = requireString(cmd.renameCollection, 'renameCollection');
  const to = requireString(cmd.to, 'to');
  const [fromDb, ...fromRest] = from.split('.');
  const [toDb, ...toRest] = to.split('.');
  if (!fromRest.length || !toRest.length) {
    throw new MongoError(
      ErrorCode.InvalidNamespace,
      `Invalid namespace specified '${fromRest.length ? to : from}'`,
    );
  }
  ctx.engine.renameCollection(
    fromDb,
    fromRest.join('.'),
    toDb,
    toRest.join('.'),
    cmd.dropTarget === true,
  );
  return { ok: 1 };
}

const INDEX_OPTION_KEYS = [
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'weights',
  'default_language',
  'language_override',
  'textIndexVersion',
  '2dsphereIndexVersion',
  'collation',
  'hidden',
  'bits',
  'min',
  'max',
];

function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([f, v]) => `${f}_${String(typeof v === 'object' ? Number(v) : v)}`)
    .join('_');
}

function normaliseSpec(raw: unknown): IndexSpec {
  if (!isPlainDocument(raw) || !isPlainDocument(raw.key) || Object.keys(raw.key).length === 0) {
    throw new MongoError(ErrorCode.BadValue, 'Index spec must have a non-empty key document');
  }
  const key: Document = {};
  for (const [field, v] of Object.entries(raw.key)) {
    const num = typeof v === 'number' ? v : Number((v as { valueOf(): unknown }).valueOf());
    if (typeof v === 'string') {
      if (!['text', '2dsphere', '2d', 'hashed'].includes(v)) {
        throw new MongoError(ErrorCode.CannotCreateIndex, `Unknown index plugin '${v}'`);
      }
      key[field] = v;
    } else if (Number.isFinite(num) && num !== 0) {
      key[field] = num;
    } else {
      throw new MongoError(
        ErrorCode.CannotCreateIndex,
        `Values in the index key pattern can only be numbers > 0, numbers < 0, or strings. Found ${String(v)}`,
      );
    }
  }
  const spec: IndexSpec = {
    v: 2,
    key,
    name: typeof raw.name === 'string' ? raw.name : defaultIndexName(key),
  };
  for (const k of INDEX_OPTION_KEYS) if (raw[k] !== undefined) spec[k] = raw[k];
  if (spec.unique === false) delete spec.unique;
  if (spec.sparse === false) delete spec.sparse;
  if (Object.values(key).includes('text') && spec.name === defaultIndexName(key)) {
    spec.name = Object.keys(key)
      .map((f) => `${f}_${key[f] === 'text' ? 'text' : String(key[f])}`)
      .join('_');
  }
  if (Object.values(key).includes('text')) {
    // MongoDB stores a text index's key as {_fts: 'text', _ftsx: 1}; its fields live in weights.
    const textFields = Object.keys(key).filter((f) => key[f] === 'text');
    const stored: Document = {};
    let placed = false;
    for (const [f, v] of Object.entries(key)) {
      if (v !== 'text') stored[f] = v;
      else if (!placed) {
        stored._fts = 'text';
        stored._ftsx = 1;
        placed = true;
      }
    }
    spec.key = stored;
    spec.weights ??= Object.fromEntries(textFields.map((f) => [f, 1]));
  }
  if (Object.values(key).includes('text')) {
    spec.weights ??= Object.fromEntries(
      Object.keys(key)
        .filter((f) => key[f] === 'text')
        .map((f) => [f, 1]),
    );
    spec.default_language ??= 'english';
    spec.language_override ??= 'language';
    spec.textIndexVersion ??= 3;
  }
  if (Object.values(key).includes('2dsphere')) spec['2dsphereIndexVersion'] ??= 3;
  return spec;
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return INDEX_OPTION_KEYS.every((k) => {
    const x = a[k];
    const y = b[k];
    if (x === undefined || y === undefined) return x === y;
    return valuesEqual(x, y);
  });
}

export function createIndexes(cmd: Document, ctx: CommandContext): Document {
  const name = requireString(cmd.createIndexes, 'collection name');
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0) {
    throw new MongoError(ErrorCode.BadValue, 'Must specify at least one index to create');
  }
  const specs = cmd.indexes.map(normaliseSpec);
  const existed = ctx.engine.collection(ctx.db, name) !== undefined;
  if (ctx.txn && existed) notInTransaction(ctx, 'createIndexes');
  const coll = ctx.engine.collection(ctx.db, name, true) as Collection;
  const before = coll.indexes.size;
  const toBuild: IndexSpec[] = [];
  for (const spec of specs) {
    const sameName = coll.indexes.get(spec.name);
    const sameKey = [...coll.indexes.values()].find((i) => valuesEqual(i.spec.key, spec.key));
    if (sameName) {
      if (!valuesEqual(sameName.spec.key, spec.key)) {
        throw new MongoError(
          ErrorCode.IndexKeySpecsConflict,
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
        );
      }
      if (!sameOptions(sameName.spec, spec)) {
        throw new MongoError(
          ErrorCode.IndexOptionsConflict,
          `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
        );
      }
      continue;
    }
    if (sameKey && sameOptions(sameKey.spec, spec)) {
      throw new MongoError(
        ErrorCode.IndexOptionsConflict,
        `Index already exists with a different name: ${sameKey.name}`,
      );
    }
    if (sameKey && !spec.partialFilterExpression && !sameKey.spec.partialFilterExpression) {
      throw new MongoError(
        ErrorCode.IndexOptionsConflict,
        `An equivalent index already exists with a different name and options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameKey.spec)}`,
      );
    }
    if (spec.name === ID_INDEX_NAME) continue;
    toBuild.push(spec);
  }
  if (Object.values(specs).filter((s) => Object.values(s.key).includes('text')).length > 0) {
    const texts = [...coll.indexes.values()].filter((i) => i.kind === 'text');
    if (texts.length && toBuild.some((s) => Object.values(s.key).includes('text'))) {
      throw new MongoError(
        ErrorCode.IndexOptionsConflict,
        `An equivalent index already exists with a different name and options: only one text index per collection (${texts[0].name})`,
      );
    }
  }
  ctx.engine.atomically(() => {
    for (const spec of toBuild) ctx.engine.createIndex(coll, spec);
  });
  const reply: Document = {
    numIndexesBefore: before,
    numIndexesAfter: coll.indexes.size,
    createdCollectionAutomatically: !existed,
    ok: 1,
  };
  if (toBuild.length === 0) reply.note = 'all indexes already exist';
  return reply;
}

export function listIndexes(cmd: Document, ctx: CommandContext): Document {
  notInTransaction(ctx, 'listIndexes');
  const name = requireString(cmd.listIndexes, 'collection name');
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll)
    throw new MongoError(ErrorCode.NamespaceNotFound, `ns does not exist: ${ctx.db}.${name}`);
  const batchSize = isPlainDocument(cmd.cursor)
    ? (cmd.cursor.batchSize as number | undefined)
    : undefined;
  return ctx.cursors.firstBatch(
    `${ctx.db}.$cmd.listIndexes.${name}`,
    coll.indexSpecs(),
    batchSize,
    false,
    null,
  );
}

export function dropIndexes(cmd: Document, ctx: CommandContext): Document {
  notInTransaction(ctx, 'dropIndexes');
  const name = requireString(cmd.dropIndexes ?? cmd.deleteIndexes, 'collection name');
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll) throw new MongoError(ErrorCode.NamespaceNotFound, `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.size;
  const target = cmd.index;
  let names: string[];
  if (target === '*') {
    names = [...coll.indexes.keys()].filter((n) => n !== ID_INDEX_NAME);
  } else if (typeof target === 'string') {
    names = [target];
  } else if (Array.isArray(target)) {
    names = target as string[];
  } else if (isPlainDocument(target)) {
    const found = [...coll.indexes.values()].find((i) => valuesEqual(i.spec.key, target));
    if (!found) {
      throw new MongoError(
        ErrorCode.IndexNotFound,
        `can't find index with key: ${JSON.stringify(target)}`,
      );
    }
    names = [found.name];
  } else {
    throw new MongoError(
      ErrorCode.TypeMismatch,
      'index must be a string, an array of strings or a key document',
    );
  }
  for (const n of names) {
    if (n === ID_INDEX_NAME)
      throw new MongoError(ErrorCode.InvalidOptions, 'cannot drop _id index');
    if (!coll.indexes.has(n))
      throw new MongoError(ErrorCode.IndexNotFound, `index not found with name [${n}]`);
  }
  for (const n of names) ctx.engine.dropIndex(coll, n);
  return { nIndexesWas, ok: 1 };
}
