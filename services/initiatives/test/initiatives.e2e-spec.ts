/**
 * The initiatives service's subjects over a real NATS and MongoDB wire server, for what the
 * gateway cannot show: events in the outbox written with their change, counters and skills kept
 * on the initiative by task changes (also when they race), the cascade when an initiative ends,
 * checks against the real document whatever the caller sends, and the query plans of searches.
 */
import { INestMicroservice } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import {
  DomainError,
  ErrorCode,
  EventSubjects,
  InitiativeEvent,
  InitiativeView,
  Principal,
  Subjects,
  TaskEvent,
  TaskView,
} from '@spilno/contracts';
import { createLogger, loadConfig, ServiceConfig } from '@spilno/config';
import { createServiceApp, outboxModel, RpcClient } from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
import { AppModule } from '../src/app.module';
import { InitiativesRepository } from '../src/initiatives/initiatives.repository';

const orgA = new Types.ObjectId().toHexString();
const orgB = new Types.ObjectId().toHexString();
const coordinatorA: Principal = {
  userId: new Types.ObjectId().toHexString(),
  roles: ['citizen'],
  memberships: [{ organizationId: orgA, role: 'coordinator' }],
};
const coordinatorB: Principal = {
  userId: new Types.ObjectId().toHexString(),
  roles: ['citizen'],
  memberships: [{ organizationId: orgB, role: 'owner' }],
};
const citizen: Principal = {
  userId: new Types.ObjectId().toHexString(),
  roles: ['citizen'],
  memberships: [],
};

const HOUR = 3_600_000;
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

describe('initiatives service (e2e, real NATS and MongoDB wire server)', () => {
  let nats: TestNatsServer;
  let app: INestMicroservice;
  let client: RpcClient;
  let connection: Connection;

  beforeAll(async () => {
    nats = await startNatsServer();
    const mongo = await testMongo('initiatives');
    app = await createServiceApp({
      service: 'initiatives',
      module: AppModule,
      config: loadConfig(ServiceConfig, { NATS_URL: nats.url, MONGODB_URI: mongo.uri }),
      logger: createLogger('initiatives', 'silent'),
    });
    client = await RpcClient.connect([nats.url], 'initiatives-e2e', 10_000);
    connection = app.get<Connection>(getConnectionToken());
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  function send<T>(subject: string, data: unknown, principal: Principal | null): Promise<T> {
    return client.send<T>(subject, data, {
      meta: { requestId: 'initiatives-e2e', principal },
    });
  }

  function failure(promise: Promise<unknown>): Promise<DomainError> {
    return promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (e: DomainError) => e,
    );
  }

  async function createInitiative(overrides: object = {}, principal = coordinatorA) {
    return send<InitiativeView>(
      Subjects.initiatives.initiativeCreate,
      {
        organizationId: orgA,
        title: 'Відбудова школи',
        description: 'Прибираємо уламки й ремонтуємо дах',
        mode: 'co-delivery',
        category: 'reconstruction',
        region: 'UA-12',
        ...overrides,
      },
      principal,
    );
  }

  function createTask(initiativeId: string, overrides: object = {}) {
    return send<TaskView>(
      Subjects.initiatives.taskCreate,
      {
        initiativeId,
        title: 'Зміна з прибирання',
        requiredSkills: ['first_aid'],
        slots: 5,
        startsAt: inHours(24),
        endsAt: inHours(28),
        ...overrides,
      },
      coordinatorA,
    );
  }

  function get(initiativeId: string, principal: Principal | null = coordinatorA) {
    return send<InitiativeView>(Subjects.initiatives.initiativeGet, { initiativeId }, principal);
  }

  async function eventsOf<T>(subject: string, key: keyof T, id: string): Promise<T[]> {
    const records = await outboxModel(connection)
      .find({ subject })
      .sort({ position: 1 })
      .lean()
      .exec();
    return records
      .map((r) => (r.envelope as { data: T }).data)
      .filter((data) => (data[key] as unknown) === id);
  }

  it('writes initiative events with their change, without the description', async () => {
    const draft = await createInitiative({ description: 'Опис, якого немає в подіях' });

    const published = await send<InitiativeView>(
      Subjects.initiatives.initiativePublish,
      { initiativeId: draft.id },
      coordinatorA,
    );
    await send(
      Subjects.initiatives.initiativeUpdate,
      { initiativeId: draft.id, changes: { title: 'Відбудова школи №5', district: null } },
      coordinatorA,
    );

    const [publishedEvent] = await eventsOf<InitiativeEvent>(
      EventSubjects.initiatives.initiativePublished,
      'initiativeId',
      draft.id,
    );
    const [updatedEvent] = await eventsOf<InitiativeEvent>(
      EventSubjects.initiatives.initiativeUpdated,
      'initiativeId',
      draft.id,
    );
    expect(publishedEvent).toMatchObject({
      initiativeId: draft.id,
      organizationId: orgA,
      mode: 'co-delivery',
      region: 'UA-12',
      status: 'published',
      publishedAt: published.publishedAt,
    });
    expect(updatedEvent).toMatchObject({ title: 'Відбудова школи №5', status: 'published' });
    const serialized = JSON.stringify([publishedEvent, updatedEvent]);
    expect(serialized).not.toContain('Опис');
    expect(serialized).not.toContain(coordinatorA.userId);
  });

  it('writes initiative.completed and initiative.cancelled when initiatives end', async () => {
    const toComplete = await createInitiative();
    const toCancel = await createInitiative();
    await send(
      Subjects.initiatives.initiativePublish,
      { initiativeId: toComplete.id },
      coordinatorA,
    );

    const completed = await send<InitiativeView>(
      Subjects.initiatives.initiativeComplete,
      { initiativeId: toComplete.id },
      coordinatorA,
    );
    const cancelled = await send<InitiativeView>(
      Subjects.initiatives.initiativeCancel,
      { initiativeId: toCancel.id },
      coordinatorA,
    );

    expect(
      await eventsOf<InitiativeEvent>(
        EventSubjects.initiatives.initiativeCompleted,
        'initiativeId',
        toComplete.id,
      ),
    ).toEqual([
      expect.objectContaining({
        status: 'completed',
        completedAt: completed.completedAt,
        changedAt: completed.completedAt,
      }),
    ]);
    expect(
      await eventsOf<InitiativeEvent>(
        EventSubjects.initiatives.initiativeCancelled,
        'initiativeId',
        toCancel.id,
      ),
    ).toEqual([
      expect.objectContaining({
        status: 'cancelled',
        publishedAt: null,
        cancelledAt: cancelled.cancelledAt,
      }),
    ]);
  });

  it('builds the indexes the searches rely on, on whichever server runs', async () => {
    const indexes = await connection.collection('initiatives').listIndexes().toArray();
    const keys = indexes.map((index) => JSON.stringify(index.key));
    const text = indexes.find((index) => index.name === 'initiative_search_text');

    expect(keys).toEqual(
      expect.arrayContaining([
        JSON.stringify({ visibility: 1, rankedAt: -1, _id: -1 }),
        JSON.stringify({ visibility: 1, mode: 1, region: 1, rankedAt: -1, _id: -1 }),
        JSON.stringify({ organizationId: 1, rankedAt: -1, _id: -1 }),
        JSON.stringify({ visibility: 1, skills: 1, rankedAt: -1, _id: -1 }),
        JSON.stringify({ location: '2dsphere' }),
      ]),
    );
    expect(text).toMatchObject({ default_language: 'none', weights: { searchText: 1 } });
    const taskKeys = (await connection.collection('tasks').listIndexes().toArray()).map((i) =>
      JSON.stringify(i.key),
    );
    expect(taskKeys).toEqual(
      expect.arrayContaining([
        JSON.stringify({ initiativeId: 1, startsAt: 1, _id: 1 }),
        JSON.stringify({ initiativeId: 1, status: 1, startsAt: 1, _id: 1 }),
      ]),
    );
  });

  it('keeps stats and skills of the initiative with its tasks, and writes task events', async () => {
    const initiative = await createInitiative();
    const first = await createTask(initiative.id, { slots: 5, requiredSkills: ['first_aid'] });
    const second = await createTask(initiative.id, {
      slots: 3,
      requiredSkills: ['driving_licence_b', 'first_aid'],
      location: { lat: 48.46, lng: 35.04 },
      urgency: 'high',
    });

    const afterCreate = await get(initiative.id);
    await send(
      Subjects.initiatives.taskUpdate,
      { taskId: first.id, changes: { slots: 8, requiredSkills: ['carpentry'] } },
      coordinatorA,
    );
    const afterUpdate = await get(initiative.id);
    await send(Subjects.initiatives.taskClose, { taskId: second.id }, coordinatorA);
    const afterClose = await get(initiative.id);

    expect(afterCreate.stats).toMatchObject({ tasks: 2, openSlots: 8 });
    expect(afterCreate.skills).toEqual(['driving_licence_b', 'first_aid']);
    expect(afterUpdate.stats).toMatchObject({ tasks: 2, openSlots: 11 });
    expect(afterUpdate.skills).toEqual(['carpentry', 'driving_licence_b', 'first_aid']);
    expect(afterClose.stats).toMatchObject({ tasks: 2, openSlots: 8 });
    expect(afterClose.skills).toEqual(['carpentry']);
    expect(afterClose.updatedAt).toBe(initiative.updatedAt);

    const created = await eventsOf<TaskEvent>(
      EventSubjects.initiatives.taskCreated,
      'taskId',
      second.id,
    );
    const closed = await eventsOf<TaskEvent>(
      EventSubjects.initiatives.taskClosed,
      'taskId',
      second.id,
    );
    expect(created).toEqual([
      {
        taskId: second.id,
        initiativeId: initiative.id,
        organizationId: orgA,
        title: 'Зміна з прибирання',
        requiredSkills: ['driving_licence_b', 'first_aid'],
        slots: 3,
        filled: 0,
        startsAt: second.startsAt,
        endsAt: second.endsAt,
        location: { lat: 48.46, lng: 35.04 },
        region: 'UA-12',
        urgency: 'high',
        autoAccept: false,
        status: 'open',
        initiativeStatus: 'draft',
        sourceReportId: null,
        changedAt: second.createdAt,
      },
    ]);
    expect(closed).toEqual([expect.objectContaining({ status: 'closed', slots: 3 })]);
    const updated = await eventsOf<TaskEvent>(
      EventSubjects.initiatives.taskUpdated,
      'taskId',
      first.id,
    );
    expect(updated).toEqual([
      expect.objectContaining({ slots: 8, requiredSkills: ['carpentry'], status: 'open' }),
    ]);
  });

  it('counts every task when tasks of one initiative are created at once', async () => {
    const initiative = await createInitiative();

    const created = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        createTask(initiative.id, { slots: i + 1, requiredSkills: [`skill_${i}`] }),
      ),
    );

    const after = await get(initiative.id);
    expect(created).toHaveLength(6);
    expect(after.stats).toMatchObject({ tasks: 6, openSlots: 21 });
    expect(after.skills).toEqual(Array.from({ length: 6 }, (_, i) => `skill_${i}`));
  });

  it('bounds the distinct skills of open tasks at 50 (409), freed again by closing', async () => {
    const initiative = await createInitiative();
    const skillsOf = (task: number) => Array.from({ length: 10 }, (_, i) => `bound_${task}_${i}`);
    const tasks: TaskView[] = [];
    for (let i = 0; i < 5; i++)
      tasks.push(await createTask(initiative.id, { requiredSkills: skillsOf(i) }));

    const sixth = await failure(createTask(initiative.id, { requiredSkills: skillsOf(5) }));
    const reused = await createTask(initiative.id, { requiredSkills: skillsOf(0) });
    await send(Subjects.initiatives.taskClose, { taskId: tasks[4].id }, coordinatorA);
    const afterClose = await createTask(initiative.id, { requiredSkills: skillsOf(5) });

    expect(sixth).toMatchObject({
      code: ErrorCode.Conflict,
      errors: [{ field: 'requiredSkills' }],
    });
    expect(reused.status).toBe('open');
    expect(afterClose.status).toBe('open');
    expect((await get(initiative.id)).stats.tasks).toBe(7);
  });

  it('closes the open tasks of an initiative that ends, one task.closed each', async () => {
    const initiative = await createInitiative();
    const open = await createTask(initiative.id);
    const alreadyClosed = await createTask(initiative.id);
    await send(Subjects.initiatives.taskClose, { taskId: alreadyClosed.id }, coordinatorA);
    await send(
      Subjects.initiatives.initiativePublish,
      { initiativeId: initiative.id },
      coordinatorA,
    );

    const published = await send<TaskView>(Subjects.initiatives.taskGet, { taskId: open.id }, null);
    const completed = await send<InitiativeView>(
      Subjects.initiatives.initiativeComplete,
      { initiativeId: initiative.id },
      coordinatorA,
    );
    const closedTask = await send<TaskView>(
      Subjects.initiatives.taskGet,
      { taskId: open.id },
      null,
    );

    expect(published.status).toBe('open');
    expect(completed).toMatchObject({ status: 'completed', skills: [] });
    expect(completed.stats).toMatchObject({ tasks: 2, openSlots: 0 });
    expect(closedTask).toMatchObject({ status: 'closed', closedAt: completed.completedAt });
    const closedEvents = await eventsOf<TaskEvent>(
      EventSubjects.initiatives.taskClosed,
      'initiativeId',
      initiative.id,
    );
    expect(closedEvents.map((e) => [e.taskId, e.initiativeStatus])).toEqual([
      [alreadyClosed.id, 'draft'],
      [open.id, 'completed'],
    ]);
    const refused = await failure(
      send(
        Subjects.initiatives.taskUpdate,
        { taskId: open.id, changes: { slots: 2 } },
        coordinatorA,
      ),
    );
    expect(refused.code).toBe(ErrorCode.Conflict);
  });

  it('never lowers slots below filled, also when a slot was taken after the read', async () => {
    const initiative = await createInitiative();
    const task = await createTask(initiative.id, { slots: 4 });
    // What an accepted application does (the applications module will): one conditional $inc.
    const tasks = connection.collection('tasks');
    const take = () =>
      tasks.updateOne(
        { _id: new Types.ObjectId(task.id), status: 'open', openSlots: { $gt: 0 } },
        { $inc: { filled: 1, openSlots: -1 } },
      );
    await take();
    await take();
    await take();

    const below = await failure(
      send(
        Subjects.initiatives.taskUpdate,
        { taskId: task.id, changes: { slots: 2 } },
        coordinatorA,
      ),
    );
    const fits = await send<TaskView>(
      Subjects.initiatives.taskUpdate,
      { taskId: task.id, changes: { slots: 3 } },
      coordinatorA,
    );

    expect(below).toMatchObject({ code: ErrorCode.Conflict, errors: [{ field: 'slots' }] });
    expect(fits).toMatchObject({ slots: 3, filled: 3 });
    expect(await tasks.findOne({ _id: new Types.ObjectId(task.id) })).toMatchObject({
      openSlots: 0,
    });
  });

  it('checks the caller against the real document, whatever the caller sends', async () => {
    const draftOfA = await createInitiative();
    const publishedOfA = await createInitiative();
    await send(
      Subjects.initiatives.initiativePublish,
      { initiativeId: publishedOfA.id },
      coordinatorA,
    );
    const change = (initiativeId: string, principal: Principal) =>
      failure(
        send(
          Subjects.initiatives.initiativeUpdate,
          { initiativeId, changes: { title: 'Захоплено' } },
          principal,
        ),
      );

    expect((await change(draftOfA.id, coordinatorB)).code).toBe(ErrorCode.NotFound);
    expect((await change(publishedOfA.id, coordinatorB)).code).toBe(ErrorCode.Forbidden);
    expect((await change(publishedOfA.id, citizen)).code).toBe(ErrorCode.Forbidden);
    expect((await failure(get(draftOfA.id, null))).code).toBe(ErrorCode.NotFound);
    const forOtherOrg = await failure(createInitiative({ organizationId: orgB }));
    expect(forOtherOrg.code).toBe(ErrorCode.Forbidden);
    const anonymous = await failure(createInitiative({}, null as unknown as Principal));
    expect(anonymous.code).toBe(ErrorCode.Unauthenticated);
  });

  it('validates payloads again on receipt', async () => {
    const initiative = await createInitiative();
    const attempts: Record<string, () => Promise<unknown>> = {
      unknownField: () => createInitiative({ role: 'admin' }),
      operatorObject: () => createInitiative({ title: { $ne: '' } }),
      unknownMode: () => createInitiative({ mode: 'co-everything' }),
      outsideUkraine: () => createInitiative({ location: { lat: 10, lng: 30 } }),
      endsBeforeStart: () => createInitiative({ startsAt: inHours(10), endsAt: inHours(9) }),
      distantPast: () => createInitiative({ startsAt: '2001-01-01T00:00:00Z' }),
      noSlots: () => createTask(initiative.id, { slots: 0 }),
      tooManySlots: () => createTask(initiative.id, { slots: 10_001 }),
      notASkillCode: () => createTask(initiative.id, { requiredSkills: ['First Aid'] }),
      longShift: () => createTask(initiative.id, { startsAt: inHours(1), endsAt: inHours(745) }),
      limitAbove100: () => send(Subjects.initiatives.initiativeSearch, { limit: 101 }, null),
      foreignCursor: () =>
        send(Subjects.initiatives.initiativeSearch, { cursor: 'bm90IGEgY3Vyc29y' }, null),
    };

    const codes: Record<string, ErrorCode> = {};
    for (const [name, attempt] of Object.entries(attempts)) {
      codes[name] = (await failure(attempt())).code;
    }

    expect(codes).toEqual(
      Object.fromEntries(Object.keys(attempts).map((name) => [name, ErrorCode.Validation])),
    );
  });

  // explain('executionStats') counts what the server actually read, embedded or real.
  it('answers filtered searches from an index, reading about a page of documents (explain)', async () => {
    for (let i = 0; i < 40; i++) {
      const seeded = await createInitiative({
        mode: i % 2 ? 'co-delivery' : 'co-design',
        region: i % 4 < 2 ? 'UA-12' : 'UA-46',
      });
      if (i % 2 && i % 3 === 0) await createTask(seeded.id, { requiredSkills: ['welding'] });
      await send(Subjects.initiatives.initiativePublish, { initiativeId: seeded.id }, coordinatorA);
    }
    const repository = app.get(InitiativesRepository);
    const limit = 3;
    const searches = [
      { visibility: 'public' as const },
      { visibility: 'public' as const, mode: 'co-delivery' as const, region: 'UA-12' as const },
      { visibility: 'public' as const, category: 'reconstruction' as const },
      { organizationId: new Types.ObjectId(orgA) },
      { status: 'published' as const },
      { visibility: 'public' as const, skills: ['welding'] },
    ];
    for (const filters of searches) {
      const explained = (await repository
        .rankedPageQuery(filters, null, limit)
        .explain('executionStats')) as unknown as {
        queryPlanner: { winningPlan: unknown };
        executionStats: { totalDocsExamined: number; nReturned: number };
      };
      const plan = JSON.stringify(explained.queryPlanner.winningPlan);
      expect(plan).toContain('IXSCAN');
      expect(plan).not.toContain('COLLSCAN');
      expect(explained.executionStats.nReturned).toBe(limit);
      expect(explained.executionStats.totalDocsExamined).toBeLessThanOrEqual(2 * limit);
    }
  });
});
