/**
 * Readiness, the per-service health proxy, and surviving a NATS restart, against a real
 * nats-server and fake services answering their health subjects.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { HEALTH_SUBJECTS, SERVICE_NAMES, ServiceHealth, ServiceName } from '@spilno/contracts';
import { startNatsServer, TestNatsServer } from '@spilno/testing';
import { createGatewayApp } from '../src/app';
import { eventually, FakeService, testConfig } from './support';

function healthy(service: ServiceName): ServiceHealth {
  return {
    service,
    status: 'ok',
    version: '0.1.0',
    uptimeSeconds: 12,
    dependencies: [{ name: 'mongodb', ok: true }],
  };
}

describe('gateway health', () => {
  let nats: TestNatsServer;
  let services: FakeService;
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  const answerHealth = (name: ServiceName, health: ServiceHealth = healthy(name)) =>
    services.answer(HEALTH_SUBJECTS[name], () => ({ response: health }));

  beforeAll(async () => {
    nats = await startNatsServer();
    services = await FakeService.start(nats.url);
    app = await createGatewayApp(testConfig(nats.url, { HEALTH_TIMEOUT_MS: '300' }));
    http = request(app.getHttpServer());
  });

  beforeEach(async () => {
    for (const name of SERVICE_NAMES) answerHealth(name);
    await services.flush();
  });

  afterAll(async () => {
    await app?.close();
    await services?.close();
    await nats?.stop();
  });

  it('/health/live answers 200 while the process runs', async () => {
    const res = await http.get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/health/ready answers 200 when NATS and all four services are up', async () => {
    const res = await http.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: {
        nats: { status: 'up' },
        users: { status: 'up' },
        initiatives: { status: 'up' },
        matching: { status: 'up' },
        donations: { status: 'up' },
      },
    });
  });

  it('/health/ready answers 503 naming the service that does not answer, within its timeout', async () => {
    services.stopAnswering(HEALTH_SUBJECTS.matching);
    services.ignore(HEALTH_SUBJECTS.donations);
    await services.flush();
    const started = performance.now();
    const res = await http.get('/health/ready');
    expect(performance.now() - started).toBeLessThan(400);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toMatchObject({
      type: 'urn:spilno:problem:unavailable',
      status: 503,
      detail: 'not ready: matching, donations are down',
      checks: {
        nats: { status: 'up' },
        users: { status: 'up' },
        matching: { status: 'down', detail: 'the matching service has no running instance' },
        donations: { status: 'down', detail: 'the donations service did not answer within 300 ms' },
      },
    });
  });

  it('/health/ready counts a degraded service as down, naming its failing dependency', async () => {
    answerHealth('users', {
      ...healthy('users'),
      status: 'degraded',
      dependencies: [{ name: 'mongodb', ok: false }],
    });
    await services.flush();
    const res = await http.get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.checks.users).toEqual({ status: 'down', detail: 'degraded: mongodb failing' });
  });

  it("/health/services/:name proxies one service's answer", async () => {
    const res = await http.get('/health/services/initiatives');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(healthy('initiatives'));
  });

  it('/health/services/:name is 404 for an unknown service, 503 for a silent one', async () => {
    const unknown = await http.get('/health/services/payments');
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toBe('urn:spilno:problem:not_found');
    services.stopAnswering(HEALTH_SUBJECTS.users);
    await services.flush();
    const silent = await http.get('/health/services/users');
    expect(silent.status).toBe(503);
    expect(silent.headers['retry-after']).toBe('1');
  });

  it('survives a NATS restart without restarting the gateway', async () => {
    await nats.kill('SIGKILL');

    // While NATS is down: fast 503s, not hangs.
    const ready = await eventually(
      () => http.get('/health/ready'),
      (res) => res.body?.checks?.nats?.status === 'down',
      5_000,
    );
    expect(ready.status).toBe(503);
    expect(ready.body.checks.nats).toEqual({ status: 'down', detail: 'not connected' });
    const started = performance.now();
    const during = await http.get('/health/services/users');
    expect(during.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(400);

    await nats.start();
    const after = await eventually(
      () => http.get('/health/ready'),
      (res) => res.status === 200,
      10_000,
    );
    expect(after.status).toBe(200);
    const proxied = await http.get('/health/services/users');
    expect(proxied.status).toBe(200);
    expect(proxied.body).toEqual(healthy('users'));
  });
});
