/**
 * The service platform under the conditions production brings: two replicas in one queue
 * group, a NATS crash, a stop while a request is in flight, MongoDB going away, and filters
 * built from hostile input. The users service stands in for all four: every service starts
 * through the same `createServiceApp`.
 */
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Schema } from 'mongoose';
import pino from 'pino';
import { ErrorCode, HEALTH_SUBJECTS, ServiceHealth } from '@spilno/contracts';
import { createLogger, Logger, loadConfig, ServiceConfig } from '@spilno/config';
import { startEmbeddedMongo } from '@spilno/embedded-mongo';
import {
  createServiceApp,
  MONGO_PING_MAX_AGE_MS,
  RpcClient,
  ServiceAppOptions,
} from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
import { AppModule } from '../src/app.module';

// The shared suites start the service with the common config; the users service reads its
// JWT settings from the environment then, as its main.ts does.
process.env.JWT_SECRET ??= 'users-service-tests-secret-at-least-32-chars';

const meta = { requestId: 'platform-e2e', principal: null };

// A subject that exists only in this test, to hold a request in flight during a stop.
const SLOW_SUBJECT = 'users.test.slow.v1';
const SLOW_MS = 400;

@Controller()
class SlowController {
  @MessagePattern(SLOW_SUBJECT)
  async slow(): Promise<{ finished: boolean }> {
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
    return { finished: true };
  }
}

@Module({ imports: [AppModule], controllers: [SlowController] })
class AppWithSlowHandlerModule {}

interface LogLine {
  msg: string;
  subject?: string;
  requestId?: string;
}

/** A logger that keeps its lines, to see which replica handled which request. */
function capturingLogger(lines: LogLine[]): Logger {
  return pino(
    { level: 'debug', base: { service: 'users' } },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
}

function handledIds(lines: LogLine[]): string[] {
  return lines
    .filter((l) => l.msg === 'message handled' && l.subject === HEALTH_SUBJECTS.users)
    .map((l) => l.requestId ?? '');
}

async function untilAnswered<T>(attempt: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('service platform (e2e, real NATS and MongoDB wire server)', () => {
  let nats: TestNatsServer;
  let config: ServiceConfig;
  let client: RpcClient;
  const running = new Set<INestMicroservice>();

  const start = async (overrides: Partial<ServiceAppOptions> = {}) => {
    const app = await createServiceApp({
      service: 'users',
      module: AppModule,
      config,
      logger: createLogger('users', 'silent'),
      ...overrides,
    });
    running.add(app);
    return app;
  };

  const stop = async (app: INestMicroservice) => {
    running.delete(app);
    await app.close();
  };

  const health = (requestId = meta.requestId) =>
    client.send<ServiceHealth>(HEALTH_SUBJECTS.users, {}, { meta: { ...meta, requestId } });

  beforeAll(async () => {
    nats = await startNatsServer();
    const mongo = await testMongo('platform');
    config = loadConfig(ServiceConfig, { NATS_URL: nats.url, MONGODB_URI: mongo.uri });
    client = await RpcClient.connect([nats.url], 'platform-e2e', 1000);
  });

  afterEach(async () => {
    for (const app of [...running]) await stop(app);
  });

  afterAll(async () => {
    await client?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  it('splits requests between two replicas in the queue group, each handled once', async () => {
    const linesA: LogLine[] = [];
    const linesB: LogLine[] = [];
    await start({ logger: capturingLogger(linesA) });
    await start({ logger: capturingLogger(linesB) });
    const ids = Array.from({ length: 60 }, (_, i) => `split-${i}`);

    const answers = await Promise.all(ids.map((id) => health(id)));

    expect(answers.every((h) => h.status === 'ok')).toBe(true);
    const byA = handledIds(linesA);
    const byB = handledIds(linesB);
    expect([...byA, ...byB].sort()).toEqual([...ids].sort());
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);
  });

  it('answers again after nats-server is SIGKILLed and restarted, without its own restart', async () => {
    const app = await start();
    expect((await health()).status).toBe('ok');

    await nats.kill('SIGKILL');
    await expect(health()).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    await nats.start();
    const recovered = Date.now();
    const answer = await untilAnswered(() => health('after-restart'), 10_000);

    expect(answer.status).toBe('ok');
    expect(running.has(app)).toBe(true);
    expect(Date.now() - recovered).toBeLessThan(10_000);
  });

  it('finishes an in-flight request when stopped, then takes no more', async () => {
    const app = await start({ module: AppWithSlowHandlerModule });
    const slow = client.send<{ finished: boolean }>(SLOW_SUBJECT, {}, { meta, timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const stopped = stop(app);

    await expect(slow).resolves.toEqual({ finished: true });
    await stopped;
    await expect(health()).rejects.toMatchObject({ code: ErrorCode.Unavailable });
  });

  it('reports degraded, naming MongoDB, when its database goes away', async () => {
    const own = await startEmbeddedMongo({ port: 0 });
    await start({
      config: loadConfig(ServiceConfig, { NATS_URL: nats.url, MONGODB_URI: own.uri }),
    });
    expect((await health()).status).toBe('ok');

    await own.stop();
    // A ping answers for MONGO_PING_MAX_AGE_MS; the next check after that pings again.
    await new Promise((r) => setTimeout(r, MONGO_PING_MAX_AGE_MS + 50));
    const answer = await health();

    expect(answer.status).toBe('degraded');
    expect(answer.dependencies).toEqual([
      { name: 'mongodb', ok: false, detail: expect.any(String) },
    ]);
  });

  it('keeps operators and unknown keys from input out of MongoDB filters', async () => {
    const app = await start();
    const connection = app.get<Connection>(getConnectionToken());
    const Probe = connection.model(
      'PlatformProbe',
      new Schema({ email: String, role: String }),
      'platform_probes',
    );
    await Probe.create([
      { email: 'a@example.org', role: 'admin' },
      { email: 'b@example.org', role: 'citizen' },
    ]);
    // What a handler would build from a JSON body it did not validate.
    const hostile = JSON.parse('{"email":{"$ne":null}}') as Record<string, unknown>;

    const injected = Probe.find(hostile).lean();
    const unknownKey = await Probe.find({ role: 'admin', isDeleted: false }).lean();

    // sanitizeFilter makes the operator a literal value, which a string path cannot hold.
    await expect(injected).rejects.toMatchObject({ name: 'CastError' });
    // strictQuery drops the undeclared key instead of matching nothing (or everything).
    expect(unknownKey.map((p) => p.email)).toEqual(['a@example.org']);
  });
});
