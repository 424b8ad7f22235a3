/**
 * Co-monitoring end to end: HTTP through the real gateway, a real nats-server, the initiatives
 * service in-process, the embedded MongoDB wire server (or MONGODB_URI). Access tokens are
 * signed here with the gateway's secret, as the users service signs them.
 */
import { INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Types } from 'mongoose';
import request from 'supertest';
import { signAccessToken } from '@spilno/auth';
import { createLogger, loadConfig, ServiceConfig } from '@spilno/config';
import type { InitiativeView, Principal, ReportView, TaskView } from '@spilno/contracts';
import { createServiceApp } from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
// The e2e test runs the real initiatives service in-process; nothing in gateway/src may do this.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { AppModule as InitiativesAppModule } from '../../services/initiatives/src/app.module';
import { createGatewayApp } from '../src/app';
import { testConfig } from './support';

const PROBLEM_TYPE = /^application\/problem\+json/;
const HOUR = 3_600_000;
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();
const newId = () => new Types.ObjectId().toHexString();
const PLACE = { lat: 50.450123, lng: 30.523456 };

interface Actor {
  userId: string;
  token: string;
}

describe('co-monitoring (e2e: gateway, NATS, initiatives service, MongoDB)', () => {
  let nats: TestNatsServer;
  let service: INestMicroservice;
  let gateway: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  const statuses: number[] = [];
  const config = testConfig('nats://127.0.0.1:1');
  const orgA = newId();
  const orgB = newId();
  let coordinator: Actor;
  let coordinatorB: Actor;
  let admin: Actor;
  let monitoring: InitiativeView;

  async function actor(
    memberships: Principal['memberships'] = [],
    roles: Principal['roles'] = ['citizen'],
  ): Promise<Actor> {
    const principal: Principal = { userId: newId(), roles, memberships };
    return { userId: principal.userId, token: await signAccessToken(principal, config.auth) };
  }

  beforeAll(async () => {
    nats = await startNatsServer();
    const mongo = await testMongo('comonitoring');
    service = await createServiceApp({
      service: 'initiatives',
      module: InitiativesAppModule,
      config: loadConfig(ServiceConfig, { NATS_URL: nats.url, MONGODB_URI: mongo.uri }),
      logger: createLogger('initiatives', 'silent'),
    });
    gateway = await createGatewayApp(testConfig(nats.url, { RPC_TIMEOUT_MS: '10000' }), {
      logger: createLogger('gateway', 'silent'),
    });
    http = request(gateway.getHttpServer());
    coordinator = await actor([{ organizationId: orgA, role: 'coordinator' }]);
    coordinatorB = await actor([{ organizationId: orgB, role: 'owner' }]);
    admin = await actor([], ['citizen', 'admin']);
    monitoring = await createPublished('co-monitoring');
  });

  afterAll(async () => {
    await gateway?.close();
    await service?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  afterAll(() => {
    // Whatever came in, nothing answered a 5xx.
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });

  async function call(
    method: 'get' | 'post' | 'patch',
    path: string,
    as?: Actor | null,
    body?: unknown,
  ) {
    const req = http[method](`/api/v1${path}`);
    if (as) void req.set('Authorization', `Bearer ${as.token}`);
    const res = await (body === undefined ? req : req.send(body as object));
    statuses.push(res.status);
    return res;
  }

  function expectProblem(res: request.Response, status: number) {
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status });
    expect(res.headers['content-type']).toMatch(PROBLEM_TYPE);
  }

  async function createPublished(
    mode: string,
    as: Actor = coordinator,
    organizationId = orgA,
  ): Promise<InitiativeView> {
    const created = await call('post', '/initiatives', as, {
      organizationId,
      title: 'Стан укриттів',
      description: 'Чи відчинені укриття під час тривоги',
      mode,
      category: 'shelter',
      region: 'UA-30',
    });
    const published = await call('post', `/initiatives/${created.body.id}/publish`, as);
    expect(published.status).toBe(200);
    return published.body as InitiativeView;
  }

  function reportBody(overrides: object = {}) {
    return {
      title: 'Укриття зачинене',
      description: 'Під час тривоги о 3:00 двері були замкнені',
      severity: 'critical',
      location: PLACE,
      observedAt: inHours(-3),
      evidenceUrls: ['https://example.org/door.jpg'],
      ...overrides,
    };
  }

  async function report(as: Actor, overrides: object = {}): Promise<ReportView> {
    const res = await call(
      'post',
      `/initiatives/${monitoring.id}/reports`,
      as,
      reportBody(overrides),
    );
    expect(res.status).toBe(201);
    return res.body as ReportView;
  }

  it('takes a report (201 new), and refuses bad input with 400 problems', async () => {
    const reporter = await actor();
    const post = (overrides: object) =>
      call('post', `/initiatives/${monitoring.id}/reports`, reporter, reportBody(overrides));

    const created = await post({ description: '<script>alert("x")</script>' });
    const bad: [string, request.Response][] = [
      ['future', await post({ observedAt: inHours(2) })],
      ['over a year ago', await post({ observedAt: inHours(-24 * 370) })],
      ['no zone', await post({ observedAt: '2025-06-01T10:00:00' })],
      ['http evidence', await post({ evidenceUrls: ['http://example.org/a.jpg'] })],
      ['javascript url', await post({ evidenceUrls: ['javascript:alert(1)'] })],
      [
        'six urls',
        await post({ evidenceUrls: [1, 2, 3, 4, 5, 6].map((i) => `https://e.org/${i}`) }),
      ],
      ['outside Ukraine', await post({ location: { lat: 52.52, lng: 13.4 } })],
      ['swapped', await post({ location: { lat: 30.52, lng: 50.45 } })],
      ['severity', await post({ severity: 'urgent' })],
      ['long title', await post({ title: 'я'.repeat(161) })],
      ['long description', await post({ description: 'я'.repeat(5001) })],
      ['unknown field', await post({ status: 'verified' })],
    ];

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'new',
      description: '<script>alert("x")</script>',
      location: PLACE,
      locationPrecision: 'exact',
      mine: true,
    });
    expect(bad.map(([name, res]) => [name, res.status])).toEqual(bad.map(([name]) => [name, 400]));
    const delivery = await createPublished('co-delivery');
    expectProblem(
      await call('post', `/initiatives/${delivery.id}/reports`, reporter, reportBody()),
      409,
    );
    expectProblem(
      await call('post', `/initiatives/${monitoring.id}/reports`, null, reportBody()),
      401,
    );
  });

  it('shows the public verified and resolved reports to ~1 km without the reporter; organizers all', async () => {
    const reporter = await actor();
    const hidden = await report(reporter, { severity: 'low' });
    const shown = await report(reporter, { severity: 'high' });
    const triaged = await call('patch', `/reports/${shown.id}`, coordinator, {
      status: 'verified',
      response: 'Перевірено',
    });
    expect(triaged.status).toBe(200);

    const anonymous = await call('get', `/initiatives/${monitoring.id}/reports`);
    const organizers = await call(
      'get',
      `/initiatives/${monitoring.id}/reports?status=new`,
      coordinator,
    );
    const asAdmin = await call('get', `/initiatives/${monitoring.id}/reports?severity=low`, admin);
    const otherOrg = await call(
      'get',
      `/initiatives/${monitoring.id}/reports?status=new`,
      coordinatorB,
    );

    expect(anonymous.status).toBe(200);
    const publicIds = anonymous.body.items.map((r: ReportView) => r.id);
    expect(publicIds).toContain(shown.id);
    expect(publicIds).not.toContain(hidden.id);
    expect(anonymous.body.items.find((r: ReportView) => r.id === shown.id)).toMatchObject({
      location: { lat: 50.45, lng: 30.52 },
      locationPrecision: 'approximate',
      mine: false,
      response: 'Перевірено',
    });
    expect(anonymous.text).not.toContain(reporter.userId);
    expect(organizers.body.items.map((r: ReportView) => r.id)).toContain(hidden.id);
    expect(organizers.body.items.every((r: ReportView) => r.locationPrecision === 'exact')).toBe(
      true,
    );
    expect(asAdmin.body.items.map((r: ReportView) => r.id)).toContain(hidden.id);
    expect(otherOrg.body.items).toEqual([]);
    expectProblem(await call('get', `/reports/${hidden.id}`), 404);
    expectProblem(await call('get', `/initiatives/${monitoring.id}/reports?status=open`), 400);
    expectProblem(await call('get', `/initiatives/${monitoring.id}/reports?severity=x`), 400);
  });

  it('triages by coordinators of the organization only, forward only', async () => {
    const reporter = await actor();
    const created = await report(reporter);
    const patch = (body: object, as: Actor = coordinator) =>
      call('patch', `/reports/${created.id}`, as, body);

    expectProblem(await patch({ status: 'verified' }, reporter), 403);
    expectProblem(await patch({ status: 'verified' }, coordinatorB), 404);
    expectProblem(await patch({ status: 'new' }), 400);
    expectProblem(await patch({ status: 'resolved', response: ' ' }), 400);
    expectProblem(await patch({ status: 'resolved' }), 409);
    expect((await patch({ status: 'verified' })).status).toBe(200);
    expectProblem(await patch({ status: 'resolved' }, coordinatorB), 403);
    expect((await patch({ status: 'resolved', response: 'Відчинено' })).body).toMatchObject({
      status: 'resolved',
      response: 'Відчинено',
    });
    expectProblem(await patch({ status: 'verified' }), 409);
  });

  it('turns a verified report into a co-delivery task of the organization (201), once', async () => {
    const delivery = await createPublished('co-delivery');
    const ofOrgB = await createPublished('co-delivery', coordinatorB, orgB);
    const created = await report(await actor());
    const task = (body: object, as: Actor = coordinator) =>
      call('post', `/reports/${created.id}/task`, as, {
        initiativeId: delivery.id,
        title: 'Чергування біля укриття',
        slots: 2,
        startsAt: inHours(20),
        endsAt: inHours(22),
        urgency: 'critical',
        autoAccept: true,
        ...body,
      });

    expectProblem(await task({}), 409);
    await call('patch', `/reports/${created.id}`, coordinator, { status: 'verified' });
    expectProblem(await task({ initiativeId: monitoring.id }), 409);
    expectProblem(await task({ initiativeId: ofOrgB.id }), 403);
    expectProblem(await task({ initiativeId: 'not-an-id' }), 400);
    expectProblem(await task({ slots: 0 }), 400);
    expectProblem(await task({ endsAt: inHours(19) }), 400);
    const made = await task({});
    const again = await task({});

    expect(made.status).toBe(201);
    expect(made.body as TaskView).toMatchObject({
      initiativeId: delivery.id,
      sourceReportId: created.id,
      slots: 2,
      filled: 0,
      urgency: 'critical',
      autoAccept: true,
    });
    expectProblem(again, 409);
    const linked = await call('get', `/reports/${created.id}`);
    expect(linked.body.taskId).toBe(made.body.id);
    const listed = await call('get', `/initiatives/${delivery.id}/tasks`);
    expect(listed.body.items.map((t: TaskView) => t.sourceReportId)).toEqual([created.id]);
    expect((await call('get', `/initiatives/${monitoring.id}`)).body.stats.reports).toBeGreaterThan(
      0,
    );
  });
});
