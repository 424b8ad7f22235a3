/**
 * DDL: create (48 when it exists), drop (ok when missing), listCollections (filter, nameOnly,
 * cursor shape), renameCollection, dropDatabase, auto-create, dbStats/collStats.
 */
import { Binary, Long } from 'bson';
import { clean, serverError, setupSuite } from './harness';

const t = setupSuite(__filename);

describe('create and drop', () => {
  it('create, then create again fails with 48 NamespaceExists', async () => {
    expect(clean(await t.db.command({ create: 'c1' }))).toEqual({ ok: 1 });
    const e = await serverError(t.db.command({ create: 'c1' }));
    expect(e.code).toBe(48);
    expect(e.codeName).toBe('NamespaceExists');
    expect(e.message).toBe(`Collection ${t.dbName}.c1 already exists.`);
  });

  it('the driver createCollection surfaces 48 as well', async () => {
    await t.db.createCollection('c2');
    const e = await serverError(t.db.createCollection('c2'));
    expect(e.code).toBe(48);
  });

  it('drop removes the data and indexes; dropping a missing collection is ok', async () => {
    const c = t.db.collection('c3');
    await c.insertMany([{ a: 1 }, { a: 2 }]);
    await c.createIndex({ a: 1 }, { unique: true });
    const r = await t.db.command({ drop: 'c3' });
    expect(r.ok).toBe(1);
    expect(r.ns).toBe(`${t.dbName}.c3`);
    expect(r.nIndexesWas).toBe(2);
    expect(await c.countDocuments()).toBe(0);
    const missing = await t.db.command({ drop: 'never_existed' });
    expect(missing.ok).toBe(1);
    // Re-created without the old unique index.
    await c.insertMany([{ a: 1 }, { a: 1 }]);
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });
});

describe('listCollections', () => {
  beforeAll(async () => {
    await t.db.createCollection('lc_a');
    await t.db.collection('lc_b').insertOne({ x: 1 });
  });

  it('full entries with cursor shape', async () => {
    const r = await t.db.command(
      { listCollections: 1, filter: { name: 'lc_a' } },
      { promoteLongs: false },
    );
    expect(r.ok).toBe(1);
    expect(r.cursor.ns).toBe(`${t.dbName}.$cmd.listCollections`);
    expect(r.cursor.id).toBeInstanceOf(Long);
    expect(r.cursor.id.isZero()).toBe(true);
    expect(r.cursor.firstBatch).toHaveLength(1);
    const entry = r.cursor.firstBatch[0];
    expect(entry).toMatchObject({
      name: 'lc_a',
      type: 'collection',
      options: {},
      info: { readOnly: false },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    });
    expect(entry.info.uuid).toBeInstanceOf(Binary);
    expect(entry.info.uuid.sub_type).toBe(4);
  });

  it('nameOnly returns only name and type', async () => {
    const r = await t.db.command({
      listCollections: 1,
      nameOnly: true,
      filter: { name: { $in: ['lc_a', 'lc_b'] } },
    });
    const entries = r.cursor.firstBatch.sort((a: { name: string }, b: { name: string }) =>
      a.name.localeCompare(b.name),
    );
    expect(entries).toEqual([
      { name: 'lc_a', type: 'collection' },
      { name: 'lc_b', type: 'collection' },
    ]);
  });

  it('driver listCollections includes auto-created collections and filters by regex', async () => {
    const names = (await t.db.listCollections({ name: /^lc_/ }).toArray())
      .map((c) => c.name)
      .sort();
    expect(names).toEqual(['lc_a', 'lc_b']);
  });

  it('a database with no collections lists nothing', async () => {
    const r = await t.client.db(`${t.dbName}_empty`).listCollections().toArray();
    expect(r).toEqual([]);
  });
});

describe('renameCollection', () => {
  it('moves documents and indexes', async () => {
    const src = t.db.collection('ren_src');
    await src.insertMany([
      { _id: 1, e: 'a' },
      { _id: 2, e: 'b' },
    ] as never[]);
    await src.createIndex({ e: 1 }, { unique: true });
    const r = await t.client
      .db('admin')
      .command({ renameCollection: `${t.dbName}.ren_src`, to: `${t.dbName}.ren_dst` });
    expect(r.ok).toBe(1);
    const dst = t.db.collection('ren_dst');
    expect(await dst.countDocuments()).toBe(2);
    expect(await src.countDocuments()).toBe(0);
    expect((await dst.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'e_1']);
    expect((await serverError(dst.insertOne({ e: 'a' }))).code).toBe(11000);
    const names = (await t.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toContain('ren_dst');
    expect(names).not.toContain('ren_src');
  });

  it('onto an existing target: 48 unless dropTarget; missing source: 26', async () => {
    await t.db.collection('ren_a').insertOne({ from: 'a' });
    await t.db.collection('ren_b').insertOne({ from: 'b' });
    const e = await serverError(
      t.client
        .db('admin')
        .command({ renameCollection: `${t.dbName}.ren_a`, to: `${t.dbName}.ren_b` }),
    );
    expect(e.code).toBe(48);
    expect(e.codeName).toBe('NamespaceExists');
    await t.client.db('admin').command({
      renameCollection: `${t.dbName}.ren_a`,
      to: `${t.dbName}.ren_b`,
      dropTarget: true,
    });
    expect(
      await t.db
        .collection('ren_b')
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    ).toEqual([{ from: 'a' }]);
    const e2 = await serverError(
      t.client
        .db('admin')
        .command({ renameCollection: `${t.dbName}.nope`, to: `${t.dbName}.nope2` }),
    );
    expect(e2.code).toBe(26);
    expect(e2.codeName).toBe('NamespaceNotFound');
  });

  it('the driver rename helper works', async () => {
    const c = t.db.collection('ren_helper');
    await c.insertOne({ a: 1 });
    const renamed = await c.rename('ren_helper2');
    expect(renamed.collectionName).toBe('ren_helper2');
    expect(await renamed.countDocuments()).toBe(1);
  });
});

describe('dropDatabase and stats', () => {
  it('dropDatabase removes every collection of that database only', async () => {
    const other = t.client.db(`${t.dbName}_x`);
    await other.collection('a').insertOne({ a: 1 });
    await other.collection('b').createIndex({ k: 1 }, { unique: true });
    const r = await other.command({ dropDatabase: 1 });
    expect(r.ok).toBe(1);
    expect(await other.listCollections().toArray()).toEqual([]);
    expect(await other.collection('a').countDocuments()).toBe(0);
    const list = await t.client.db('admin').command({ listDatabases: 1, nameOnly: true });
    expect(list.databases.map((d: { name: string }) => d.name)).not.toContain(`${t.dbName}_x`);
    // Our own database is untouched.
    expect((await t.db.listCollections({ name: 'lc_b' }).toArray()).length).toBe(1);
    // Recreating works and the old unique index is gone.
    await other.collection('b').insertMany([{ k: 1 }, { k: 1 }]);
    await other.dropDatabase();
  });

  it('dbStats and collStats answer with counts', async () => {
    const c = t.db.collection('stats');
    await c.insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const db = await t.db.command({ dbStats: 1 });
    expect(db.ok).toBe(1);
    expect(db.db).toBe(t.dbName);
    expect(db.collections).toBeGreaterThanOrEqual(1);
    expect(db.objects).toBeGreaterThanOrEqual(3);
    const cs = await t.db.command({ collStats: 'stats' });
    expect(cs.ok).toBe(1);
    expect(cs.ns).toBe(`${t.dbName}.stats`);
    expect(cs.count).toBe(3);
    expect(cs.nindexes).toBe(1);
  });
});
