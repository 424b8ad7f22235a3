import { Connection } from 'mongoose';
import { NatsConnection, StringCodec } from 'nats';
import { EVENTS_STREAM } from '@spilno/contracts';
import { Outbox, OutboxRelay, ensureEventStream, newEvent, withTransaction } from '../src';
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

describe('OutboxRelay (real NATS, embedded MongoDB)', () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;
  let db: Connection;
  let outbox: Outbox;
  let relay: OutboxRelay;

  beforeEach(async () => {
    nats = await startNatsServer();
    nc = await connectNats(nats.url);
    db = await connectMongo('relay');
    outbox = new Outbox(db);
    await ensureEventStream(nc);
  });

  afterAll(stopTestMongo);

  afterEach(async () => {
    await relay?.stop();
    await nc.close();
    await db.close();
    await nats.stop();
  });

  async function addEvents(count: number, label: string): Promise<string[]> {
    const events = Array.from({ length: count }, (_, i) =>
      newEvent('evt.users.user.registered.v1', 'users', { label, i }),
    );
    await withTransaction(db, (session) => outbox.add(events, session));
    return events.map((e) => e.id);
  }

  async function streamIds(): Promise<string[]> {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(EVENTS_STREAM);
    const ids: string[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(EVENTS_STREAM, { seq });
      ids.push(m.header.get('Nats-Msg-Id'));
    }
    return ids;
  }

  it('publishes committed records in order with Nats-Msg-Id = event id and marks them', async () => {
    const ids = await addEvents(120, 'a');
    relay = new OutboxRelay(outbox, nc, { logger: quietLogger, batchSize: 50 });
    await relay.start();

    await waitFor(
      async () => (await outbox.model.countDocuments({ publishedAt: null })) === 0,
      10_000,
      'all published',
    );

    expect(await streamIds()).toEqual(ids);
    const jsm = await nc.jetstreamManager();
    const first = await jsm.streams.getMessage(EVENTS_STREAM, { seq: 1 });
    expect(JSON.parse(sc.decode(first.data))).toMatchObject({ id: ids[0], source: 'users' });
    expect(relay.stats).toMatchObject({ published: 120, recovered: 0 });
  });

  it('is woken by a commit instead of waiting for its poll', async () => {
    relay = new OutboxRelay(outbox, nc, { logger: quietLogger, pollIntervalMs: 60_000 });
    await relay.start();
    await waitFor(() => relay.stats.published === 0, 1000, 'relay idle');
    await new Promise((r) => setTimeout(r, 200));

    const started = Date.now();
    await addEvents(1, 'wake');
    await waitFor(() => relay.stats.published === 1, 5000, 'published');

    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('does not write a record whose transaction aborts', async () => {
    await expect(
      withTransaction(db, async (session) => {
        await outbox.add(newEvent('evt.users.user.registered.v1', 'users', {}), session);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');

    expect(await outbox.model.countDocuments()).toBe(0);
  });

  it('refuses to add records outside a transaction', async () => {
    const session = await db.startSession();
    try {
      await expect(
        outbox.add(newEvent('evt.users.user.registered.v1', 'users', {}), session),
      ).rejects.toThrow(/transaction/);
    } finally {
      await session.endSession();
    }
  });

  it('keeps retrying while NATS is down, then publishes everything in order', async () => {
    relay = new OutboxRelay(outbox, nc, {
      logger: quietLogger,
      publishTimeoutMs: 500,
      backoff: { initialMs: 50, maxMs: 300 },
    });
    await relay.start();
    const before = await addEvents(10, 'before');
    await waitFor(() => relay.stats.published === 10, 5000, 'first batch');

    await nats.kill();
    const during = await addEvents(30, 'during');
    await waitFor(() => relay.stats.failures >= 2, 5000, 'failed attempts');
    expect(await outbox.model.countDocuments({ publishedAt: null })).toBe(30);
    const failed = await outbox.model.findById(during[0]).lean();
    expect(failed?.attempts).toBeGreaterThanOrEqual(1);
    expect(failed?.lastError).toBeTruthy();

    await nats.start();
    await waitFor(
      async () => (await outbox.model.countDocuments({ publishedAt: null })) === 0,
      15_000,
      'all published',
    );

    // The stream kept (or got back, via the re-publish) every event, once, in outbox order.
    expect(await streamIds()).toEqual([...before, ...during]);
    expect((await outbox.model.findById(during[0]).lean())?.lastError).toBeUndefined();
  });

  it('re-publishes, after a NATS restart, events the stream lost although it had acknowledged them', async () => {
    relay = new OutboxRelay(outbox, nc, {
      logger: quietLogger,
      backoff: { initialMs: 50, maxMs: 300 },
    });
    await relay.start();
    const ids = await addEvents(20, 'acked');
    await waitFor(() => relay.stats.published === 20, 5000, 'published');

    // A crash that lost the last 5 acknowledged messages (not yet on disk at the kill): the
    // message block is cut inside message 16, as a torn write would leave it.
    await nats.kill();
    loseStreamTail(nats.storeDir, ids[15]);
    await nats.start();
    await waitFor(() => relay.stats.recovered === 5, 10_000, 'lost events re-published');

    // The 15 survivors were de-duplicated by msg id; the 5 lost ones are back, in order.
    expect(await streamIds()).toEqual(ids);
    expect(relay.stats.duplicates).toBe(15);
  });

  it('lets only one of two replicas publish, and the other take over when it stops', async () => {
    const ids = await addEvents(40, 'replicas');
    relay = new OutboxRelay(outbox, nc, { logger: quietLogger, batchSize: 10 });
    const other = new OutboxRelay(new Outbox(db), nc, { logger: quietLogger, pollIntervalMs: 100 });
    await relay.start();
    await other.start();
    await waitFor(
      async () => (await outbox.model.countDocuments({ publishedAt: null })) === 0,
      10_000,
      'all published',
    );
    expect(other.stats.published).toBe(0);

    await relay.stop();
    const more = await addEvents(5, 'after handover');
    await waitFor(() => other.stats.published === 5, 10_000, 'the other replica publishes');
    await other.stop();

    expect(await streamIds()).toEqual([...ids, ...more]);
  });
});
