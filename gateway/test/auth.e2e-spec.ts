/**
 * Accounts and sign-in end to end: HTTP through the real gateway, a real nats-server, the users
 * service in-process, the embedded MongoDB wire server. The refresh grace window is shortened
 * so reuse detection is tested in milliseconds, and the per-account sign-in limit is small.
 */
import { INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createServiceApp } from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
// The e2e test runs the real users service in-process; nothing in gateway/src may do this.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { AppModule as UsersAppModule } from '../../services/users/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadUsersConfig } from '../../services/users/src/config/users.config';
import { createGatewayApp } from '../src/app';
import { capturingLogger, testConfig, TEST_JWT_SECRET } from './support';

const GRACE_MS = 300;
const MAX_ATTEMPTS_PER_ACCOUNT = 3;
const PASSWORD = 'correct horse battery staple';
const PROBLEM_TYPE = /^application\/problem\+json/;

describe('auth (e2e: gateway, NATS, users service, MongoDB)', () => {
  let nats: TestNatsServer;
  let users: INestMicroservice;
  let gateway: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  const gatewayLog = capturingLogger();
  const usersLog = capturingLogger();
  const bodies: string[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    const mongo = await testMongo('users');
    users = await createServiceApp({
      service: 'users',
      module: UsersAppModule,
      config: loadUsersConfig({
        NATS_URL: nats.url,
        MONGODB_URI: mongo.uri,
        JWT_SECRET: TEST_JWT_SECRET,
        REFRESH_REUSE_GRACE_MS: String(GRACE_MS),
        LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: String(MAX_ATTEMPTS_PER_ACCOUNT),
        LOGIN_MAX_ATTEMPTS_PER_IP: '1000',
      }),
      logger: usersLog.logger,
    });
    gateway = await createGatewayApp(testConfig(nats.url, { RPC_TIMEOUT_MS: '10000' }), {
      logger: gatewayLog.logger,
    });
    http = request(gateway.getHttpServer());
  });

  afterAll(async () => {
    await gateway?.close();
    await users?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  /** Sends and keeps every answer's body, to check that none leaks a password. */
  async function post(path: string, body: object, token?: string) {
    const req = http.post(`/api/v1${path}`).send(body);
    if (token) void req.set('Authorization', `Bearer ${token}`);
    const res = await req;
    bodies.push(res.text);
    return res;
  }

  async function register(email: string, overrides: object = {}) {
    return post('/auth/register', {
      email,
      password: PASSWORD,
      displayName: 'Олена',
      ...overrides,
    });
  }

  function expectProblem(res: request.Response, status: number) {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(PROBLEM_TYPE);
  }

  it('registers an account: 201 with the user and a token pair, no secrets in `user`', async () => {
    const res = await register('Olena@Example.org', { locale: 'en' });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      user: {
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        email: 'olena@example.org',
        displayName: 'Олена',
        locale: 'en',
        roles: ['citizen'],
        createdAt: expect.any(String),
      },
      accessToken: expect.any(String),
      accessTokenExpiresIn: 900,
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(JSON.stringify(res.body.user)).not.toMatch(/argon2|hash|token/i);
  });

  it('refuses a taken email, in any letter case, with 409', async () => {
    await register('taken@example.org');

    for (const email of ['taken@example.org', 'TAKEN@Example.ORG']) {
      expectProblem(await register(email), 409);
    }
  });

  it('refuses short and common passwords with 400 naming the field', async () => {
    const short = await register('short@example.org', { password: 'short' });
    const common = await register('common@example.org', { password: 'Password123' });
    const repeated = await register('repeat@example.org', { password: 'aaaaaaaaaaaa' });

    for (const res of [short, common, repeated]) {
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
    }
  });

  it('signs in with the right password, and answers 401 with one message otherwise', async () => {
    await register('signin@example.org');

    const ok = await post('/auth/login', { email: 'SignIn@example.org', password: PASSWORD });
    const wrong = await post('/auth/login', {
      email: 'signin@example.org',
      password: 'nope-nope-nope',
    });
    const unknown = await post('/auth/login', { email: 'nobody@example.org', password: PASSWORD });

    expect(ok.status).toBe(200);
    expect(ok.body.user.email).toBe('signin@example.org');
    expectProblem(wrong, 401);
    expectProblem(unknown, 401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('serves /me with a token and 401 without one', async () => {
    const session = (await register('me@example.org')).body;

    const anonymous = await http.get('/api/v1/me');
    const me = await http.get('/api/v1/me').set('Authorization', `Bearer ${session.accessToken}`);

    expectProblem(anonymous, 401);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject(session.user);
  });

  it('rotates refresh tokens: each use answers a new pair and spends the old one', async () => {
    const first = (await register('rotate@example.org')).body;

    const second = await post('/auth/refresh', { refreshToken: first.refreshToken });
    const third = await post('/auth/refresh', { refreshToken: second.body.refreshToken });

    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(second.body.user.id).toBe(first.user.id);
    expect(third.status).toBe(200);
    expect(third.body.refreshToken).not.toBe(second.body.refreshToken);
  });

  it('answers the same successor to a replay within the grace window', async () => {
    const first = (await register('grace@example.org')).body;

    const rotated = await post('/auth/refresh', { refreshToken: first.refreshToken });
    const replayed = await post('/auth/refresh', { refreshToken: first.refreshToken });

    expect(replayed.status).toBe(200);
    expect(replayed.body.refreshToken).toBe(rotated.body.refreshToken);
  });

  it('revokes the whole family when a spent token is replayed after the grace window', async () => {
    const first = (await register('theft@example.org')).body;
    const successor = (await post('/auth/refresh', { refreshToken: first.refreshToken })).body;
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 100));

    const replay = await post('/auth/refresh', { refreshToken: first.refreshToken });
    const successorAfter = await post('/auth/refresh', { refreshToken: successor.refreshToken });

    expectProblem(replay, 401);
    expectProblem(successorAfter, 401);
    const other = await post('/auth/login', { email: 'theft@example.org', password: PASSWORD });
    expect(other.status).toBe(200);
  });

  it('signs out: 204, then the refresh token is refused', async () => {
    const session = (await register('logout@example.org')).body;

    const anonymous = await post('/auth/logout', { refreshToken: session.refreshToken });
    const out = await post(
      '/auth/logout',
      { refreshToken: session.refreshToken },
      session.accessToken,
    );
    const refresh = await post('/auth/refresh', { refreshToken: session.refreshToken });

    expectProblem(anonymous, 401);
    expect(out.status).toBe(204);
    expectProblem(refresh, 401);
  });

  it('throttles sign-in per account before hashing: 429 with Retry-After', async () => {
    await register('throttled@example.org');
    const attempt = (password: string) =>
      post('/auth/login', { email: 'Throttled@example.org', password });

    for (let i = 0; i < MAX_ATTEMPTS_PER_ACCOUNT; i++) {
      expectProblem(await attempt('wrong-password-' + i), 401);
    }
    const limited = await attempt(PASSWORD);

    expectProblem(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another account from the same IP is not affected.
    const other = await post('/auth/login', { email: 'signin@example.org', password: PASSWORD });
    expect(other.status).toBe(200);
  });

  it('rejects bad input with 400: unknown fields, operators where strings belong', async () => {
    const unknownField = await register('extra@example.org', { roles: ['admin'] });
    const operator = await post('/auth/login', { email: { $gt: '' }, password: PASSWORD });

    expectProblem(unknownField, 400);
    expectProblem(operator, 400);
  });

  it('never puts a password into a response or a log line', () => {
    const logs = JSON.stringify([...gatewayLog.lines(), ...usersLog.lines()]);

    expect(logs.length).toBeGreaterThan(0);
    for (const text of [...bodies, logs]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('wrong-password-');
    }
  });
});
