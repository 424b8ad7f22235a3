/**
 * Mongoose flows an application uses: Model.init / syncIndexes / diffIndexes with unique
 * indexes, timestamps, save with array push/pull/splice, VersionError, populate, lean,
 * insertMany ordered:false with insertedDocs, bulkWrite, connection.transaction, cursors.
 */
import mongoose, { Schema, Types } from 'mongoose';
import { serverError, setupSuite } from './harness';

const t = setupSuite(__filename, { mongoose: true });

interface User {
  email: string;
  name?: string;
  tags: Types.Array<string>;
  age?: number;
  balance?: Types.Decimal128;
}

let seq = 0;
function userModel(extra: Partial<mongoose.SchemaOptions> = {}) {
  const schema = new Schema<User>(
    {
      email: { type: String, required: true, unique: true },
      name: String,
      tags: [String],
      age: Number,
      balance: Schema.Types.Decimal128,
    },
    { timestamps: true, autoIndex: false, ...extra },
  );
  return t.conn.model<User>(`User${++seq}`, schema);
}

describe('indexes through mongoose', () => {
  it('Model.init creates the unique index; duplicates fail with 11000 and keyValue', async () => {
    const U = userModel();
    await U.init();
    await U.createIndexes();
    const names = (await U.collection.listIndexes().toArray()).map((i) => i.name);
    expect(names).toEqual(['_id_', 'email_1']);
    await U.create({ email: 'a@x' });
    const e = await serverError(U.create({ email: 'a@x' }));
    expect(e.code).toBe(11000);
    expect(e.keyValue).toEqual({ email: 'a@x' });
    expect(e.keyPattern).toEqual({ email: 1 });
    expect(e.message).toBe(
      `E11000 duplicate key error collection: ${t.dbName}.${U.collection.collectionName} index: email_1 dup key: { email: "a@x" }`,
    );
  });

  it('syncIndexes drops extra indexes and creates missing ones; diffIndexes reports nothing afterwards', async () => {
    const schema = new Schema(
      { a: { type: Number, index: true }, b: String },
      { autoIndex: false },
    );
    schema.index({ b: 1, a: -1 }, { unique: true });
    const M = t.conn.model(`Sync${++seq}`, schema);
    await M.createCollection();
    await M.collection.createIndex({ stale: 1 });
    const dropped = await M.syncIndexes();
    expect(dropped).toEqual(['stale_1']);
    const names = (await M.collection.listIndexes().toArray()).map((i) => i.name).sort();
    expect(names).toEqual(['_id_', 'a_1', 'b_1_a_-1']);
    expect(await M.diffIndexes()).toEqual({ toDrop: [], toCreate: [] });
    // Idempotent.
    expect(await M.syncIndexes()).toEqual([]);
  });
});

describe('documents', () => {
  it('timestamps: createdAt/updatedAt on create, updatedAt bumps on update, createdAt via $setOnInsert on upsert', async () => {
    const U = userModel();
    const u = await U.create({ email: 't@x' });
    const created = (u as unknown as { createdAt: Date }).createdAt;
    expect(created).toBeInstanceOf(Date);
    await new Promise((r) => setTimeout(r, 5));
    await U.updateOne({ _id: u._id }, { $set: { name: 'T' } });
    const fresh = await U.findById(u._id).lean<{
      createdAt: Date;
      updatedAt: Date;
      name: string;
    }>();
    expect(fresh!.name).toBe('T');
    expect(fresh!.createdAt.getTime()).toBe(created.getTime());
    expect(fresh!.updatedAt.getTime()).toBeGreaterThan(created.getTime());
    const up = await U.findOneAndUpdate(
      { email: 'new@x' },
      { $set: { name: 'N' } },
      { upsert: true, returnDocument: 'after' },
    ).lean<{
      createdAt: Date;
      updatedAt: Date;
      email: string;
    }>();
    expect(up!.email).toBe('new@x');
    expect(up!.createdAt).toBeInstanceOf(Date);
    expect(up!.updatedAt).toBeInstanceOf(Date);
  });

  it('save with array push, pull and splice; __v increments on array changes', async () => {
    const U = userModel();
    const u = await U.create({ email: 's@x', tags: ['a', 'b', 'c'] });
    u.tags.push('d');
    await u.save();
    u.tags.pull('a');
    await u.save();
    u.tags.splice(0, 1);
    await u.save();
    const back = await U.findById(u._id).lean();
    expect(back!.tags).toEqual(['c', 'd']);
    expect((back as unknown as { __v: number }).__v).toBeGreaterThanOrEqual(1);
  });

  it('VersionError on a stale array modification, and with optimisticConcurrency', async () => {
    const U = userModel();
    const created = await U.create({ email: 'v@x', tags: ['a', 'b'] });
    const one = (await U.findById(created._id))!;
    const two = (await U.findById(created._id))!;
    one.tags.pull('a');
    await one.save();
    two.tags.set(1, 'z');
    const e = await serverError(two.save());
    expect((e as unknown as Error).name).toBe('VersionError');

    const O = userModel({ optimisticConcurrency: true });
    const o = await O.create({ email: 'o@x' });
    const a = (await O.findById(o._id))!;
    const b = (await O.findById(o._id))!;
    a.name = 'first';
    await a.save();
    b.name = 'second';
    const e2 = await serverError(b.save());
    expect((e2 as unknown as Error).name).toBe('VersionError');
    expect((await O.findById(o._id).lean())!.name).toBe('first');
  });

  it('populate single and array refs; lean returns plain objects with ObjectIds', async () => {
    const Author = t.conn.model(`Author${++seq}`, new Schema({ name: String }));
    const Book = t.conn.model(
      `Book${++seq}`,
      new Schema({
        title: String,
        author: { type: Schema.Types.ObjectId, ref: Author.modelName },
        coauthors: [{ type: Schema.Types.ObjectId, ref: Author.modelName }],
      }),
    );
    const [a1, a2] = await Author.create([{ name: 'Lesya' }, { name: 'Ivan' }]);
    await Book.create({ title: 'Forest Song', author: a1._id, coauthors: [a2._id, a1._id] });
    const b = await Book.findOne({ title: 'Forest Song' })
      .populate('author')
      .populate('coauthors')
      .lean<{
        author: { name: string };
        coauthors: { name: string }[];
        _id: unknown;
      }>();
    expect(b!.author.name).toBe('Lesya');
    expect(b!.coauthors.map((c) => c.name)).toEqual(['Ivan', 'Lesya']);
    expect(b!._id).toBeInstanceOf(Types.ObjectId);
    expect(b).not.toBeInstanceOf(mongoose.Document);
  });

  it('queries: findOne on unique field, sort/skip/limit/select, countDocuments, estimatedDocumentCount, distinct, Decimal128 ranges', async () => {
    const U = userModel();
    await U.insertMany(
      Array.from({ length: 30 }, (_, i) => ({
        email: `q${i}@x`,
        age: i % 10,
        tags: [`t${i % 3}`],
        balance: new Types.Decimal128(`${i}.5`),
      })),
    );
    expect((await U.findOne({ email: 'q7@x' }).lean())!.age).toBe(7);
    const page = await U.find({ age: { $gte: 5 } })
      .sort({ age: -1, email: 1 })
      .skip(2)
      .limit(3)
      .select('email -_id')
      .lean();
    expect(page).toEqual([{ email: 'q9@x' }, { email: 'q18@x' }, { email: 'q28@x' }]);
    expect(await U.countDocuments({ age: 3 })).toBe(3);
    expect(await U.estimatedDocumentCount()).toBe(30);
    expect((await U.distinct('tags')).sort()).toEqual(['t0', 't1', 't2']);
    expect(await U.countDocuments({ balance: { $gt: 27 as unknown as Types.Decimal128 } })).toBe(3);
  });
});

describe('bulk operations', () => {
  it('insertMany ordered:false reports writeErrors and insertedDocs', async () => {
    const U = userModel();
    await U.init();
    await U.createIndexes();
    const e = await serverError(
      U.insertMany([{ email: 'i1@x' }, { email: 'i1@x' }, { email: 'i2@x' }], { ordered: false }),
    );
    const err = e as unknown as {
      insertedDocs: { email: string }[];
      writeErrors: { index: number; code?: number; err?: { code: number } }[];
    };
    expect(err.insertedDocs.map((d) => d.email)).toEqual(['i1@x', 'i2@x']);
    expect(err.writeErrors).toHaveLength(1);
    expect(err.writeErrors[0].index).toBe(1);
    expect(await U.countDocuments()).toBe(2);
  });

  it('bulkWrite with every operation type reports the counts', async () => {
    const U = userModel();
    await U.insertMany([
      { email: 'b1@x', age: 1 },
      { email: 'b2@x', age: 2 },
      { email: 'b3@x', age: 3 },
    ]);
    const r = await U.bulkWrite([
      { insertOne: { document: { email: 'b4@x', age: 4 } } },
      { updateOne: { filter: { email: 'b1@x' }, update: { $inc: { age: 10 } } } },
      { updateMany: { filter: { age: { $lte: 3 } }, update: { $set: { name: 'small' } } } },
      { replaceOne: { filter: { email: 'b3@x' }, replacement: { email: 'b3@x', age: 33 } } },
      { deleteOne: { filter: { email: 'b4@x' } } },
      { updateOne: { filter: { email: 'b5@x' }, update: { $set: { age: 5 } }, upsert: true } },
      { deleteMany: { filter: { age: 999 } } },
    ]);
    expect(r.insertedCount).toBe(1);
    expect(r.matchedCount).toBe(4);
    expect(r.modifiedCount).toBe(4);
    expect(r.deletedCount).toBe(1);
    expect(r.upsertedCount).toBe(1);
    const all = await U.find().sort({ email: 1 }).lean();
    expect(all.map((d) => [d.email, d.age, d.name ?? null])).toEqual([
      ['b1@x', 11, null],
      ['b2@x', 2, 'small'],
      ['b3@x', 33, null],
      ['b5@x', 5, null],
    ]);
  });
});

describe('transactions through mongoose', () => {
  it('connection.transaction commits; a duplicate key inside rolls everything back', async () => {
    const U = userModel();
    await U.init();
    await U.createIndexes();
    await t.conn.transaction(async (session) => {
      await U.create([{ email: 'tx1@x' }], { session });
      await U.updateOne({ email: 'tx1@x' }, { $set: { name: 'in-txn' } }, { session });
    });
    expect((await U.findOne({ email: 'tx1@x' }).lean())!.name).toBe('in-txn');

    const e = await serverError(
      t.conn.transaction(async (session) => {
        await U.create([{ email: 'tx2@x' }], { session });
        await U.create([{ email: 'tx1@x' }], { session });
      }),
    );
    expect(e.code).toBe(11000);
    expect(await U.countDocuments({ email: 'tx2@x' })).toBe(0);
  });

  it('session.withTransaction with a mongoose model', async () => {
    const U = userModel();
    const session = await t.conn.startSession();
    try {
      await session.withTransaction(async () => {
        await U.create([{ email: 'w1@x' }, { email: 'w2@x' }], { session, ordered: true });
        expect(await U.countDocuments({}).session(session)).toBe(2);
        expect(await U.countDocuments({})).toBe(0);
      });
    } finally {
      await session.endSession();
    }
    expect(await U.countDocuments()).toBe(2);
  });
});

describe('cursors through mongoose', () => {
  it('Model.find().cursor() iterates and close() frees it', async () => {
    const U = userModel();
    await U.insertMany(Array.from({ length: 250 }, (_, i) => ({ email: `c${i}@x`, age: i })));
    let n = 0;
    for await (const doc of U.find().sort({ age: 1 }).cursor({ batchSize: 50 })) {
      expect(doc.age).toBe(n);
      n++;
    }
    expect(n).toBe(250);
    const cursor = U.find().batchSize(10).cursor();
    await cursor.next();
    await cursor.close();
  });
});
