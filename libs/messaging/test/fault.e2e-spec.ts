/**
 * The messaging guarantee under faults: 3,000 events, each committed with its state change
 * through the outbox, relayed to JetStream while nats-server is SIGKILLed and restarted over and
 * over, and applied by a consumer process that is itself SIGKILLed mid-batch. At the end every
 * event was applied exactly once: none lost, none twice.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import mongoose, { Connection } from 'mongoose';
import { NatsConnection } from 'nats';
import { EVENTS_STREAM } from '@spilno/contracts';
import { Outbox, OutboxRelay, ensureEventStream, newEvent, withTransaction } from '../src';
import {
  connectMongo,
  connectNats,
  quietLogger,
  startNatsServer,
  stopTestMongo,
  testMongo,
  TestNatsServer,
  waitFor,
} from './support';

const EVENTS = 3000;
const PER_TRANSACTION = 10;
const NATS_KILLS = 8;
// Events each consumer process applies before it is SIGKILLed between a commit and its ack.
const CONSUMER_KILLS_AFTER = [800, 1000];
const WORKSPACE = path.resolve(__dirname, '../../..');

jest.setTimeout(90_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fault test: NATS and consumer crashes lose nothing and apply nothing twice', () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;
  let producerDb: Connection;
  let consumerDb: Connection;
  let consumerUri: string;
  let relay: OutboxRelay;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats(nats.url, 'fault-relay');
    await ensureEventStream(nc);
    producerDb = await connectMongo('fault_producer');
    consumerUri = (await testMongo('fault_consumer')).uri;
    consumerDb = await mongoose.createConnection(consumerUri).asPromise();
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await relay?.stop();
    await nc?.close();
    await producerDb?.close();
    await consumerDb?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  /** Starts the consumer process; resolves once it consumes, with a promise of its pause. */
  async function startConsumerProcess(
    pauseAfter = 0,
  ): Promise<{ proc: ChildProcess; paused: Promise<void> | null }> {
    const proc = spawn(
      process.execPath,
      ['-r', '@swc-node/register', path.join(__dirname, 'fault/consumer-process.ts')],
      {
        cwd: WORKSPACE,
        env: {
          ...process.env,
          SWC_NODE_PROJECT: path.join(WORKSPACE, 'tsconfig.base.json'),
          NATS_URL: nats.url,
          MONGODB_URI: consumerUri,
          ACK_WAIT_MS: '2000',
          PAUSE_AFTER: String(pauseAfter),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    child = proc;
    const lines: string[] = [];
    const waiters: { line: string; resolve: () => void }[] = [];
    let buffer = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        for (const w of waiters.filter((w) => w.line === line)) w.resolve();
      }
    });
    const lineSeen = (line: string) =>
      new Promise<void>((resolve, reject) => {
        if (lines.includes(line)) return resolve();
        waiters.push({ line, resolve });
        proc.once('exit', (code) =>
          reject(new Error(`consumer exited (${code}) before "${line}"`)),
        );
      });
    outputs.set(proc, lines);
    await lineSeen('ready');
    return { proc, paused: pauseAfter > 0 ? lineSeen('paused') : null };
  }

  const outputs = new Map<ChildProcess, string[]>();

  async function killConsumerProcess(proc: ChildProcess): Promise<void> {
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  }

  async function stopConsumerProcess(proc: ChildProcess): Promise<void> {
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }

  /** The consumer processes' stats summed, from the last stats line each printed. */
  function consumerTotals(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const lines of outputs.values()) {
      const last = lines.filter((l) => l.startsWith('{')).pop();
      for (const [k, v] of Object.entries(JSON.parse(last ?? '{}') as Record<string, number>)) {
        totals[k] = (totals[k] ?? 0) + v;
      }
    }
    return totals;
  }

  it('delivers 3,000 events exactly once through 8 NATS kills and consumer kills', async () => {
    const started = Date.now();
    const outbox = new Outbox(producerDb);
    const states = producerDb.collection<{ _id: number; changes: number }>('states');
    const processed = consumerDb.collection('processed_events');
    const effects = consumerDb.collection<{ _id: string; applied: number }>('effects');
    relay = new OutboxRelay(outbox, nc, {
      logger: quietLogger,
      publishTimeoutMs: 1000,
      backoff: { initialMs: 50, maxMs: 500 },
    });
    await relay.start();

    // The producer: each transaction changes per-event state and adds the events to the outbox.
    const producedIds: string[] = [];
    const producing = (async () => {
      for (let i = 0; i < EVENTS; i += PER_TRANSACTION) {
        const events = Array.from({ length: PER_TRANSACTION }, (_, k) =>
          newEvent('evt.fault.thing.changed.v1', 'initiatives', { n: i + k }),
        );
        await withTransaction(producerDb, async (session) => {
          for (const [k] of events.entries()) {
            await states.updateOne(
              { _id: i + k },
              { $inc: { changes: 1 } },
              { upsert: true, session },
            );
          }
          await outbox.add(events, session);
        });
        producedIds.push(...events.map((e) => e.id));
        await sleep(20);
      }
    })();

    // NATS crashes, spread over the run, while the producer and relay work.
    let natsKills = 0;
    const crashing = (async () => {
      while (natsKills < NATS_KILLS) {
        await sleep(700 + Math.random() * 600);
        await nats.kill('SIGKILL');
        natsKills++;
        await sleep(100 + Math.random() * 300);
        await nats.start();
      }
    })();

    // Consumer crashes mid-batch (after a commit, before its ack), each followed by a restart.
    let consumerKills = 0;
    for (const pauseAfter of CONSUMER_KILLS_AFTER) {
      const { proc, paused } = await startConsumerProcess(pauseAfter);
      await paused;
      await killConsumerProcess(proc);
      consumerKills++;
    }
    const { proc } = await startConsumerProcess();

    await Promise.all([producing, crashing]);
    await waitFor(
      async () => (await outbox.model.countDocuments({ publishedAt: null })) === 0,
      30_000,
      'the relay to publish every record',
    );
    await waitFor(
      async () => (await processed.countDocuments()) === EVENTS,
      30_000,
      'the consumer to apply every event',
    );
    await stopConsumerProcess(proc);
    child = null;

    // Nothing lost: every produced event was remembered and its effect applied.
    const processedIds = (await processed.find({}, { projection: { eventId: 1 } }).toArray()).map(
      (d) => d.eventId as string,
    );
    expect(new Set(processedIds)).toEqual(new Set(producedIds));
    expect(producedIds).toHaveLength(EVENTS);
    // Nothing applied twice: one increment per event, on both sides.
    const appliedCounts = await effects.find().toArray();
    expect(appliedCounts).toHaveLength(EVENTS);
    const twice = appliedCounts.filter((e) => e.applied !== 1);
    expect(twice).toEqual([]);
    expect(await states.countDocuments({ changes: { $ne: 1 } })).toBe(0);
    expect(await states.countDocuments()).toBe(EVENTS);
    // The relay marked every record, and nothing was dead-lettered.
    expect(await outbox.model.countDocuments({ publishedAt: { $ne: null } })).toBe(EVENTS);
    expect(await consumerDb.collection('dead_letters').countDocuments()).toBe(0);
    expect(natsKills).toBeGreaterThanOrEqual(NATS_KILLS);
    expect(consumerKills).toBe(CONSUMER_KILLS_AFTER.length);

    const stream = await (await nc.jetstreamManager()).streams.info(EVENTS_STREAM);
    process.stdout.write(
      `fault test: ${EVENTS} events, ${natsKills} NATS kills, ${consumerKills} consumer kills, ` +
        `lost 0, applied twice 0, stream holds ${stream.state.messages} messages, ` +
        `relay ${JSON.stringify(relay.stats)}, consumers ${JSON.stringify(consumerTotals())}, ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  });
});
