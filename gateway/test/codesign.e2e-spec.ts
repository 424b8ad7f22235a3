/**
 * Co-design end to end: HTTP through the real gateway, a real nats-server, the initiatives
 * service in-process, the embedded MongoDB wire server (or MONGODB_URI). Access tokens are
 * signed here with the gateway's secret, as the users service signs them.
 */
import { INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Types } from 'mongoose';
import request from 'supertest';
import { signAccessToken } from '@spilno/auth';
import { createLogger, loadConfig, ServiceConfig } from '@spilno/config';
import type { InitiativeView, Principal, ProposalPage, ProposalView } from '@spilno/contracts';
import { createServiceApp } from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
// The e2e test runs the real initiatives service in-process; nothing in gateway/src may do this.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { AppModule as InitiativesAppModule } from '../../services/initiatives/src/app.module';
import { createGatewayApp } from '../src/app';
import { testConfig } from './support';

const PROBLEM_TYPE = /^application\/problem\+json/;
const newId = () => new Types.ObjectId().toHexString();

interface Actor {
  userId: string;
  token: string;
}

describe('co-design (e2e: gateway, NATS, initiatives service, MongoDB)', () => {
  let nats: TestNatsServer;
  let service: INestMicroservice;
  let gateway: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  const statuses: number[] = [];
  const config = testConfig('nats://127.0.0.1:1');
  const orgA = newId();
  let coordinator: Actor;
  let otherOrg: Actor;
  let codesign: InitiativeView;

  async function actor(memberships: Principal['memberships'] = []): Promise<Actor> {
    const principal: Principal = { userId: newId(), roles: ['citizen'], memberships };
    return { userId: principal.userId, token: await signAccessToken(principal, config.auth) };
  }

  beforeAll(async () => {
    nats = await startNatsServer();
    const mongo = await testMongo('codesign');
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
    otherOrg = await actor([{ organizationId: newId(), role: 'owner' }]);
    codesign = await createPublished('co-design');
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
    method: 'get' | 'post' | 'patch' | 'delete',
    path: string,
    as?: Actor,
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

  async function createPublished(mode: string): Promise<InitiativeView> {
    const created = await call('post', '/initiatives', coordinator, {
      organizationId: orgA,
      title: 'Який сквер нам потрібен',
      description: 'Пропонуйте, голосуйте',
      mode,
      category: 'environment',
      region: 'UA-46',
    });
    const published = await call('post', `/initiatives/${created.body.id}/publish`, coordinator);
    expect(published.status).toBe(200);
    return published.body as InitiativeView;
  }

  async function propose(as: Actor, title = 'Фонтан для птахів'): Promise<ProposalView> {
    const res = await call('post', `/initiatives/${codesign.id}/proposals`, as, {
      title,
      body: 'Неглибокий, з камінцями',
    });
    expect(res.status).toBe(201);
    return res.body as ProposalView;
  }

  it('creates a proposal (201), stored as typed, with the author as id and name only', async () => {
    const author = await actor();

    const res = await call('post', `/initiatives/${codesign.id}/proposals`, author, {
      title: '  <b>Лавки</b> в тіні  ',
      body: 'Рядок 1\nРядок 2 <img src=x onerror=alert(1)>',
    });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      initiativeId: codesign.id,
      organizationId: orgA,
      title: '<b>Лавки</b> в тіні',
      body: 'Рядок 1\nРядок 2 <img src=x onerror=alert(1)>',
      status: 'new',
      response: null,
      respondedAt: null,
      votes: 0,
      author: { id: author.userId, displayName: null },
      voted: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const initiative = await call('get', `/initiatives/${codesign.id}`);
    expect(initiative.body.stats.proposals).toBeGreaterThanOrEqual(1);
  });

  it('refuses proposals outside published co-design initiatives and bad input', async () => {
    const delivery = await createPublished('co-delivery');
    const author = await actor();
    const post = (id: string, body: object, as: Actor | null = author) =>
      call('post', `/initiatives/${id}/proposals`, as ?? undefined, body);
    const valid = { title: 'Ідея', body: 'Текст' };

    expectProblem(await post(delivery.id, valid), 409);
    expectProblem(await post(newId(), valid), 404);
    expectProblem(await post(codesign.id, valid, null), 401);
    const bad = [
      await post(codesign.id, { ...valid, title: 'ab' }),
      await post(codesign.id, { ...valid, title: 'я'.repeat(161) }),
      await post(codesign.id, { ...valid, body: '' }),
      await post(codesign.id, { ...valid, body: 'я'.repeat(5001) }),
      await post(codesign.id, { ...valid, body: '   ' }),
      await post(codesign.id, { ...valid, votes: 100 }),
      await post(codesign.id, { ...valid, title: { $gt: '' } }),
      await post(codesign.id, { title: 'Ідея' }),
    ];
    expect(bad.map((r) => r.status)).toEqual(bad.map(() => 400));
  });

  it('votes once (201), 409 on a second vote, 204 on withdrawal, 404 without a vote', async () => {
    const proposal = await propose(await actor());
    const voter = await actor();

    const first = await call('post', `/proposals/${proposal.id}/votes`, voter);
    const second = await call('post', `/proposals/${proposal.id}/votes`, voter);
    const anonymous = await call('post', `/proposals/${proposal.id}/votes`);
    const seen = await call('get', `/proposals/${proposal.id}`, voter);
    const withdrawn = await call('delete', `/proposals/${proposal.id}/votes`, voter);
    const again = await call('delete', `/proposals/${proposal.id}/votes`, voter);
    const unknown = await call('post', `/proposals/${newId()}/votes`, voter);

    expect(first.status).toBe(201);
    expect(first.body).toEqual({ proposalId: proposal.id, votes: 1, voted: true });
    expectProblem(second, 409);
    expectProblem(anonymous, 401);
    expect(seen.body).toMatchObject({ votes: 1, voted: true });
    expect(withdrawn.status).toBe(204);
    expect(withdrawn.text).toBe('');
    expectProblem(again, 404);
    expectProblem(unknown, 404);
    expect((await call('get', `/proposals/${proposal.id}`)).body).toMatchObject({
      votes: 0,
      voted: false,
    });
  });

  it('lists by votes or newest with stable cursors, for anyone', async () => {
    const fresh = await createPublished('co-design');
    const made: ProposalView[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await call('post', `/initiatives/${fresh.id}/proposals`, await actor(), {
        title: `Ідея ${i}`,
        body: 'Текст',
      });
      made.push(res.body as ProposalView);
    }
    for (const [i, count] of [0, 2, 1, 2].entries()) {
      for (let v = 0; v < count; v++) {
        await call('post', `/proposals/${made[i].id}/votes`, await actor());
      }
    }

    const pages: ProposalView[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `sort=votes&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const res: request.Response = await call(
        'get',
        `/initiatives/${fresh.id}/proposals?${query}`,
      );
      expect(res.status).toBe(200);
      pages.push(...(res.body as ProposalPage).items);
      cursor = res.body.nextCursor;
    } while (cursor);
    const newest = await call('get', `/initiatives/${fresh.id}/proposals`);

    const [a, b] = [made[1].id, made[3].id].sort().reverse();
    expect(pages.map((p) => p.id)).toEqual([a, b, made[2].id, made[0].id]);
    expect(pages.map((p) => p.votes)).toEqual([2, 2, 1, 0]);
    expect(newest.body.items.map((p: ProposalView) => p.title)).toEqual([
      'Ідея 3',
      'Ідея 2',
      'Ідея 1',
      'Ідея 0',
    ]);
    expectProblem(await call('get', `/initiatives/${fresh.id}/proposals?sort=top`), 400);
    expectProblem(await call('get', `/initiatives/${fresh.id}/proposals?limit=0`), 400);
    expectProblem(await call('get', `/initiatives/${fresh.id}/proposals?cursor=%24gt`), 400);
    expectProblem(await call('get', `/initiatives/${newId()}/proposals`), 404);
  });

  it('lets coordinators of the organization answer (200), others not (403), forward only (409)', async () => {
    const author = await actor();
    const proposal = await propose(author);
    const patch = (body: object, as: Actor = coordinator) =>
      call('patch', `/proposals/${proposal.id}`, as, body);

    expectProblem(await patch({ status: 'accepted' }, author), 403);
    expectProblem(await patch({ status: 'accepted' }, otherOrg), 403);
    expectProblem(await patch({ status: 'new' }), 400);
    expectProblem(await patch({ status: 'accepted', response: 'я'.repeat(2001) }), 400);
    expectProblem(await patch({ status: 'accepted', votes: 99 }), 400);
    const accepted = await patch({ status: 'accepted', response: 'Зробимо влітку' });
    const implemented = await patch({ status: 'implemented' });
    const back = await patch({ status: 'rejected' });

    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', response: 'Зробимо влітку' });
    expect(implemented.body).toMatchObject({ status: 'implemented', response: 'Зробимо влітку' });
    expectProblem(back, 409);
    expectProblem(await call('post', `/proposals/${proposal.id}/votes`, await actor()), 409);
  });
});
