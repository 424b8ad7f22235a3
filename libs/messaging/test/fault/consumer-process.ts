/**
 * The fault test's consumer, in its own process so the test can SIGKILL it mid-batch: it
 * applies each `evt.fault.>` event by incrementing a per-event counter in its own database.
 * With PAUSE_AFTER=n it stops dead after its n-th applied event has committed and before its
 * ack, prints `paused`, and waits there to be killed (the crash that redelivery must survive;
 * a kill inside an open transaction would instead hold that event for MongoDB's 60 s
 * transaction lifetime). SIGTERM stops it cleanly and prints its stats as one JSON line.
 */
import mongoose from 'mongoose';
import { connect } from 'nats';
import { createLogger } from '@spilno/config';
import { EventConsumer, natsConnectionOptions } from '../../src';

async function main(): Promise<void> {
  const natsUrl = required('NATS_URL');
  const db = await mongoose.createConnection(required('MONGODB_URI')).asPromise();
  const nc = await connect(natsConnectionOptions([natsUrl], 'fault-consumer'));
  const pauseAfter = Number(process.env.PAUSE_AFTER ?? 0);
  const effects = db.collection<{ _id: string; applied: number }>('effects');
  const consumer = new EventConsumer(nc, db, {
    durable: 'fault-effects',
    filterSubject: 'evt.fault.>',
    logger: createLogger('fault-consumer', 'silent'),
    ackWaitMs: Number(process.env.ACK_WAIT_MS ?? 2000),
    fetchExpiresMs: 1000,
    batchSize: 100,
    reconnectBackoff: { initialMs: 50, maxMs: 500 },
    afterCommit: async (_event, applied) => {
      if (applied && consumer.stats.applied === pauseAfter) {
        process.stdout.write('paused\n');
        await new Promise(() => undefined);
      }
    },
    handler: async (event, session) => {
      await effects.updateOne(
        { _id: event.id },
        { $inc: { applied: 1 } },
        { upsert: true, session },
      );
    },
  });
  await consumer.start();
  process.stdout.write('ready\n');
  // Progress for the test's figures, also from a process it kills.
  setInterval(() => process.stdout.write(`${JSON.stringify(consumer.stats)}\n`), 200).unref();
  process.once('SIGTERM', () => {
    void (async () => {
      await consumer.stop();
      process.stdout.write(`${JSON.stringify(consumer.stats)}\n`);
      await nc.close();
      await db.close();
      process.exit(0);
    })();
  });
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

main().catch((e: unknown) => {
  process.stderr.write(`fault consumer failed: ${String(e)}\n`);
  process.exit(1);
});
