/**
 * findAndModify: before/after images, upsert, remove, sort, fields, arrayFilters, the
 * lastErrorObject shape, and errors (duplicate key with keyPattern/keyValue, update errors).
 */
import type { Document } from 'mongodb';
import { e11000, serverError, setupSuite } from './harness';
import type { Doc } from './harness';

const t = setupSuite(__filename);

let seq = 0;
async function seeded(docs: Document[]) {
  const c = t.db.collection<Doc>(`fam${++seq}`);
  await c.insertMany(docs);
  return c;
}

describe('findOneAndUpdate / findOneAndReplace / findOneAndDelete', () => {
  it('returns the before image by default and the after image with returnDocument: after', async () => {
    const c = await seeded([{ _id: 1, n: 1 }]);
    expect(await c.findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } })).toEqual({ _id: 1, n: 1 });
    expect(
      await c.findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } }, { returnDocument: 'after' }),
    ).toEqual({ _id: 1, n: 3 });
    expect(await c.findOneAndUpdate({ _id: 99 }, { $inc: { n: 1 } })).toBeNull();
  });

  it('includeResultMetadata exposes lastErrorObject for an update of an existing document', async () => {
    const c = await seeded([{ _id: 1, n: 1 }]);
    const r = await c.findOneAndUpdate(
      { _id: 1 },
      { $set: { n: 5 } },
      { includeResultMetadata: true, returnDocument: 'after' },
    );
    expect(r.ok).toBe(1);
    expect(r.value).toEqual({ _id: 1, n: 5 });
    expect(r.lastErrorObject).toEqual({ n: 1, updatedExisting: true });
  });

  it('upsert: lastErrorObject has updatedExisting false and upserted id; before image is null', async () => {
    const c = await seeded([{ _id: 0 }]);
    const r = await c.findOneAndUpdate(
      { key: 'k' },
      { $set: { v: 1 }, $setOnInsert: { created: true } },
      { upsert: true, includeResultMetadata: true },
    );
    expect(r.value).toBeNull();
    expect(r.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false });
    const id = r.lastErrorObject!.upserted;
    expect(id).toBeDefined();
    expect(await c.findOne({ key: 'k' })).toEqual({ _id: id, key: 'k', v: 1, created: true });
    const after = await c.findOneAndUpdate(
      { key: 'new' },
      { $set: { v: 2 } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(after).toMatchObject({ key: 'new', v: 2 });
    expect(Object.keys(after!)[0]).toBe('_id');
  });

  it('no match: value null, lastErrorObject { n: 0, updatedExisting: false }', async () => {
    const c = await seeded([{ _id: 1 }]);
    const r = await c.findOneAndUpdate(
      { _id: 2 },
      { $set: { a: 1 } },
      { includeResultMetadata: true },
    );
    expect(r.value).toBeNull();
    expect(r.lastErrorObject).toEqual({ n: 0, updatedExisting: false });
  });

  it('sort picks which document is modified; projection shapes the returned document', async () => {
    const c = await seeded([
      { _id: 1, q: 'job', pri: 2, payload: 'a' },
      { _id: 2, q: 'job', pri: 9, payload: 'b' },
      { _id: 3, q: 'job', pri: 5, payload: 'c' },
    ]);
    const r = await c.findOneAndUpdate(
      { q: 'job', taken: { $exists: false } },
      { $set: { taken: true } },
      { sort: { pri: -1 }, projection: { payload: 1, _id: 0 }, returnDocument: 'after' },
    );
    expect(r).toEqual({ payload: 'b' });
    const next = await c.findOneAndUpdate(
      { q: 'job', taken: { $exists: false } },
      { $set: { taken: true } },
      { sort: { pri: -1 } },
    );
    expect(next!._id).toBe(3);
  });

  it('arrayFilters', async () => {
    const c = await seeded([{ _id: 1, a: [1, 5, 10] }]);
    const r = await c.findOneAndUpdate(
      { _id: 1 },
      { $set: { 'a.$[big]': 0 } },
      { arrayFilters: [{ big: { $gte: 5 } }], returnDocument: 'after' },
    );
    expect(r).toEqual({ _id: 1, a: [1, 0, 0] });
  });

  it('findOneAndReplace keeps _id', async () => {
    const c = await seeded([{ _id: 1, a: 1, b: 2 }]);
    const r = await c.findOneAndReplace({ a: 1 }, { z: 9 }, { returnDocument: 'after' });
    expect(r).toEqual({ _id: 1, z: 9 });
  });

  it('findOneAndDelete returns the removed document; lastErrorObject { n: 1 }', async () => {
    const c = await seeded([
      { _id: 1, g: 1, o: 2 },
      { _id: 2, g: 1, o: 1 },
    ]);
    const r = await c.findOneAndDelete({ g: 1 }, { sort: { o: 1 }, includeResultMetadata: true });
    expect(r.value).toEqual({ _id: 2, g: 1, o: 1 });
    expect(r.lastErrorObject).toEqual({ n: 1 });
    expect(await c.countDocuments()).toBe(1);
    const none = await c.findOneAndDelete({ g: 42 }, { includeResultMetadata: true });
    expect(none.value).toBeNull();
    expect(none.lastErrorObject).toEqual({ n: 0 });
  });
});

describe('raw findAndModify', () => {
  it('reply shape with new: true', async () => {
    await seeded([{ _id: 1, n: 1 }]);
    const r = await t.db.command({
      findAndModify: `fam${seq}`,
      query: { _id: 1 },
      update: { $inc: { n: 1 } },
      new: true,
    });
    expect(r.ok).toBe(1);
    expect(r.value).toEqual({ _id: 1, n: 2 });
    expect(r.lastErrorObject).toEqual({ n: 1, updatedExisting: true });
  });

  it('remove: true', async () => {
    await seeded([{ _id: 1, n: 1 }]);
    const r = await t.db.command({
      findAndModify: `fam${seq}`,
      query: { _id: 1 },
      remove: true,
      fields: { n: 1 },
    });
    expect(r.value).toEqual({ _id: 1, n: 1 });
    expect(r.lastErrorObject).toEqual({ n: 1 });
  });

  it('on a missing collection without upsert: value null', async () => {
    const r = await t.db.command({
      findAndModify: 'fam_missing',
      query: { _id: 1 },
      update: { $set: { a: 1 } },
    });
    expect(r.ok).toBe(1);
    expect(r.value).toBeNull();
    expect(r.lastErrorObject).toEqual({ n: 0, updatedExisting: false });
  });
});

describe('findAndModify errors', () => {
  it('a duplicate key answers ok: 0, code 11000, with keyPattern and keyValue', async () => {
    const c = await seeded([
      { _id: 1, email: 'a@x' },
      { _id: 2, email: 'b@x' },
    ]);
    await c.createIndex({ email: 1 }, { unique: true });
    const e = await serverError(c.findOneAndUpdate({ _id: 2 }, { $set: { email: 'a@x' } }));
    expect(e.code).toBe(11000);
    expect(e.codeName).toBe('DuplicateKey');
    expect(e.keyPattern).toEqual({ email: 1 });
    expect(e.keyValue).toEqual({ email: 'a@x' });
    expect(e.message).toBe(e11000(t.dbName, c.collectionName, 'email_1', '{ email: "a@x" }'));
    expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2, email: 'b@x' });

    const raw = await serverError(
      t.db.command({
        findAndModify: c.collectionName,
        query: { _id: 3 },
        update: { $set: { email: 'b@x' } },
        upsert: true,
      }),
    );
    expect(raw.code).toBe(11000);
    expect(raw.keyValue).toEqual({ email: 'b@x' });
    expect(await c.countDocuments()).toBe(2);
  });

  it('update errors propagate (14 on $inc of a string, 66 on _id change)', async () => {
    const c = await seeded([{ _id: 1, s: 'x' }]);
    expect((await serverError(c.findOneAndUpdate({ _id: 1 }, { $inc: { s: 1 } }))).code).toBe(14);
    expect((await serverError(c.findOneAndUpdate({ _id: 1 }, { $set: { _id: 5 } }))).code).toBe(66);
  });
});
