/**
 * The gateway's HTTP behaviour end to end: real Fastify, pipes, filter, guards, a real
 * nats-server and a fake service answering in NestJS's NATS packet format. A probe module
 * stands in for feature controllers (which arrive with later issues).
 */
import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import request from 'supertest';
import { anyone, authenticated, hasRole, Policy, signAccessToken } from '@spilno/auth';
import { ErrorCode, Principal, RequestMeta } from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { startNatsServer, TestNatsServer } from '@spilno/testing';
import { createGatewayApp } from '../src/app';
import { GatewayConfig } from '../src/config/gateway.config';
import { Meta } from '../src/common/request-meta.decorator';
import { capturingLogger, FakeService, testConfig } from './support';

class EchoDto {
  @IsString()
  @MaxLength(50)
  title!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  count?: number;
}

@Controller('probe')
class ProbeController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('echo')
  @Policy(anyone)
  echo(@Body() body: EchoDto, @Meta() meta: RequestMeta) {
    return this.rpc.send('probe.echo.v1', body, { meta });
  }

  @Get('whoami')
  @Policy(authenticated)
  whoami(@Meta() meta: RequestMeta) {
    return this.rpc.send('probe.whoami.v1', {}, { meta });
  }

  @Get('admin')
  @Policy(hasRole('admin'))
  admin() {
    return { ok: true };
  }

  @Get('call/:subject')
  @Policy(anyone)
  call(@Param('subject') subject: string, @Meta() meta: RequestMeta) {
    return this.rpc.send(`probe.${subject}.v1`, {}, { meta });
  }

  @Get('bug')
  @Policy(anyone)
  bug(): never {
    throw new Error('connect ECONNREFUSED mongo-7.spilno.internal:27017');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

const PROBLEM_TYPE = /^application\/problem\+json/;

describe('gateway HTTP edge', () => {
  let nats: TestNatsServer;
  let service: FakeService;
  let config: GatewayConfig;
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  const log = capturingLogger();

  const citizen: Principal = {
    userId: 'u-1',
    roles: ['citizen'],
    memberships: [{ organizationId: 'org-a', role: 'coordinator' }],
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    service = await FakeService.start(nats.url);
    service.answer('probe.echo.v1', (envelope) => ({ response: { echoed: envelope.data } }));
    service.answer('probe.whoami.v1', (envelope) => ({ response: envelope.meta }));
    service.ignore('probe.slow.v1');
    const failures: Record<string, ErrorCode> = {
      notfound: ErrorCode.NotFound,
      conflict: ErrorCode.Conflict,
      unprocessable: ErrorCode.Unprocessable,
      forbidden: ErrorCode.Forbidden,
    };
    for (const [name, code] of Object.entries(failures)) {
      service.answer(`probe.${name}.v1`, () => ({
        err: { code, message: `service says ${name}` },
      }));
    }
    service.answer('probe.throttled.v1', () => ({
      err: { code: ErrorCode.RateLimited, message: 'slow down', retryAfter: 7 },
    }));
    service.answer('probe.crashed.v1', () => ({
      err: { code: ErrorCode.Internal, message: 'internal error', errorId: 'svc-error-42' },
    }));
    service.answer('probe.nestinternal.v1', () => ({ err: 'Internal server error' }));
    service.answer('probe.invalid.v1', () => ({
      err: {
        code: ErrorCode.Validation,
        message: 'the request is invalid',
        errors: [{ field: 'slots', message: 'slots must not be greater than 10000' }],
      },
    }));
    await service.flush();

    config = testConfig(nats.url);
    app = await createGatewayApp(config, { modules: [ProbeModule], logger: log.logger });
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    await service?.close();
    await nats?.stop();
  });

  const token = (principal: Principal) => signAccessToken(principal, config.auth);

  function expectProblem(res: request.Response, status: number, code: string | null) {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(PROBLEM_TYPE);
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(res.body).toMatchObject({
      type: code ? `urn:spilno:problem:${code}` : expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      instance: expect.stringMatching(/^\//),
      requestId: res.headers['x-request-id'],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
  }

  describe('successful calls', () => {
    it('validates, calls the service and returns its answer; Ukrainian text round-trips', async () => {
      const res = await http
        .post('/api/v1/probe/echo')
        .send({ title: 'Прибирання парку в Дніпрі', count: 3 });
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ echoed: { title: 'Прибирання парку в Дніпрі', count: 3 } });
    });

    it('accepts application/json with a UTF-8 charset', async () => {
      const res = await http
        .post('/api/v1/probe/echo')
        .set('Content-Type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ title: 'ok' }));
      expect(res.status).toBe(201);
    });
  });

  describe('X-Request-Id', () => {
    it('echoes a sane client id and propagates it to the service (meta and NATS header)', async () => {
      const res = await http
        .post('/api/v1/probe/echo')
        .set('X-Request-Id', 'client-req-0001')
        .send({ title: 'trace me' });
      expect(res.headers['x-request-id']).toBe('client-req-0001');
      const received = service.received.find(
        (r) => r.envelope.meta.requestId === 'client-req-0001',
      );
      expect(received?.headerRequestId).toBe('client-req-0001');
    });

    it('replaces an insane client id with a generated UUID, and propagates that', async () => {
      const res = await http
        .post('/api/v1/probe/echo')
        .set('X-Request-Id', 'x'.repeat(300))
        .send({ title: 'trace me' });
      const id = res.headers['x-request-id'] as string;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const received = service.received.find((r) => r.envelope.meta.requestId === id);
      expect(received?.headerRequestId).toBe(id);
    });

    it('is generated on every response, errors included', async () => {
      const responses = await Promise.all([
        http.get('/health/live'),
        http.get('/api/v1/nothing-here'),
        http.get('/metrics'),
      ]);
      for (const res of responses) expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('propagates the verified principal to the service', async () => {
      const res = await http
        .get('/api/v1/probe/whoami')
        .set('Authorization', `Bearer ${await token(citizen)}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ requestId: res.headers['x-request-id'], principal: citizen });
    });
  });

  describe('problem details', () => {
    it('400 for unknown fields, with one entry per field', async () => {
      const res = await http.post('/api/v1/probe/echo').send({ title: 'x', role: 'admin' });
      expectProblem(res, 400, 'validation');
      expect(res.body.errors).toEqual([
        { field: 'role', message: 'property role should not exist' },
      ]);
    });

    it('400 for wrong types and operator objects', async () => {
      const res = await http.post('/api/v1/probe/echo').send({ title: { $gt: '' }, count: '3' });
      expectProblem(res, 400, 'validation');
      const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['title', 'count']));
    });

    it('400 for malformed JSON and for prototype pollution keys', async () => {
      const malformed = await http
        .post('/api/v1/probe/echo')
        .set('Content-Type', 'application/json')
        .send('{"title": ');
      expectProblem(malformed, 400, 'validation');
      const poisoned = await http
        .post('/api/v1/probe/echo')
        .set('Content-Type', 'application/json')
        .send('{"title": "x", "__proto__": {"admin": true}}');
      expectProblem(poisoned, 400, 'validation');
    });

    it('400 for a malformed URL, which fails before routing', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/v1/probe/call/%E0%A4%A' });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM_TYPE);
      expect(res.headers['x-request-id']).toBeTruthy();
      expect(res.json()).toMatchObject({ status: 400, detail: 'the URL is malformed' });
    });

    it('400 from a service keeps its field errors', async () => {
      const res = await http.get('/api/v1/probe/call/invalid');
      expectProblem(res, 400, 'validation');
      expect(res.body.errors).toEqual([
        { field: 'slots', message: 'slots must not be greater than 10000' },
      ]);
    });

    it('401 without a token where the route needs a user, with WWW-Authenticate', async () => {
      const res = await http.get('/api/v1/probe/whoami');
      expectProblem(res, 401, 'unauthenticated');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('401 for an invalid or expired token', async () => {
      const bad = await http.get('/api/v1/probe/whoami').set('Authorization', 'Bearer a.b.c');
      expectProblem(bad, 401, 'unauthenticated');
      const longAgo = new Date(Date.now() - 3600_000);
      const expired = await signAccessToken(citizen, config.auth, longAgo);
      const res = await http.get('/api/v1/probe/whoami').set('Authorization', `Bearer ${expired}`);
      expectProblem(res, 401, 'unauthenticated');
      expect(res.body.detail).toMatch(/expired/);
    });

    it('403 when the route policy excludes the caller', async () => {
      const res = await http
        .get('/api/v1/probe/admin')
        .set('Authorization', `Bearer ${await token(citizen)}`);
      expectProblem(res, 403, 'forbidden');
    });

    it('404 for unknown routes, inside and outside the prefix', async () => {
      expectProblem(await http.get('/api/v1/no/such/route?token=secret'), 404, 'not_found');
      const outside = await http.delete('/nowhere');
      expectProblem(outside, 404, 'not_found');
      expect(outside.body.instance).toBe('/nowhere');
    });

    it.each([
      ['notfound', 404, 'not_found'],
      ['forbidden', 403, 'forbidden'],
      ['conflict', 409, 'conflict'],
      ['unprocessable', 422, 'unprocessable'],
    ])('maps the service code of %s to %i', async (subject, status, code) => {
      const res = await http.get(`/api/v1/probe/call/${subject}`);
      expectProblem(res, status, code);
      expect(res.body.detail).toBe(`service says ${subject}`);
    });

    it('413 for a body over 1 MiB', async () => {
      const res = await http
        .post('/api/v1/probe/echo')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ title: 'x'.repeat(1024 * 1024 + 10) }));
      expectProblem(res, 413, 'payload_too_large');
    });

    it('415 for bodies that are not JSON', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
        const res = await http.post('/api/v1/probe/echo').set('Content-Type', type).send('title=x');
        expectProblem(res, 415, 'unsupported_media_type');
      }
      const latin1 = await http
        .post('/api/v1/probe/echo')
        .set('Content-Type', 'application/json; charset=latin1')
        .send('{"title":"x"}');
      expectProblem(latin1, 415, 'unsupported_media_type');
    });

    it('429 with Retry-After when a service rate-limits', async () => {
      const res = await http.get('/api/v1/probe/call/throttled');
      expectProblem(res, 429, 'rate_limited');
      expect(res.headers['retry-after']).toBe('7');
    });

    it('500 with only an error id for a bug in the gateway; the log has the details', async () => {
      const res = await http.get('/api/v1/probe/bug');
      expectProblem(res, 500, 'internal');
      expect(res.body.errorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.stringify(res.body)).not.toMatch(/mongo-7|ECONNREFUSED|spilno\.internal/);
      const logged = log.lines().find((l) => l.errorId === res.body.errorId);
      expect(JSON.stringify(logged)).toMatch(/mongo-7/);
    });

    it("500 carrying the service's error id when a service fails", async () => {
      const res = await http.get('/api/v1/probe/call/crashed');
      expectProblem(res, 500, 'internal');
      expect(res.body.errorId).toBe('svc-error-42');
      const bare = await http.get('/api/v1/probe/call/nestinternal');
      expectProblem(bare, 500, 'internal');
      expect(bare.body.detail).not.toMatch(/Internal server error/);
    });

    it('503 with Retry-After within timeout + 100 ms when a service never answers', async () => {
      const started = performance.now();
      const res = await http.get('/api/v1/probe/call/slow');
      const elapsed = performance.now() - started;
      expectProblem(res, 503, 'unavailable');
      expect(res.headers['retry-after']).toBe('1');
      expect(config.RPC_TIMEOUT_MS).toBe(300);
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(400);
    });

    it('503 at once when no instance of the service runs', async () => {
      const started = performance.now();
      const res = await http.get('/api/v1/probe/call/absent');
      expectProblem(res, 503, 'unavailable');
      expect(res.headers['retry-after']).toBe('1');
      expect(performance.now() - started).toBeLessThan(200);
    });
  });

  describe('request logs', () => {
    it('log request id, route pattern, status and duration; never tokens or bodies', async () => {
      const secretToken = await token(citizen);
      await http
        .get('/api/v1/probe/whoami')
        .set('Authorization', `Bearer ${secretToken}`)
        .set('X-Request-Id', 'log-check-1');
      await http
        .post('/api/v1/probe/echo')
        .set('X-Request-Id', 'log-check-2')
        .send({ title: 'password=hunter2' });
      const lines = log.lines();
      const whoami = lines.find((l) => l.reqId === 'log-check-1' && l.msg === 'request');
      expect(whoami).toMatchObject({
        method: 'GET',
        route: '/api/v1/probe/whoami',
        status: 200,
        ms: expect.any(Number),
      });
      const all = JSON.stringify(lines);
      expect(all).not.toContain(secretToken);
      expect(all).not.toContain('hunter2');
    });
  });

  describe('metrics', () => {
    it('count requests per route pattern and status, and time NATS calls per subject', async () => {
      await http.get('/api/v1/probe/call/notfound');
      await http.get('/api/v1/random/path/123');
      const res = await http.get('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      const text = res.text;
      expect(text).toMatch(
        /http_requests_total\{method="GET",route="\/api\/v1\/probe\/call\/:subject",status="404"\} \d+/,
      );
      expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="POST"/);
      expect(text).toMatch(/route="unmatched",status="404"/);
      expect(text).not.toContain('/random/path/123');
      expect(text).toMatch(
        /nats_request_duration_seconds_count\{subject="probe.echo.v1",outcome="ok"\} \d+/,
      );
      expect(text).toMatch(
        /nats_request_duration_seconds_count\{subject="probe.slow.v1",outcome="timeout"\} 1/,
      );
      expect(text).toMatch(
        /nats_request_duration_seconds_count\{subject="probe.notfound.v1",outcome="error"\}/,
      );
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    });
  });

  describe('API documentation', () => {
    it('serves the OpenAPI document outside the prefix', async () => {
      const res = await http.get('/api/docs-json');
      expect(res.status).toBe(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining([
          '/health/live',
          '/health/ready',
          '/health/services/{name}',
          '/metrics',
          '/api/v1/probe/echo',
        ]),
      );
      expect(res.body.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
    });

    it('serves Swagger UI and its assets without network', async () => {
      const page = await http.get('/api/docs');
      expect(page.status).toBe(200);
      expect(page.text).toContain('swagger-ui-bundle.js');
      for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-initializer.js']) {
        const res = await http.get(`/api/docs/${asset}`);
        expect(res.status).toBe(200);
      }
      expectProblem(await http.get('/api/docs/../../package.json'), 404, 'not_found');
    });
  });
});
