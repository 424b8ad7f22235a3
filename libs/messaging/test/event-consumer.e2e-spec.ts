import { Connection, Model, Schema } from 'mongoose';
import { NatsConnection, StringCodec } from 'nats';
import { EVENTS_STREAM, EventEnvelope } from '@spilno/contracts';
import {
  EventConsumer,
  EventConsumerOptions,
  EventHandler,
  deadLetterModel,
  ensureEventStream,
  newEvent,
  processedEventModel,
} from '../src';
import {
  connectMongo,
  connectNats,
  loseStreamTail,
  quietLogger,
  startNatsServer,
  stopTestMongo,
  TestNatsServer,
  waitFor,
} from './support';

const sc = StringCodec();
const SUBJECT = 'evt.initiatives.task.opened.v1';

interface Effect {
  _id: string;
  applied: number;
}

describe('EventConsumer (real NATS, embedded MongoDB)', () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;
  let db: Connection;
  let effects: Model<Effect>;
  const consumers: EventConsumer[] = [];

  beforeEach(async () => {
    nats = await startNatsServer();
    nc = await connectNats(nats.url);
    db = await connectMongo('consumer');
    effects = db.model<Effect>(
      'Effect',
      new Schema<Effect>({ _id: String, applied: Number }, { versionKey: false }),
      'effects',
    );
    await ensureEventStream(nc);
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await nc.close();
    await db.close();
    await nats.stop();
  });

  afterAll(stopTestMongo);

  /** The effect under test: one increment per application, written in the consumer's transaction. */
  const countEffect: EventHandler = async (event, session) => {
    await effects.updateOne({ _id: event.id }, { $inc: { applied: 1 } }, { upsert: true, session });
  };

  async function startConsumer(
    overrides: Partial<EventConsumerOptions> = {},
  ): Promise<EventConsumer> {
    const consumer = new EventConsumer(nc, db, {
      durable: 'matching-tasks',
      filterSubject: 'evt.initiatives.>',
      handler: countEffect,
      logger: quietLogger,
      fetchExpiresMs: 1000,
      reconnectBackoff: { initialMs: 50, maxMs: 300 },
      ...overrides,
    });
    consumers.push(consumer);
    await consumer.start();
    return consumer;
  }

  /** Publishes with its own msg id, as a re-publish after the duplicate window would. */
  async function publish(event: EventEnvelope, msgID = event.id): Promise<void> {
    await nc.jetstream().publish(event.type, sc.encode(JSON.stringify(event)), { msgID });
  }

  const applied = async (id: string) => (await effects.findById(id).lean())?.applied ?? 0;

  it('applies an event and remembers its id', async () => {
    const consumer = await startConsumer();
    const event = newEvent(SUBJECT, 'initiatives', { taskId: 't1' });

    await publish(event);
    await waitFor(() => consumer.stats.applied === 1, 5000, 'applied');

    expect(await applied(event.id)).toBe(1);
    const remembered = await processedEventModel(db).findById(`matching-tasks:${event.id}`).lean();
    expect(remembered).toMatchObject({
      eventId: event.id,
      consumer: 'matching-tasks',
      subject: SUBJECT,
    });
  });

  it('applies an event delivered twice only once', async () => {
    const consumer = await startConsumer();
    const event = newEvent(SUBJECT, 'initiatives', { taskId: 't2' });

    await publish(event);
    await publish(event, `${event.id}-again`);
    await waitFor(
      () => consumer.stats.applied + consumer.stats.skipped === 2,
      5000,
      'both deliveries',
    );

    expect(consumer.stats).toMatchObject({ applied: 1, skipped: 1 });
    expect(await applied(event.id)).toBe(1);
  });

  it('ignores events outside its filter subject', async () => {
    const consumer = await startConsumer();
    await publish(newEvent('evt.users.user.registered.v1', 'users', {}));
    const wanted = newEvent(SUBJECT, 'initiatives', {});
    await publish(wanted);

    await waitFor(() => consumer.stats.applied === 1, 5000, 'applied');
    expect(await effects.countDocuments()).toBe(1);
    expect(await applied(wanted.id)).toBe(1);
  });

  it('retries a failing event, then dead-letters it and keeps consuming', async () => {
    const poison = newEvent(SUBJECT, 'initiatives', { poison: true });
    const consumer = await startConsumer({
      maxDeliveries: 3,
      retryDelay: { initialMs: 50, maxMs: 100 },
      handler: async (event, session) => {
        if ((event.data as { poison?: boolean }).poison) throw new Error('cannot apply');
        await countEffect(event, session);
      },
    });

    await publish(poison);
    const good = newEvent(SUBJECT, 'initiatives', {});
    await publish(good);
    await waitFor(() => consumer.stats.deadLettered === 1, 10_000, 'dead-lettered');
    await waitFor(() => consumer.stats.applied === 1, 5000, 'the next event applied');

    expect(consumer.stats.retried).toBe(2);
    const letter = await deadLetterModel(db).findById(`matching-tasks:${poison.id}`).lean();
    expect(letter).toMatchObject({
      eventId: poison.id,
      subject: SUBJECT,
      deliveries: 3,
      error: { name: 'Error', message: 'cannot apply' },
      envelope: { id: poison.id, data: { poison: true } },
    });
    // The failed attempts left no effect and no processed id behind.
    expect(await applied(poison.id)).toBe(0);
    expect(await processedEventModel(db).countDocuments({ eventId: poison.id })).toBe(0);
  });

  it('dead-letters a message that is not an event envelope', async () => {
    const consumer = await startConsumer();
    await nc.jetstream().publish(SUBJECT, sc.encode('not json'), { msgID: 'garbage' });

    await waitFor(() => consumer.stats.deadLettered === 1, 5000, 'dead-lettered');
    const [letter] = await deadLetterModel(db).find({ consumer: 'matching-tasks' }).lean();
    expect(letter).toMatchObject({ eventId: null, envelope: { raw: 'not json' }, deliveries: 1 });
  });

  it('resumes after its own restart where it left off', async () => {
    const first = await startConsumer();
    const early = [newEvent(SUBJECT, 'initiatives', {}), newEvent(SUBJECT, 'initiatives', {})];
    for (const e of early) await publish(e);
    await waitFor(() => first.stats.applied === 2, 5000, 'first consumer applied');
    await first.stop();

    const late = [newEvent(SUBJECT, 'initiatives', {}), newEvent(SUBJECT, 'initiatives', {})];
    for (const e of late) await publish(e);
    const second = await startConsumer();
    await waitFor(() => second.stats.applied === 2, 5000, 'second consumer applied');

    expect(second.stats.skipped).toBe(0);
    for (const e of [...early, ...late]) expect(await applied(e.id)).toBe(1);
  });

  it('keeps consuming across a NATS restart', async () => {
    const consumer = await startConsumer();
    const before = newEvent(SUBJECT, 'initiatives', {});
    await publish(before);
    await waitFor(() => consumer.stats.applied === 1, 5000, 'applied before');

    await nats.kill();
    await nats.start();
    const after = newEvent(SUBJECT, 'initiatives', {});
    await waitFor(
      () =>
        publish(after).then(
          () => true,
          () => false,
        ),
      10_000,
      'publish after restart',
    );
    await waitFor(() => consumer.stats.applied === 2, 10_000, 'applied after');

    expect(await applied(after.id)).toBe(1);
  });

  it('re-reads after a server restart that lost acknowledged events and reused their numbers', async () => {
    const consumer = await startConsumer();
    const events = Array.from({ length: 20 }, (_, i) => newEvent(SUBJECT, 'initiatives', { i }));
    for (const e of events) await publish(e);
    await waitFor(() => consumer.stats.applied === 20, 5000, 'applied');
    const jsm = await nc.jetstreamManager();
    await waitFor(
      async () =>
        (await jsm.consumers.info(EVENTS_STREAM, 'matching-tasks')).ack_floor.stream_seq === 20,
      5000,
      'acks stored',
    );

    // The server loses messages 16-20, then another producer's event gets number 16, which the
    // consumer's stored position (20) says it has delivered already.
    await nats.kill();
    loseStreamTail(nats.storeDir, events[15].id);
    await nats.start();
    const next = newEvent(SUBJECT, 'initiatives', { after: 'restart' });
    await waitFor(
      () =>
        publish(next).then(
          () => true,
          () => false,
        ),
      10_000,
      'publish after restart',
    );

    await waitFor(() => consumer.stats.applied === 21, 10_000, 'the renumbered event applied');
    expect(consumer.stats.rewinds).toBe(1);
    expect(await applied(next.id)).toBe(1);
    for (const e of events) expect(await applied(e.id)).toBe(1);
  });
});
