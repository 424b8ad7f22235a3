/**
 * Indexes: unique (single, compound, multikey, sparse, partial) enforced on every write path
 * with MongoDB's exact E11000 error; unique build over duplicates; createIndexes idempotence and
 * 85/86 conflicts; listIndexes/dropIndexes; text and 2dsphere queries.
 */
import { ObjectId } from 'bson';
import { MongoBulkWriteError, type Document } from 'mongodb';
import { clean, describeEmbedded, e11000, serverError, setupSuite } from './harness';
import type { Doc } from './harness';

const t = setupSuite(__filename);

let seq = 0;
async function coll(indexes: [Document, Document?][] = []) {
  const c = t.db.collection<Doc>(`ix${++seq}`);
  await t.db.createCollection(c.collectionName);
  for (const [key, opts] of indexes) await c.createIndex(key, opts ?? {});
  return c;
}

function expectDup(
  e: {
    code?: unknown;
    codeName?: unknown;
    message: string;
    keyPattern?: unknown;
    keyValue?: unknown;
  },
  db: string,
  coll: string,
  index: string,
  dupKey: string,
  keyPattern: Document,
  keyValue: Document,
) {
  expect(e.code).toBe(11000);
  expect(e.message).toBe(e11000(db, coll, index, dupKey));
  expect(e.keyPattern).toEqual(keyPattern);
  expect(e.keyValue).toEqual(keyValue);
}

describe('unique indexes on every write path', () => {
  it('insertOne: exact E11000 message, code, keyPattern, keyValue', async () => {
    const c = await coll([[{ name: 1 }, { unique: true }]]);
    await c.insertOne({ name: 'x' });
    const e = await serverError(c.insertOne({ name: 'x' }));
    expectDup(e, t.dbName, c.collectionName, 'name_1', '{ name: "x" }', { name: 1 }, { name: 'x' });
    expect(await c.countDocuments()).toBe(1);
  });

  it('_id duplicates use the _id_ index name', async () => {
    const c = await coll();
    await c.insertOne({ _id: 5 });
    const e = await serverError(c.insertOne({ _id: 5 }));
    expectDup(e, t.dbName, c.collectionName, '_id_', '{ _id: 5 }', { _id: 1 }, { _id: 5 });
  });

  it('shell formatting of numbers, ObjectIds, null/missing and nested values', async () => {
    const c = await coll([
      [{ n: 1 }, { unique: true }],
      [{ ref: 1 }, { unique: true, sparse: true }],
    ]);
    await c.insertOne({ n: 5 });
    expectDup(
      await serverError(c.insertOne({ n: 5 })),
      t.dbName,
      c.collectionName,
      'n_1',
      '{ n: 5 }',
      { n: 1 },
      { n: 5 },
    );
    const oid = new ObjectId('65a1b2c3d4e5f60718293a4b');
    await c.insertOne({ n: 6, ref: oid });
    expectDup(
      await serverError(c.insertOne({ n: 7, ref: oid })),
      t.dbName,
      c.collectionName,
      'ref_1',
      "{ ref: ObjectId('65a1b2c3d4e5f60718293a4b') }",
      { ref: 1 },
      { ref: oid },
    );
    // A missing field is indexed as null in a non-sparse unique index.
    await c.insertOne({ other: 1 });
    expectDup(
      await serverError(c.insertOne({ other: 2 })),
      t.dbName,
      c.collectionName,
      'n_1',
      '{ n: null }',
      { n: 1 },
      { n: null },
    );
  });

  it('compound unique: only the full combination is unique', async () => {
    const c = await coll([[{ a: 1, b: 1 }, { unique: true }]]);
    await c.insertMany([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
    ]);
    const e = await serverError(c.insertOne({ a: 1, b: 'x' }));
    expectDup(
      e,
      t.dbName,
      c.collectionName,
      'a_1_b_1',
      '{ a: 1, b: "x" }',
      { a: 1, b: 1 },
      { a: 1, b: 'x' },
    );
  });

  it('multikey unique: array elements are keys; repeats within one document are fine', async () => {
    const c = await coll([[{ tags: 1 }, { unique: true }]]);
    await c.insertOne({ tags: ['a', 'b'] });
    await c.insertOne({ tags: ['x', 'x'] });
    const e = await serverError(c.insertOne({ tags: ['c', 'b'] }));
    expectDup(e, t.dbName, c.collectionName, 'tags_1', '{ tags: "b" }', { tags: 1 }, { tags: 'b' });
    const e2 = await serverError(c.insertOne({ tags: 'a' }));
    expect(e2.code).toBe(11000);
  });

  it('sparse unique: documents without the field do not collide', async () => {
    const c = await coll([[{ code: 1 }, { unique: true, sparse: true }]]);
    await c.insertMany([{ x: 1 }, { x: 2 }, { code: 'A' }]);
    const e = await serverError(c.insertOne({ code: 'A' }));
    expectDup(e, t.dbName, c.collectionName, 'code_1', '{ code: "A" }', { code: 1 }, { code: 'A' });
  });

  it('partial unique: only documents matching partialFilterExpression are constrained', async () => {
    const c = await coll([
      [{ email: 1 }, { unique: true, partialFilterExpression: { active: true } }],
    ]);
    await c.insertMany([
      { email: 'e', active: false },
      { email: 'e', active: false },
      { email: 'e', active: true },
    ]);
    const e = await serverError(c.insertOne({ email: 'e', active: true }));
    expectDup(
      e,
      t.dbName,
      c.collectionName,
      'email_1',
      '{ email: "e" }',
      { email: 1 },
      { email: 'e' },
    );
    // Updating an inactive duplicate into the filter collides too.
    const e2 = await serverError(c.updateOne({ active: false }, { $set: { active: true } }));
    expect(e2.code).toBe(11000);
    const idx = (await c.listIndexes().toArray()).find((i) => i.name === 'email_1');
    expect(idx).toMatchObject({ unique: true, partialFilterExpression: { active: true } });
  });

  it('updateOne, updateMany and replaceOne', async () => {
    const c = await coll([[{ name: 1 }, { unique: true }]]);
    await c.insertMany([
      { _id: 1, name: 'a' },
      { _id: 2, name: 'b' },
      { _id: 3, name: 'c' },
    ] as Document[]);
    expectDup(
      await serverError(c.updateOne({ _id: 2 }, { $set: { name: 'a' } })),
      t.dbName,
      c.collectionName,
      'name_1',
      '{ name: "a" }',
      { name: 1 },
      { name: 'a' },
    );
    expect((await serverError(c.replaceOne({ _id: 3 }, { name: 'a' }))).code).toBe(11000);
    expect((await serverError(c.updateMany({}, { $set: { name: 'same' } }))).code).toBe(11000);
    expect((await c.find().sort({ _id: 1 }).toArray()).map((d) => d.name)).toEqual([
      'same',
      'b',
      'c',
    ]);
  });

  it('an upsert that would insert a duplicate', async () => {
    const c = await coll([[{ name: 1 }, { unique: true }]]);
    await c.insertOne({ name: 'a', k: 1 });
    const e = await serverError(c.updateOne({ k: 2 }, { $set: { name: 'a' } }, { upsert: true }));
    expectDup(e, t.dbName, c.collectionName, 'name_1', '{ name: "a" }', { name: 1 }, { name: 'a' });
    expect(await c.countDocuments()).toBe(1);
  });

  it('findOneAndUpdate', async () => {
    const c = await coll([[{ name: 1 }, { unique: true }]]);
    await c.insertMany([{ name: 'a' }, { name: 'b' }]);
    const e = await serverError(c.findOneAndUpdate({ name: 'b' }, { $set: { name: 'a' } }));
    expectDup(e, t.dbName, c.collectionName, 'name_1', '{ name: "a" }', { name: 1 }, { name: 'a' });
  });

  it('bulkWrite (ordered and unordered) and insertMany report writeErrors with the E11000 errmsg', async () => {
    const c = await coll([[{ name: 1 }, { unique: true }]]);
    await c.insertOne({ name: 'a' });
    const e = await serverError(
      c.bulkWrite(
        [
          { insertOne: { document: { name: 'b' } } },
          { insertOne: { document: { name: 'a' } } },
          { updateOne: { filter: { name: 'b' }, update: { $set: { name: 'a' } } } },
          { insertOne: { document: { name: 'c' } } },
        ],
        { ordered: false },
      ),
    );
    expect(e).toBeInstanceOf(MongoBulkWriteError);
    const be = e as unknown as MongoBulkWriteError;
    const errs = be.writeErrors as unknown as { index: number; code: number; errmsg: string }[];
    expect(errs.map((w) => w.index)).toEqual([1, 2]);
    expect(errs.every((w) => w.code === 11000)).toBe(true);
    expect(errs[0].errmsg).toBe(e11000(t.dbName, c.collectionName, 'name_1', '{ name: "a" }'));
    expect(be.insertedCount).toBe(2);
    expect((await c.find().toArray()).map((d) => d.name).sort()).toEqual(['a', 'b', 'c']);

    const raw = await t.db.command({
      insert: c.collectionName,
      documents: [{ name: 'z' }, { name: 'z' }],
    });
    expect(raw.n).toBe(1);
    expect(raw.writeErrors[0]).toMatchObject({
      index: 1,
      code: 11000,
      keyPattern: { name: 1 },
      keyValue: { name: 'z' },
      errmsg: e11000(t.dbName, c.collectionName, 'name_1', '{ name: "z" }'),
    });
  });

  it('building a unique index over existing duplicates fails with 11000 and leaves no index', async () => {
    const c = await coll();
    await c.insertMany([{ k: 1 }, { k: 1 }]);
    const e = await serverError(c.createIndex({ k: 1 }, { unique: true }));
    expect(e.code).toBe(11000);
    expect(e.message).toMatch(/E11000 duplicate key error/);
    const names = (await c.listIndexes().toArray()).map((i) => i.name);
    expect(names).toEqual(['_id_']);
  });

  it('unique is enforced after deleting the holder (the key is free again)', async () => {
    const c = await coll([[{ name: 1 }, { unique: true }]]);
    await c.insertOne({ name: 'a' });
    await c.deleteOne({ name: 'a' });
    await c.insertOne({ name: 'a' });
    await c.updateOne({ name: 'a' }, { $set: { name: 'b' } });
    await c.insertOne({ name: 'a' });
    expect(await c.countDocuments()).toBe(2);
  });
});

describe('createIndexes, listIndexes, dropIndexes', () => {
  it('createIndexes reply shape, idempotent re-create with a note, createdCollectionAutomatically', async () => {
    const name = `ix${++seq}`;
    const r = await t.db.command({
      createIndexes: name,
      indexes: [{ key: { a: 1 }, name: 'a_1' }],
    });
    expect(r).toMatchObject({
      ok: 1,
      numIndexesBefore: 1,
      numIndexesAfter: 2,
      createdCollectionAutomatically: true,
    });
    const again = await t.db.command({
      createIndexes: name,
      indexes: [{ key: { a: 1 }, name: 'a_1' }],
    });
    expect(again).toMatchObject({
      ok: 1,
      numIndexesBefore: 2,
      numIndexesAfter: 2,
      note: 'all indexes already exist',
    });
    expect(again.createdCollectionAutomatically).toBeFalsy();
    const more = await t.db.command({
      createIndexes: name,
      indexes: [{ key: { b: -1 }, name: 'b_-1' }],
    });
    expect(more).toMatchObject({
      ok: 1,
      numIndexesBefore: 2,
      numIndexesAfter: 3,
      createdCollectionAutomatically: false,
    });
  });

  it('85 IndexOptionsConflict: same key under another name', async () => {
    const c = await coll([[{ k: 1 }]]);
    const e = await serverError(c.createIndex({ k: 1 }, { name: 'other' }));
    expect(e.code).toBe(85);
    expect(e.codeName).toBe('IndexOptionsConflict');
  });

  it('86 IndexKeySpecsConflict: same name, another key', async () => {
    const c = await coll([[{ k: 1 }]]);
    const e = await serverError(c.createIndex({ j: 1 }, { name: 'k_1' }));
    expect(e.code).toBe(86);
    expect(e.codeName).toBe('IndexKeySpecsConflict');
  });

  it('same name and key but other options (unique) is refused as a conflict, never silently ignored', async () => {
    // MongoDB answers 85 or 86 here depending on the version's notion of "uniquely-identifying"
    // options; either way the request fails and the existing index is unchanged.
    const c = await coll([[{ k: 1 }]]);
    const e = await serverError(c.createIndex({ k: 1 }, { unique: true }));
    expect([85, 86]).toContain(e.code);
    const k = (await c.listIndexes().toArray()).find((i) => i.name === 'k_1');
    expect(k!.unique).toBeUndefined();
  });

  it('listIndexes shape, and NamespaceNotFound on a missing collection', async () => {
    const c = await coll([[{ email: 1 }, { unique: true }], [{ a: 1, b: -1 }]]);
    const r = await t.db.command({ listIndexes: c.collectionName });
    expect(r.ok).toBe(1);
    expect(r.cursor.ns).toBe(`${t.dbName}.$cmd.listIndexes.${c.collectionName}`);
    expect(r.cursor.firstBatch).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { email: 1 }, name: 'email_1', unique: true },
      { v: 2, key: { a: 1, b: -1 }, name: 'a_1_b_-1' },
    ]);
    const e = await serverError(t.db.command({ listIndexes: 'no_such_collection' }));
    expect(e.code).toBe(26);
    expect(e.codeName).toBe('NamespaceNotFound');
  });

  it('dropIndexes by name, by key, by array, by *; _id_ is protected; unknown is 27', async () => {
    const c = await coll([[{ a: 1 }], [{ b: 1 }], [{ c: 1 }], [{ d: 1 }], [{ e: 1 }]]);
    const names = async () => (await c.listIndexes().toArray()).map((i) => i.name);
    const r = await t.db.command({ dropIndexes: c.collectionName, index: 'a_1' });
    expect(clean(r)).toMatchObject({ ok: 1, nIndexesWas: 6 });
    await c.dropIndex({ b: 1 } as never);
    expect(await names()).toEqual(['_id_', 'c_1', 'd_1', 'e_1']);
    await t.db.command({ dropIndexes: c.collectionName, index: ['c_1', 'd_1'] });
    expect(await names()).toEqual(['_id_', 'e_1']);
    const e = await serverError(c.dropIndex('_id_'));
    expect(e.code).toBe(72);
    expect(e.codeName).toBe('InvalidOptions');
    const e2 = await serverError(c.dropIndex('nope_1'));
    expect(e2.code).toBe(27);
    expect(e2.codeName).toBe('IndexNotFound');
    await c.dropIndexes();
    expect(await names()).toEqual(['_id_']);
  });
});

describe('text indexes', () => {
  let c: ReturnType<typeof t.db.collection<Doc>>;
  beforeAll(async () => {
    c = t.db.collection<Doc>('articles');
    await c.insertMany([
      { _id: 1, title: 'Running shoes', body: 'The best shoes for running in the city' },
      { _id: 2, title: 'The runner', body: 'A story about a runner' },
      { _id: 3, title: 'Red apple', body: 'An apple a day' },
      { _id: 4, title: 'Green apple', body: 'Apple apple apple, not red' },
      { _id: 5, title: 'Café culture', body: 'Coffee in Kyiv' },
    ]);
    await c.createIndex(
      { title: 'text', body: 'text' },
      { default_language: 'english', name: 'text_en' },
    );
  });
  const ids = (arr: Document[]) => arr.map((d) => d._id).sort();

  it('listIndexes shows the text index with weights and language', async () => {
    const idx = (await c.listIndexes().toArray()).find((i) => i.name === 'text_en');
    expect(idx).toMatchObject({
      key: { _fts: 'text', _ftsx: 1 },
      weights: { title: 1, body: 1 },
      default_language: 'english',
    });
  });

  it('English stemming: "run" finds running but not runner', async () => {
    expect(ids(await c.find({ $text: { $search: 'run' } }).toArray())).toEqual([1]);
    expect(ids(await c.find({ $text: { $search: 'RUNNERS' } }).toArray())).toEqual([2]);
  });

  it('stop words are not indexed; case and diacritics are folded', async () => {
    expect(await c.find({ $text: { $search: 'the' } }).toArray()).toEqual([]);
    expect(ids(await c.find({ $text: { $search: 'cafe' } }).toArray())).toEqual([5]);
    expect(ids(await c.find({ $text: { $search: 'KYIV' } }).toArray())).toEqual([5]);
  });

  it('phrases, negation, OR of terms', async () => {
    expect(ids(await c.find({ $text: { $search: '"red apple"' } }).toArray())).toEqual([3]);
    expect(ids(await c.find({ $text: { $search: 'apple -red' } }).toArray())).toEqual([]);
    expect(ids(await c.find({ $text: { $search: 'apple -day' } }).toArray())).toEqual([4]);
    expect(ids(await c.find({ $text: { $search: 'coffee runner' } }).toArray())).toEqual([2, 5]);
  });

  it('textScore projection and sort', async () => {
    const r = await c
      .find({ $text: { $search: 'apple' } }, { projection: { score: { $meta: 'textScore' } } })
      .sort({ score: { $meta: 'textScore' } })
      .toArray();
    expect(r.map((d) => d._id)).toEqual([4, 3]);
    expect(r[0].score).toBeGreaterThan(r[1].score);
    expect(typeof r[1].score).toBe('number');
  });

  it('$text without a text index fails with 27 IndexNotFound', async () => {
    const other = await coll();
    await other.insertOne({ title: 'x' });
    const e = await serverError(other.find({ $text: { $search: 'x' } }).toArray());
    expect(e.code).toBe(27);
    expect(e.message).toMatch(/text index required for \$text query/);
  });
});

describeEmbedded(
  'Ukrainian text search',
  'MongoDB 7.0 has no Ukrainian analyser and splits words at the ASCII apostrophe; folding both apostrophes is a Spilno requirement',
  () => {
    it('"п\'ять" (ASCII apostrophe) and "пʼять" (U+02BC) find each other; case is folded', async () => {
      const uk = t.db.collection<Doc>('uk_text');
      await uk.insertMany([
        { _id: 1, t: "П'ять яблук у кошику" },
        { _id: 2, t: 'Пʼять груш' },
        { _id: 3, t: 'Шість слив' },
      ]);
      await uk.createIndex({ t: 'text' }, { default_language: 'none' });
      const ids = async (q: string) =>
        (await uk.find({ $text: { $search: q } }).toArray()).map((d) => d._id).sort();
      expect(await ids("п'ять")).toEqual([1, 2]);
      expect(await ids('пʼять')).toEqual([1, 2]);
      expect(await ids('ШІСТЬ')).toEqual([3]);
      expect(await ids('груш')).toEqual([2]);
    });

    it('the typographic apostrophe "п’ять" (U+2019) is folded the same way', async () => {
      const uk = t.db.collection<Doc>('uk_text');
      const ids = (await uk.find({ $text: { $search: 'П’ЯТЬ' } }).toArray())
        .map((d) => d._id)
        .sort();
      expect(ids).toEqual([1, 2]);
    });
  },
);

describe('2dsphere', () => {
  // Kyiv landmarks (lng, lat).
  const places = [
    { _id: 'maidan', loc: { type: 'Point', coordinates: [30.5234, 50.4501] } },
    { _id: 'lavra', loc: { type: 'Point', coordinates: [30.5572, 50.4347] } },
    { _id: 'podil', loc: { type: 'Point', coordinates: [30.5165, 50.4648] } },
    { _id: 'lviv', loc: { type: 'Point', coordinates: [24.0297, 49.8397] } },
  ];
  let c: ReturnType<typeof t.db.collection<Doc>>;
  beforeAll(async () => {
    c = t.db.collection<Doc>('places');
    await c.insertMany(places.map((p) => ({ ...p })) as Document[]);
    await c.createIndex({ loc: '2dsphere' });
  });

  it('$near orders by distance and honours $maxDistance (metres)', async () => {
    const near = await c
      .find({ loc: { $near: { $geometry: { type: 'Point', coordinates: [30.52, 50.45] } } } })
      .toArray();
    expect(near.map((d) => d._id)).toEqual(['maidan', 'podil', 'lavra', 'lviv']);
    const within5km = await c
      .find({
        loc: {
          $near: { $geometry: { type: 'Point', coordinates: [30.52, 50.45] }, $maxDistance: 5000 },
        },
      })
      .toArray();
    expect(within5km.map((d) => d._id)).toEqual(['maidan', 'podil', 'lavra']);
    const notTooClose = await c
      .find({
        loc: {
          $near: {
            $geometry: { type: 'Point', coordinates: [30.52, 50.45] },
            $minDistance: 2000,
            $maxDistance: 600000,
          },
        },
      })
      .toArray();
    expect(notTooClose.map((d) => d._id)).toEqual(['lavra', 'lviv']);
  });

  it('$nearSphere with a GeoJSON point', async () => {
    const r = await c
      .find({ loc: { $nearSphere: { $geometry: { type: 'Point', coordinates: [24.03, 49.84] } } } })
      .limit(2)
      .toArray();
    expect(r.map((d) => d._id)).toEqual(['lviv', 'podil']); // 40 m, then 467.7 km (maidan is 468.0 km)
  });

  it('$geoWithin with a polygon and with $centerSphere', async () => {
    const poly = {
      type: 'Polygon',
      coordinates: [
        [
          [30.5, 50.44],
          [30.54, 50.44],
          [30.54, 50.47],
          [30.5, 50.47],
          [30.5, 50.44],
        ],
      ],
    };
    const inPoly = await c.find({ loc: { $geoWithin: { $geometry: poly } } }).toArray();
    expect(inPoly.map((d) => d._id).sort()).toEqual(['maidan', 'podil']);
    const radiusKm = 10;
    const inCircle = await c
      .find({ loc: { $geoWithin: { $centerSphere: [[30.52, 50.45], radiusKm / 6378.1] } } })
      .toArray();
    expect(inCircle.map((d) => d._id).sort()).toEqual(['lavra', 'maidan', 'podil']);
  });

  it('$near without a geo index fails', async () => {
    const other = await coll();
    await other.insertOne({ loc: { type: 'Point', coordinates: [0, 0] } });
    const e = await serverError(
      other
        .find({ loc: { $near: { $geometry: { type: 'Point', coordinates: [0, 0] } } } })
        .toArray(),
    );
    expect(e.code).toBe(291);
    expect(e.message).toMatch(/unable to find index for \$geoNear query/);
  });
});
