/**
 * Snapshot reads through indexes: a transaction's indexed query sees the documents as they were
 * at its snapshot, even when other clients move them in or out of the queried range, or insert
 * and delete, after the snapshot was taken.
 */
import { setupSuite } from './harness';
import type { Doc } from './harness';

const t = setupSuite(__filename);

const tasks = () => t.db.collection<Doc>('tasks');

beforeAll(async () => {
  await tasks().createIndex({ status: 1, startsAt: 1 });
  await tasks().insertMany(
    Array.from({ length: 50 }, (_, i) => ({
      _id: i,
      status: i % 2 === 0 ? 'open' : 'closed',
      startsAt: i,
    })),
  );
});

it('an indexed query inside a transaction reads its snapshot, not later commits', async () => {
  const session = t.client.startSession();
  try {
    session.startTransaction();
    const before = await tasks()
      .find({ status: 'open', startsAt: { $gte: 10, $lt: 20 } }, { session })
      .sort({ startsAt: 1 })
      .toArray();
    expect(before.map((d) => d._id)).toEqual([10, 12, 14, 16, 18]);

    // Outside the transaction: move one out of the range, one in, delete one, insert one.
    await tasks().updateOne({ _id: 12 }, { $set: { status: 'closed' } });
    await tasks().updateOne({ _id: 11 }, { $set: { status: 'open' } });
    await tasks().deleteOne({ _id: 14 });
    await tasks().insertOne({ _id: 100, status: 'open', startsAt: 15 });

    const again = await tasks()
      .find({ status: 'open', startsAt: { $gte: 10, $lt: 20 } }, { session })
      .sort({ startsAt: 1 })
      .toArray();
    expect(again.map((d) => d._id)).toEqual([10, 12, 14, 16, 18]);

    // The transaction's own write is visible to it, through the same index.
    await tasks().updateOne({ _id: 16 }, { $set: { status: 'closed' } }, { session });
    const own = await tasks()
      .find({ status: 'open', startsAt: { $gte: 10, $lt: 20 } }, { session })
      .toArray();
    expect(own.map((d) => d._id).sort((a, b) => Number(a) - Number(b))).toEqual([10, 12, 14, 18]);
    await session.commitTransaction();
  } finally {
    await session.endSession();
  }
  const after = await tasks()
    .find({ status: 'open', startsAt: { $gte: 10, $lt: 20 } })
    .sort({ startsAt: 1 })
    .toArray();
  expect(after.map((d) => d._id)).toEqual([10, 11, 100, 18]);
});
