import { NatsConnection, nanos } from 'nats';
import { EVENTS_STREAM } from '@spilno/contracts';
import { EVENT_STREAM_DEFAULTS, ensureEventStream } from '../src';
import { connectNats, startNatsServer, TestNatsServer } from './support';

describe('ensureEventStream (real NATS)', () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats(nats.url);
  });

  afterAll(async () => {
    await nc.close();
    await nats.stop();
  });

  it('creates the stream with file storage, evt.> and a 2-minute duplicate window', async () => {
    const info = await ensureEventStream(nc);

    expect(info.config).toMatchObject({
      name: EVENTS_STREAM,
      subjects: ['evt.>'],
      storage: 'file',
      duplicate_window: nanos(2 * 60 * 1000),
      max_age: nanos(EVENT_STREAM_DEFAULTS.maxAgeMs),
    });
  });

  it('is idempotent, also when processes race to create it', async () => {
    const infos = await Promise.all([
      ensureEventStream(nc),
      ensureEventStream(nc),
      ensureEventStream(nc),
    ]);
    const again = await ensureEventStream(nc);

    for (const info of [...infos, again]) expect(info.config).toEqual(infos[0].config);
    const jsm = await nc.jetstreamManager();
    const names = await jsm.streams.names().next();
    expect(names).toEqual([EVENTS_STREAM]);
  });

  it('keeps the messages and brings a drifted setting back', async () => {
    const js = nc.jetstream();
    await js.publish('evt.users.user.registered.v1', new Uint8Array(), { msgID: 'kept' });
    const jsm = await nc.jetstreamManager();
    const drifted = await jsm.streams.info(EVENTS_STREAM);
    await jsm.streams.update(EVENTS_STREAM, { ...drifted.config, max_age: nanos(10 * 60_000) });

    const info = await ensureEventStream(nc);

    expect(info.config.max_age).toBe(nanos(EVENT_STREAM_DEFAULTS.maxAgeMs));
    expect(info.state.messages).toBe(1);
  });
});
