/**
 * The per-IP token bucket, through the real app (Fastify inject sets the client address).
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startNatsServer, TestNatsServer } from '@spilno/testing';
import { createGatewayApp } from '../src/app';
import { testConfig } from './support';

describe('gateway rate limiting', () => {
  let nats: TestNatsServer;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    nats = await startNatsServer();
    app = await createGatewayApp(
      testConfig(nats.url, { RATE_LIMIT_BURST: '3', RATE_LIMIT_PER_MINUTE: '30' }),
    );
  });

  afterAll(async () => {
    await app?.close();
    await nats?.stop();
  });

  const get = (url: string, remoteAddress: string) =>
    app.inject({ method: 'GET', url, remoteAddress });

  it('answers 429 with Retry-After once an address spends its burst', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('/api/docs-json', '10.0.0.1')).statusCode);
    expect(statuses).toEqual([200, 200, 200]);

    const limited = await get('/api/docs-json', '10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.headers['retry-after']).toBe('2');
    expect(limited.headers['x-request-id']).toBeTruthy();
    expect(limited.json()).toMatchObject({
      type: 'urn:spilno:problem:rate_limited',
      status: 429,
      instance: '/api/docs-json',
    });
  });

  it('limits unknown routes too, and keeps other addresses unaffected', async () => {
    for (let i = 0; i < 3; i++) await get('/api/v1/nothing', '10.0.0.2');
    expect((await get('/api/v1/nothing', '10.0.0.2')).statusCode).toBe(429);
    expect((await get('/api/docs-json', '10.0.0.3')).statusCode).toBe(200);
  });

  it('never limits health and metrics', async () => {
    for (let i = 0; i < 3; i++) await get('/api/docs-json', '10.0.0.4');
    for (const url of ['/health/live', '/metrics', '/health/live', '/metrics']) {
      expect((await get(url, '10.0.0.4')).statusCode).toBe(200);
    }
    expect((await get('/api/docs-json', '10.0.0.4')).statusCode).toBe(429);
  });
});
