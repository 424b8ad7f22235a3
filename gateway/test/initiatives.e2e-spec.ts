/**
 * Initiatives and tasks end to end: HTTP through the real gateway, a real nats-server, the
 * initiatives service in-process, the embedded MongoDB wire server (or MONGODB_URI). Access
 * tokens are signed here with the gateway's secret (the users service signs the same way;
 * memberships in a token are of verified organizations), and verified by the real gateway.
 */
import { INestMicroservice } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Connection, Types } from 'mongoose';
import request from 'supertest';
import { signAccessToken } from '@spilno/auth';
import { createLogger, loadConfig, ServiceConfig } from '@spilno/config';
import type { InitiativeListItem, InitiativeView, Principal, TaskView } from '@spilno/contracts';
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

type Body = Record<string, unknown>;

interface Actor {
  principal: Principal;
  token: string;
}

describe('initiatives and tasks (e2e: gateway, NATS, initiatives service, MongoDB)', () => {
  let nats: TestNatsServer;
  let service: INestMicroservice;
  let gateway: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let connection: Connection;
  const statuses: number[] = [];
  const config = testConfig('nats://127.0.0.1:1');

  const orgA = newId();
  const orgB = newId();
  let coordinatorA: Actor;
  let ownerA: Actor;
  let coordinatorB: Actor;
  let citizen: Actor;
  let admin: Actor;

  async function actor(roles: Principal['roles'], memberships: Principal['memberships']) {
    const principal: Principal = { userId: newId(), roles, memberships };
    return { principal, token: await signAccessToken(principal, config.auth) };
  }

  beforeAll(async () => {
    nats = await startNatsServer();
    const mongo = await testMongo('initiatives');
    service = await createServiceApp({
      service: 'initiatives',
      module: InitiativesAppModule,
      config: loadConfig(ServiceConfig, { NATS_URL: nats.url, MONGODB_URI: mongo.uri }),
      logger: createLogger('initiatives', 'silent'),
    });
    connection = service.get<Connection>(getConnectionToken());
    gateway = await createGatewayApp(testConfig(nats.url, { RPC_TIMEOUT_MS: '10000' }), {
      logger: createLogger('gateway', 'silent'),
    });
    http = request(gateway.getHttpServer());
    coordinatorA = await actor(['citizen'], [{ organizationId: orgA, role: 'coordinator' }]);
    ownerA = await actor(['citizen'], [{ organizationId: orgA, role: 'owner' }]);
    coordinatorB = await actor(['citizen'], [{ organizationId: orgB, role: 'coordinator' }]);
    citizen = await actor(['citizen'], []);
    admin = await actor(['citizen', 'admin'], []);
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
    options: { as?: Actor; body?: unknown; raw?: string } = {},
  ) {
    const req = http[method](`/api/v1${path}`);
    if (options.as) void req.set('Authorization', `Bearer ${options.as.token}`);
    if (options.raw !== undefined) void req.set('Content-Type', 'application/json');
    const res = await (options.raw !== undefined
      ? req.send(options.raw)
      : options.body !== undefined
        ? req.send(options.body as object)
        : req);
    statuses.push(res.status);
    return res;
  }

  const get = (path: string, as?: Actor) => call('get', path, { as });
  const post = (path: string, as?: Actor, body: unknown = {}) => call('post', path, { as, body });
  const patch = (path: string, as: Actor | undefined, body: unknown) =>
    call('patch', path, { as, body });

  function expectProblem(res: request.Response, status: number) {
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status });
    expect(res.headers['content-type']).toMatch(PROBLEM_TYPE);
    expect(res.body).toMatchObject({ status, type: expect.stringMatching(/^urn:spilno:problem:/) });
  }

  /** The problem names one of the fields the request got wrong. */
  function expectFieldErrorOn(res: request.Response, wrong: Body) {
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field.split('.')[0]);
    expect({ wrong: Object.keys(wrong), fields }).toEqual({
      wrong: Object.keys(wrong),
      fields: expect.arrayContaining([expect.stringMatching(Object.keys(wrong).join('|'))]),
    });
  }

  function initiativeBody(overrides: Body = {}): Body {
    return {
      organizationId: orgA,
      title: 'Відбудова школи',
      description: 'Прибираємо уламки й ремонтуємо дах.',
      mode: 'co-delivery',
      category: 'reconstruction',
      region: 'UA-12',
      ...overrides,
    };
  }

  async function createInitiative(overrides: Body = {}, as = coordinatorA) {
    const res = await post('/initiatives', as, initiativeBody(overrides));
    expect(res.status).toBe(201);
    return res.body as InitiativeView;
  }

  async function publish(id: string, as = coordinatorA) {
    const res = await post(`/initiatives/${id}/publish`, as);
    expect(res.status).toBe(200);
    return res.body as InitiativeView;
  }

  async function createPublished(overrides: Body = {}, as = coordinatorA) {
    return publish((await createInitiative(overrides, as)).id, as);
  }

  function taskBody(overrides: Body = {}): Body {
    return {
      title: 'Ранкова зміна',
      requiredSkills: ['first_aid'],
      slots: 5,
      startsAt: inHours(24),
      endsAt: inHours(28),
      urgency: 'normal',
      autoAccept: false,
      ...overrides,
    };
  }

  async function createTask(initiativeId: string, overrides: Body = {}, as = coordinatorA) {
    const res = await post(`/initiatives/${initiativeId}/tasks`, as, taskBody(overrides));
    expect(res.status).toBe(201);
    return res.body as TaskView;
  }

  async function search(query: string, as?: Actor) {
    const res = await get(`/initiatives?${query}`, as);
    expect(res.status).toBe(200);
    return res.body as { items: InitiativeListItem[]; nextCursor: string | null };
  }

  const ids = (items: { id: string }[]) => items.map((i) => i.id);

  describe('initiatives', () => {
    it('creates a draft: 201 with Ukrainian text, the place and zeroed stats', async () => {
      const res = await post(
        '/initiatives',
        coordinatorA,
        initiativeBody({
          title: '  Ремонт укриття в Кам’янському  ',
          description: 'Ґанок, дах і вхід: «п’ять» робіт.\nДругий рядок.',
          district: 'Кам’янська громада',
          location: { lat: 48.5079, lng: 34.6132 },
          startsAt: inHours(48),
          endsAt: inHours(24 * 60),
          tags: ['укриття', 'shelter'],
        }),
      );

      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        organizationId: orgA,
        title: 'Ремонт укриття в Кам’янському',
        description: 'Ґанок, дах і вхід: «п’ять» робіт.\nДругий рядок.',
        mode: 'co-delivery',
        category: 'reconstruction',
        region: 'UA-12',
        district: 'Кам’янська громада',
        location: { lat: 48.5079, lng: 34.6132 },
        startsAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        endsAt: expect.any(String),
        tags: ['укриття', 'shelter'],
        status: 'draft',
        skills: [],
        stats: {
          tasks: 0,
          openSlots: 0,
          volunteers: 0,
          hours: 0,
          proposals: 0,
          reports: 0,
          raised: 0,
        },
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        publishedAt: null,
        completedAt: null,
        cancelledAt: null,
      });
      const again = await get(`/initiatives/${res.body.id}`, ownerA);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(res.body);
    });

    it('stores HTML and script as text, verbatim, and answers JSON', async () => {
      const html = '<script>alert("x")</script><img src=x onerror="alert(1)"> & &amp;';
      const created = await createInitiative({ title: html.slice(0, 40), description: html });

      const res = await get(`/initiatives/${created.id}`, coordinatorA);

      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.title).toBe(html.slice(0, 40));
      expect(res.body.description).toBe(html);
    });

    it('edits fields, clears optional ones with null, and never the organization or mode', async () => {
      const created = await createInitiative({
        district: 'Район',
        location: { lat: 48.46, lng: 35.04 },
        tags: ['a'],
      });

      const edited = await patch(`/initiatives/${created.id}`, ownerA, {
        title: 'Нова назва',
        category: 'shelter',
        region: 'UA-46',
        district: null,
        location: null,
        tags: [],
      });
      const moveOrg = await patch(`/initiatives/${created.id}`, coordinatorA, {
        organizationId: orgB,
      });
      const changeMode = await patch(`/initiatives/${created.id}`, coordinatorA, {
        mode: 'co-design',
      });
      const nothing = await patch(`/initiatives/${created.id}`, coordinatorA, {});

      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({
        title: 'Нова назва',
        category: 'shelter',
        region: 'UA-46',
        district: null,
        location: null,
        tags: [],
        organizationId: orgA,
        mode: 'co-delivery',
      });
      expectProblem(moveOrg, 400);
      expectProblem(changeMode, 400);
      expectProblem(nothing, 400);
    });

    it('follows draft -> published -> completed | cancelled, 409 from a wrong state', async () => {
      const first = await createInitiative();
      const second = await createInitiative();

      const completeDraft = await post(`/initiatives/${first.id}/complete`, coordinatorA);
      const published = await publish(first.id);
      const publishAgain = await post(`/initiatives/${first.id}/publish`, coordinatorA);
      const completed = await post(`/initiatives/${first.id}/complete`, ownerA);
      const completeAgain = await post(`/initiatives/${first.id}/complete`, coordinatorA);
      const cancelCompleted = await post(`/initiatives/${first.id}/cancel`, coordinatorA);
      const editCompleted = await patch(`/initiatives/${first.id}`, coordinatorA, {
        title: 'Ніколи',
      });
      const cancelDraft = await post(`/initiatives/${second.id}/cancel`, coordinatorA);
      const publishCancelled = await post(`/initiatives/${second.id}/publish`, coordinatorA);
      const cancelAgain = await post(`/initiatives/${second.id}/cancel`, coordinatorA);

      expectProblem(completeDraft, 409);
      expect(published).toMatchObject({ status: 'published', publishedAt: expect.any(String) });
      expectProblem(publishAgain, 409);
      expect(completed.status).toBe(200);
      expect(completed.body).toMatchObject({
        status: 'completed',
        completedAt: expect.any(String),
      });
      expectProblem(completeAgain, 409);
      expectProblem(cancelCompleted, 409);
      expectProblem(editCompleted, 409);
      expect(cancelDraft.status).toBe(200);
      expect(cancelDraft.body).toMatchObject({ status: 'cancelled', publishedAt: null });
      expectProblem(publishCancelled, 409);
      expectProblem(cancelAgain, 409);
    });

    it('refuses anonymous writes with 401', async () => {
      const created = await createInitiative();

      for (const res of [
        await post('/initiatives', undefined, initiativeBody()),
        await patch(`/initiatives/${created.id}`, undefined, { title: 'Анонім' }),
        await post(`/initiatives/${created.id}/publish`),
        await post(`/initiatives/${created.id}/tasks`, undefined, taskBody()),
      ]) {
        expectProblem(res, 401);
      }
    });

    it('answers 404 for malformed and unknown ids', async () => {
      for (const res of [
        await get('/initiatives/not-an-id'),
        await get(`/initiatives/${newId()}`),
        await get('/initiatives/665f1c2e9b1d4a3f8c7e6d5'),
        await patch('/initiatives/%24ne', coordinatorA, { title: 'Будь-що' }),
        await post(`/initiatives/${newId()}/publish`, coordinatorA),
        await get('/tasks/zzz'),
        await get(`/tasks/${newId()}`),
        await post(`/tasks/${newId()}/close`, coordinatorA),
        await get(`/initiatives/${newId()}/tasks`),
      ]) {
        expectProblem(res, 404);
      }
    });
  });

  describe('who may see and act', () => {
    it("404 for another organization's draft, 403 for its published initiative", async () => {
      const draft = await createInitiative();
      const published = await createPublished();
      const draftTask = await createTask(draft.id);
      const publishedTask = await createTask(published.id);

      for (const res of [
        await get(`/initiatives/${draft.id}`, coordinatorB),
        await patch(`/initiatives/${draft.id}`, coordinatorB, { title: 'Чуже' }),
        await post(`/initiatives/${draft.id}/publish`, coordinatorB),
        await post(`/initiatives/${draft.id}/cancel`, coordinatorB),
        await post(`/initiatives/${draft.id}/tasks`, coordinatorB, taskBody()),
        await get(`/initiatives/${draft.id}/tasks`, coordinatorB),
        await get(`/tasks/${draftTask.id}`, coordinatorB),
        await patch(`/tasks/${draftTask.id}`, coordinatorB, { slots: 1 }),
        await post(`/tasks/${draftTask.id}/close`, coordinatorB),
      ]) {
        expectProblem(res, 404);
      }
      expect((await get(`/initiatives/${published.id}`, coordinatorB)).status).toBe(200);
      expect((await get(`/tasks/${publishedTask.id}`, coordinatorB)).status).toBe(200);
      for (const res of [
        await patch(`/initiatives/${published.id}`, coordinatorB, { title: 'Чуже' }),
        await post(`/initiatives/${published.id}/complete`, coordinatorB),
        await post(`/initiatives/${published.id}/cancel`, coordinatorB),
        await post(`/initiatives/${published.id}/tasks`, coordinatorB, taskBody()),
        await patch(`/tasks/${publishedTask.id}`, coordinatorB, { slots: 1 }),
        await post(`/tasks/${publishedTask.id}/close`, coordinatorB),
        await patch(`/initiatives/${published.id}`, citizen, { title: 'Чуже' }),
      ]) {
        expectProblem(res, 403);
      }
      const unchanged = await get(`/initiatives/${published.id}`);
      expect(unchanged.body).toMatchObject({ title: published.title, status: 'published' });
    });

    it('creates only for an organization the caller belongs to: 403 otherwise', async () => {
      const forB = await post(
        '/initiatives',
        coordinatorA,
        initiativeBody({ organizationId: orgB }),
      );
      const byCitizen = await post('/initiatives', citizen, initiativeBody());
      const byAdmin = await post('/initiatives', admin, initiativeBody());
      const unknownOrg = await post(
        '/initiatives',
        coordinatorA,
        initiativeBody({ organizationId: newId() }),
      );

      for (const res of [forB, byCitizen, byAdmin, unknownOrg]) expectProblem(res, 403);
    });

    it('shows drafts and cancelled ones only to their organization and admins', async () => {
      const draft = await createInitiative({ title: 'Чернетка видимості' });
      const cancelled = await createPublished({ title: 'Скасована видимості' });
      await post(`/initiatives/${cancelled.id}/cancel`, coordinatorA);

      for (const who of [undefined, citizen, coordinatorB]) {
        expectProblem(await get(`/initiatives/${draft.id}`, who), 404);
        expectProblem(await get(`/initiatives/${cancelled.id}`, who), 404);
      }
      for (const who of [coordinatorA, ownerA, admin]) {
        expect((await get(`/initiatives/${draft.id}`, who)).status).toBe(200);
        expect((await get(`/initiatives/${cancelled.id}`, who)).status).toBe(200);
      }
      const anonymous = await search(`organizationId=${orgA}&limit=100`);
      const outsiderDrafts = await search(`organizationId=${orgA}&status=draft`, coordinatorB);
      const memberAll = await search(`organizationId=${orgA}&limit=100`, coordinatorA);
      const memberDrafts = await search(`organizationId=${orgA}&status=draft&limit=100`, ownerA);
      const memberWithoutOrg = await search('status=draft', coordinatorA);
      const adminDrafts = await search('status=draft&limit=100', admin);

      expect(ids(anonymous.items)).not.toContain(draft.id);
      expect(ids(anonymous.items)).not.toContain(cancelled.id);
      expect(anonymous.items.every((i) => ['published', 'completed'].includes(i.status))).toBe(
        true,
      );
      expect(outsiderDrafts.items).toEqual([]);
      expect(ids(memberAll.items)).toEqual(expect.arrayContaining([draft.id, cancelled.id]));
      expect(ids(memberDrafts.items)).toContain(draft.id);
      expect(memberDrafts.items.every((i) => i.status === 'draft')).toBe(true);
      expect(memberWithoutOrg.items).toEqual([]);
      expect(ids(adminDrafts.items)).toContain(draft.id);
    });
  });

  describe('tasks', () => {
    it('adds tasks to co-delivery and co-monitoring initiatives, counted in stats', async () => {
      const initiative = await createPublished();
      const monitoring = await createInitiative({ mode: 'co-monitoring' });

      const res = await post(
        `/initiatives/${initiative.id}/tasks`,
        coordinatorA,
        taskBody({
          title: 'Розбір завалів',
          description: 'Рукавиці видаємо. <b>Не</b> HTML.',
          requiredSkills: ['first_aid', 'driving_licence_b'],
          slots: 7,
          location: { lat: 48.46, lng: 35.04 },
          urgency: 'critical',
          autoAccept: true,
        }),
      );
      await createTask(monitoring.id);
      const stats = await get(`/initiatives/${initiative.id}`);

      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        initiativeId: initiative.id,
        organizationId: orgA,
        title: 'Розбір завалів',
        description: 'Рукавиці видаємо. <b>Не</b> HTML.',
        requiredSkills: ['first_aid', 'driving_licence_b'],
        slots: 7,
        filled: 0,
        startsAt: expect.any(String),
        endsAt: expect.any(String),
        location: { lat: 48.46, lng: 35.04 },
        region: 'UA-12',
        urgency: 'critical',
        autoAccept: true,
        status: 'open',
        sourceReportId: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        closedAt: null,
      });
      expect(stats.body.stats).toMatchObject({ tasks: 1, openSlots: 7 });
      expect(stats.body.skills).toEqual(['driving_licence_b', 'first_aid']);
      expect((await get(`/tasks/${res.body.id}`)).body).toEqual(res.body);
    });

    it('409 for tasks of co-design, completed and cancelled initiatives', async () => {
      const design = await createInitiative({ mode: 'co-design' });
      const completed = await createPublished();
      await post(`/initiatives/${completed.id}/complete`, coordinatorA);
      const cancelled = await createInitiative();
      await post(`/initiatives/${cancelled.id}/cancel`, coordinatorA);

      for (const id of [design.id, completed.id, cancelled.id]) {
        expectProblem(await post(`/initiatives/${id}/tasks`, coordinatorA, taskBody()), 409);
      }
    });

    it('lists tasks by shift start with slots and filled, in pages', async () => {
      const initiative = await createPublished();
      const late = await createTask(initiative.id, { startsAt: inHours(50), endsAt: inHours(52) });
      const early = await createTask(initiative.id, { startsAt: inHours(2), endsAt: inHours(4) });
      const tiedA = await createTask(initiative.id, { startsAt: inHours(30), endsAt: inHours(31) });
      const tiedB = await createTask(initiative.id, {
        startsAt: tiedA.startsAt,
        endsAt: tiedA.endsAt,
      });
      await post(`/tasks/${late.id}/close`, coordinatorA);

      const seen: { id: string; slots: number; filled: number; status: string }[] = [];
      let cursor: string | null = null;
      do {
        const query = cursor ? `limit=1&cursor=${cursor}` : 'limit=1';
        const res = await get(`/initiatives/${initiative.id}/tasks?${query}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      const open = await get(`/initiatives/${initiative.id}/tasks?status=open`);

      const [firstTied, secondTied] = [tiedA.id, tiedB.id].sort();
      expect(seen.map((t) => t.id)).toEqual([early.id, firstTied, secondTied, late.id]);
      expect(seen.every((t) => t.slots === 5 && t.filled === 0)).toBe(true);
      expect(seen.map((t) => t.status)).toEqual(['open', 'open', 'open', 'closed']);
      expect(ids(open.body.items)).toEqual([early.id, firstTied, secondTied]);
    });

    it('edits a task, never below its filled slots (409), and closes it once', async () => {
      const initiative = await createPublished();
      const task = await createTask(initiative.id, { slots: 6 });
      // Two accepted applications, as the applications module will take slots: the task's
      // counters and the initiative's, by $inc.
      await connection
        .collection('tasks')
        .updateOne({ _id: new Types.ObjectId(task.id) }, { $inc: { filled: 2, openSlots: -2 } });
      await connection
        .collection('initiatives')
        .updateOne({ _id: new Types.ObjectId(initiative.id) }, { $inc: { 'stats.openSlots': -2 } });

      const below = await patch(`/tasks/${task.id}`, coordinatorA, { slots: 1 });
      const edited = await patch(`/tasks/${task.id}`, coordinatorA, {
        slots: 2,
        title: 'Вечірня зміна',
        description: null,
        requiredSkills: [],
      });
      const afterEdit = await get(`/initiatives/${initiative.id}`);
      const closed = await post(`/tasks/${task.id}/close`, ownerA);
      const closeAgain = await post(`/tasks/${task.id}/close`, coordinatorA);
      const editClosed = await patch(`/tasks/${task.id}`, coordinatorA, { slots: 3 });
      const afterClose = await get(`/initiatives/${initiative.id}`);

      expectProblem(below, 409);
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({
        slots: 2,
        filled: 2,
        title: 'Вечірня зміна',
        description: null,
        requiredSkills: [],
      });
      expect(afterEdit.body.stats).toMatchObject({ tasks: 1, openSlots: 0 });
      expect(afterEdit.body.skills).toEqual([]);
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
      expectProblem(closeAgain, 409);
      expectProblem(editClosed, 409);
      expect(afterClose.body.stats).toMatchObject({ tasks: 1, openSlots: 0 });
    });
  });

  describe('search', () => {
    const orgS = newId();
    let member: Actor;
    const seeded: Record<string, InitiativeView> = {};

    beforeAll(async () => {
      member = await actor(['citizen'], [{ organizationId: orgS, role: 'coordinator' }]);
      const seed = async (name: string, body: Body, then: (id: string) => Promise<unknown>) => {
        const created = await createInitiative({ organizationId: orgS, ...body }, member);
        await then(created.id);
        seeded[name] = (await get(`/initiatives/${created.id}`, member)).body as InitiativeView;
      };
      const publishIt = (id: string) => publish(id, member);
      await seed('delivery12', { mode: 'co-delivery', region: 'UA-12' }, async (id) => {
        await createTask(id, { requiredSkills: ['first_aid'] }, member);
        await publishIt(id);
      });
      await seed(
        'design46',
        { mode: 'co-design', category: 'education', region: 'UA-46' },
        publishIt,
      );
      await seed(
        'monitoring12done',
        { mode: 'co-monitoring', category: 'environment', region: 'UA-12' },
        async (id) => {
          await publishIt(id);
          await post(`/initiatives/${id}/complete`, member);
        },
      );
      await seed('shelterDraft', { category: 'shelter', region: 'UA-30' }, async () => undefined);
      await seed('shelter46', { category: 'shelter', region: 'UA-46' }, async (id) => {
        const task = await createTask(id, { requiredSkills: ['carpentry'] }, member);
        await post(`/tasks/${task.id}/close`, member);
        await publishIt(id);
      });
      await seed('health32', { category: 'healthcare', region: 'UA-32' }, async (id) => {
        await createTask(id, { requiredSkills: ['driving_licence_b', 'sonar_diving'] }, member);
        await publishIt(id);
      });
    });

    const inOrg = (query: string, as?: Actor) =>
      search(`organizationId=${orgS}&limit=100${query ? `&${query}` : ''}`, as);
    const names = (items: { id: string }[]) =>
      items.map((i) => Object.keys(seeded).find((k) => seeded[k].id === i.id) ?? i.id);

    it('answers public ones, newest published first, each with stats and an excerpt', async () => {
      const page = await inOrg('');

      expect(names(page.items)).toEqual([
        'health32',
        'shelter46',
        'monitoring12done',
        'design46',
        'delivery12',
      ]);
      expect(page.items[0]).toMatchObject({
        stats: { tasks: 1, openSlots: 5 },
        skills: ['driving_licence_b', 'sonar_diving'],
        excerpt: 'Прибираємо уламки й ремонтуємо дах.',
      });
      expect(page.items[0]).not.toHaveProperty('description');
      expect(page.nextCursor).toBeNull();
    });

    it('filters by mode, category, region, status and organization', async () => {
      expect(names((await inOrg('mode=co-delivery')).items)).toEqual([
        'health32',
        'shelter46',
        'delivery12',
      ]);
      expect(names((await inOrg('category=shelter')).items)).toEqual(['shelter46']);
      expect(names((await inOrg('region=UA-12')).items)).toEqual([
        'monitoring12done',
        'delivery12',
      ]);
      expect(names((await inOrg('mode=co-delivery&region=UA-12')).items)).toEqual(['delivery12']);
      expect(names((await inOrg('status=completed')).items)).toEqual(['monitoring12done']);
      expect(names((await inOrg('status=draft')).items)).toEqual([]);
      expect(names((await inOrg('status=draft', member)).items)).toEqual(['shelterDraft']);
      expect(names((await inOrg('category=shelter', member)).items)).toEqual([
        'shelter46',
        'shelterDraft',
      ]);
      const elsewhere = await search(`organizationId=${newId()}`);
      expect(elsewhere.items).toEqual([]);
    });

    it('filters by skills of open tasks (any of a comma list)', async () => {
      expect(names((await inOrg('skills=first_aid')).items)).toEqual(['delivery12']);
      expect(names((await inOrg('skills=first_aid,driving_licence_b')).items)).toEqual([
        'health32',
        'delivery12',
      ]);
      expect((await inOrg('skills=carpentry')).items).toEqual([]);
      expect(names((await search('skills=sonar_diving')).items)).toEqual(['health32']);
    });

    it('finds words in title, description and tags, folding case and apostrophes', async () => {
      const orgT = newId();
      const writer = await actor(['citizen'], [{ organizationId: orgT, role: 'owner' }]);
      const made = async (body: Body) =>
        (await createPublished({ organizationId: orgT, ...body }, writer)).id;
      const ascii = await made({ title: "П'ять укриттів для Харкова" });
      const modifier = await made({ description: 'Потрібно пʼять волонтерів на вихідні' });
      const typographic = await made({ title: 'Сховище', tags: ['П’ЯТЬ', 'генератор'] });
      const english = await made({ title: 'Roof repair in Lviv', category: 'shelter' });
      const unrelated = await made({ title: 'Шість ліжок' });
      const draft = await createInitiative(
        { organizationId: orgT, title: "Чернетка п'ять" },
        writer,
      );

      const found = async (q: string) =>
        ids((await search(`q=${encodeURIComponent(q)}&limit=100`)).items).sort();

      const fives = [ascii, modifier, typographic].sort();
      expect(await found("п'ять")).toEqual(fives);
      expect(await found('пʼять')).toEqual(fives);
      expect(await found('П’ЯТЬ')).toEqual(fives);
      expect(await found('ROOF')).toEqual([english]);
      expect(await found('roof lviv')).toEqual([english]);
      expect(await found('генератор')).toEqual([typographic]);
      expect(await found('шість')).toEqual([unrelated]);
      expect(await found('чернетка')).toEqual([]);
      expect(
        ids(
          (await search(`q=${encodeURIComponent('пʼять')}&organizationId=${orgT}`, writer)).items,
        ),
      ).toContain(draft.id);
      expect(ids((await search(`q=roof&category=education&organizationId=${orgT}`)).items)).toEqual(
        [],
      );
      expectProblem(await get('/initiatives?q=%21%21%21'), 400);
      expectProblem(await get(`/initiatives?q=${'a'.repeat(201)}`), 400);
    });

    it('sorts by distance from near=lat,lng within radiusKm, each with distanceKm', async () => {
      const orgG = newId();
      const writer = await actor(['citizen'], [{ organizationId: orgG, role: 'owner' }]);
      // Around Uzhhorod: no other test places anything there.
      const centre = { lat: 48.62, lng: 22.3 };
      const at = async (dLat: number) =>
        (
          await createPublished(
            { organizationId: orgG, location: { lat: centre.lat + dLat, lng: centre.lng } },
            writer,
          )
        ).id;
      const far = await at(0.36); // ~40 km
      const near = await at(0.045); // ~5 km
      const here = await at(0);
      const middle = await at(0.18); // ~20 km
      await createInitiative({ organizationId: orgG, location: centre }, writer); // a draft

      const within25 = await search(`near=${centre.lat},${centre.lng}`);
      const within50 = await search(`near=${centre.lat},${centre.lng}&radiusKm=50`);
      const within1 = await search(`near=${centre.lat},${centre.lng}&radiusKm=1`);

      expect(ids(within25.items)).toEqual([here, near, middle]);
      expect(ids(within50.items)).toEqual([here, near, middle, far]);
      expect(ids(within1.items)).toEqual([here]);
      // Along a meridian the distance is the latitude difference on MongoDB's sphere.
      const kmFor = (dLat: number) => ((dLat * Math.PI) / 180) * 6378.1;
      expect(within50.items.map((i) => i.distanceKm)).toEqual([
        0,
        expect.closeTo(kmFor(0.045), 2),
        expect.closeTo(kmFor(0.18), 2),
        expect.closeTo(kmFor(0.36), 2),
      ]);
      expect(within50.items.every((i) => i.location !== null)).toBe(true);
    });

    it('pages by distance with ties at one place, each item once', async () => {
      const orgG = newId();
      const writer = await actor(['citizen'], [{ organizationId: orgG, role: 'owner' }]);
      const spot = { lat: 44.95, lng: 34.1 }; // Simferopol: nothing else of the tests there
      const made: string[] = [];
      for (let i = 0; i < 7; i++) {
        const location = i < 5 ? spot : { lat: spot.lat + 0.001 * i, lng: spot.lng };
        made.push((await createPublished({ organizationId: orgG, location }, writer)).id);
      }

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await search(
          `near=${spot.lat},${spot.lng}&radiusKm=5&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...ids(page.items));
        cursor = page.nextCursor;
      } while (cursor);

      expect(seen).toEqual([...made.slice(0, 5).sort(), made[5], made[6]]);
    });

    it('keeps pages stable when initiatives are published while paging', async () => {
      const orgP = newId();
      const writer = await actor(['citizen'], [{ organizationId: orgP, role: 'owner' }]);
      const older: string[] = [];
      for (let i = 0; i < 7; i++) {
        older.unshift(
          (await createPublished({ organizationId: orgP, title: `Старіша ${i}` }, writer)).id,
        );
      }

      const first = await search(`organizationId=${orgP}&limit=3`);
      const newer = [
        (await createPublished({ organizationId: orgP, title: 'Новіша 1' }, writer)).id,
        (await createPublished({ organizationId: orgP, title: 'Новіша 2' }, writer)).id,
      ];
      const second = await search(`organizationId=${orgP}&limit=3&cursor=${first.nextCursor}`);
      newer.push((await createPublished({ organizationId: orgP, title: 'Новіша 3' }, writer)).id);
      const third = await search(`organizationId=${orgP}&limit=3&cursor=${second.nextCursor}`);
      const fromTop = await search(`organizationId=${orgP}&limit=100`);

      const paged = [...ids(first.items), ...ids(second.items), ...ids(third.items)];
      expect(paged).toEqual(older);
      expect(third.nextCursor).toBeNull();
      expect(ids(fromTop.items)).toEqual([...newer.reverse(), ...older]);
    });

    it('pages the whole public list with the default limit of 20, up to 100 a page', async () => {
      const orgL = newId();
      const writer = await actor(['citizen'], [{ organizationId: orgL, role: 'owner' }]);
      for (let i = 0; i < 21; i++) await createPublished({ organizationId: orgL }, writer);

      const byDefault = await search('');
      const max = await search('limit=100');
      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await search(`limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        all.push(...ids(page.items));
        cursor = page.nextCursor;
      } while (cursor);

      expect(byDefault.items).toHaveLength(20);
      expect(byDefault.nextCursor).not.toBeNull();
      expect(max.items.length).toBeGreaterThan(20);
      expect(new Set(all).size).toBe(all.length);
      expect(all.slice(0, max.items.length)).toEqual(ids(max.items));
      const published = all.length;
      expect(published).toBeGreaterThanOrEqual(21);
      for (const res of [
        await get('/initiatives?limit=0'),
        await get('/initiatives?limit=101'),
        await get('/initiatives?limit=abc'),
        await get('/initiatives?limit=1.5'),
        await get('/initiatives?limit=20&limit=30'),
      ]) {
        expectProblem(res, 400);
      }
    });

    it('refuses malformed and foreign cursors with 400', async () => {
      const nearPage = await search('near=48.46,35.04&radiusKm=500&limit=1');
      const rankedPage = await search('limit=1');
      expect(nearPage.nextCursor).not.toBeNull();
      expect(rankedPage.nextCursor).not.toBeNull();

      for (const cursor of [
        'garbage',
        'AAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        '%7B%22%24gt%22%3A1%7D',
        'a'.repeat(65),
        nearPage.nextCursor,
      ]) {
        expectProblem(await get(`/initiatives?cursor=${cursor}`), 400);
      }
      expectProblem(
        await get(`/initiatives/${seeded.delivery12.id}/tasks?cursor=${rankedPage.nextCursor}`),
        400,
      );
    });
  });

  describe('bad input', () => {
    it('answers 400 problems for bad initiative bodies, never 5xx', async () => {
      const bad: Body[] = [
        { role: 'admin' },
        { title: 42 },
        { title: { $ne: '' } },
        { title: ['a', 'b'] },
        { description: { $gt: '' } },
        { title: 'ab' },
        { title: 'x'.repeat(161) },
        { description: 'x'.repeat(10_001) },
        { description: '   ' },
        { title: 'Назва\u0000з нулем' },
        { title: 'Назва \ud800' },
        { mode: 'co-everything' },
        { category: 'weapons' },
        { region: 'UA-99' },
        { region: 'Київ' },
        { district: 'x'.repeat(81) },
        { organizationId: 'not-an-id' },
        { organizationId: { $ne: null } },
        { location: { lat: 60, lng: 30 } },
        { location: { lat: 50, lng: 200 } },
        { location: { lat: '50', lng: 30 } },
        { location: [30, 50] },
        { startsAt: inHours(48), endsAt: inHours(24) },
        { startsAt: '2001-01-01T00:00:00Z' },
        { startsAt: inHours(24 * 365 * 6) },
        { startsAt: '2025-02-30T10:00:00Z' },
        { startsAt: '2025-06-01' },
        { startsAt: 'tomorrow' },
        { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) },
        { tags: ['a', 'a'] },
        { tags: ['x'.repeat(41)] },
        { tags: 'one' },
      ];

      for (const overrides of bad) {
        const res = await post('/initiatives', coordinatorA, initiativeBody(overrides));
        expectProblem(res, 400);
        expectFieldErrorOn(res, overrides);
      }
    });

    it('refuses prototype keys, malformed JSON, wrong content types and huge bodies', async () => {
      const proto = await call('post', '/initiatives', {
        as: coordinatorA,
        raw: JSON.stringify(initiativeBody()).replace('{', '{"__proto__":{"admin":true},'),
      });
      const constructor = await call('post', '/initiatives', {
        as: coordinatorA,
        raw: JSON.stringify(initiativeBody()).replace(
          '{',
          '{"constructor":{"prototype":{"admin":true}},',
        ),
      });
      const malformed = await call('post', '/initiatives', { as: coordinatorA, raw: '{"title":' });
      const huge = await post(
        '/initiatives',
        coordinatorA,
        initiativeBody({ description: 'x'.repeat(1_100_000) }),
      );
      const form = await http
        .post('/api/v1/initiatives')
        .set('Authorization', `Bearer ${coordinatorA.token}`)
        .type('form')
        .send('title=x');
      statuses.push(form.status);

      expectProblem(proto, 400);
      expectProblem(constructor, 400);
      expectProblem(malformed, 400);
      expectProblem(huge, 413);
      expectProblem(form, 415);
    });

    it('answers 400 problems for bad task bodies', async () => {
      const initiative = await createInitiative();
      const bad: Body[] = [
        { slots: 0 },
        { slots: 10_001 },
        { slots: 1.5 },
        { slots: '5' },
        { slots: -1 },
        { requiredSkills: ['First Aid'] },
        { requiredSkills: ['first_aid', 'first_aid'] },
        { requiredSkills: Array.from({ length: 11 }, (_, i) => `skill_${i}`) },
        { requiredSkills: ['x'.repeat(41)] },
        { requiredSkills: [{ $ne: '' }] },
        { startsAt: inHours(5), endsAt: inHours(4) },
        { startsAt: inHours(5), endsAt: inHours(5) },
        { startsAt: inHours(-48), endsAt: inHours(-40) },
        { startsAt: inHours(1), endsAt: inHours(1 + 24 * 30 + 1) },
        { startsAt: undefined },
        { urgency: 'apocalyptic' },
        { autoAccept: 'yes' },
        { location: { lat: 0, lng: 0 } },
        { title: '' },
        { description: 'x'.repeat(5001) },
        { filled: 3 },
        { status: 'closed' },
        { sourceReportId: newId() },
      ];

      for (const overrides of bad) {
        const res = await post(
          `/initiatives/${initiative.id}/tasks`,
          coordinatorA,
          taskBody(overrides),
        );
        expectProblem(res, 400);
        expectFieldErrorOn(res, overrides);
      }
      const created = await createTask(initiative.id);
      for (const body of [{ slots: 0 }, { filled: 0 }, { endsAt: created.startsAt }, {}]) {
        expectProblem(await patch(`/tasks/${created.id}`, coordinatorA, body), 400);
      }
      expect((await get(`/initiatives/${initiative.id}`, coordinatorA)).body.stats.tasks).toBe(1);
    });

    it('answers 400 problems for bad search queries', async () => {
      for (const query of [
        'mode=co-everything',
        'category=weapons',
        'region=UA-99',
        'status=archived',
        'organizationId=xyz',
        'organizationId[$ne]=x',
        'skills=First%20Aid',
        'skills=a,a',
        `skills=${Array.from({ length: 11 }, (_, i) => `s${i}`).join(',')}`,
        'near=abc',
        'near=91,30',
        'near=48.4,181',
        'near=48.4',
        'near=48.4,35&radiusKm=501',
        'near=48.4,35&radiusKm=0',
        'near=48.4,35&radiusKm=ten',
        'radiusKm=10',
        `q=${encodeURIComponent('дах')}&near=48.4,35`,
        'q=%00',
        'unknown=1',
        'mode=co-design&mode=co-delivery',
      ]) {
        expectProblem(await get(`/initiatives?${query}`), 400);
      }
    });
  });

  it('documents every route, with limits, in the OpenAPI document', async () => {
    const res = await http.get('/api/docs-json');
    const doc = res.body as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties: Record<string, Body> }> };
    };

    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/initiatives',
        '/api/v1/initiatives/{id}',
        '/api/v1/initiatives/{id}/publish',
        '/api/v1/initiatives/{id}/complete',
        '/api/v1/initiatives/{id}/cancel',
        '/api/v1/initiatives/{id}/tasks',
        '/api/v1/tasks/{id}',
        '/api/v1/tasks/{id}/close',
      ]),
    );
    expect(Object.keys(doc.paths['/api/v1/initiatives'])).toEqual(
      expect.arrayContaining(['get', 'post']),
    );
    const create = doc.components.schemas.CreateInitiativeDto.properties;
    expect(create.title).toMatchObject({ minLength: 3, maxLength: 160 });
    expect(create.description).toMatchObject({ maxLength: 10_000 });
    const task = doc.components.schemas.CreateTaskDto.properties;
    expect(task.slots).toMatchObject({ minimum: 1, maximum: 10_000 });
    const searchParams = (doc.paths['/api/v1/initiatives'].get as { parameters: Body[] })
      .parameters;
    expect(searchParams.map((p) => p.name)).toEqual(
      expect.arrayContaining(['mode', 'q', 'near', 'radiusKm', 'skills', 'limit', 'cursor']),
    );
  });
});
