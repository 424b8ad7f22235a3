/**
 * Applications over a real NATS and MongoDB wire server, for what the gateway cannot show:
 * events written with their change, slots and counters under racing requests (one volunteer's
 * overlapping shifts, a withdrawal racing new applications), the waitlist's order, the people
 * read model fed by the users service's events from JetStream, and erasure.
 */
import { randomUUID } from 'node:crypto';
import { INestMicroservice } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import { connect, NatsConnection } from 'nats';
import {
  ApplicationEvent,
  ApplicationView,
  DomainError,
  ErrorCode,
  EventEnvelope,
  EventSubjects,
  InitiativeView,
  MyApplicationPage,
  Principal,
  Subjects,
  TaskApplicationPage,
  TaskView,
} from '@spilno/contracts';
import { createLogger, loadConfig, ServiceConfig } from '@spilno/config';
import {
  createServiceApp,
  erasureDurable,
  natsConnectionOptions,
  outboxModel,
  processedEventModel,
  RpcClient,
} from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
import { AppModule } from '../src/app.module';
import { PEOPLE_DURABLE } from '../src/applications/volunteers/volunteers.consumer';

const orgA = new Types.ObjectId().toHexString();
const orgB = new Types.ObjectId().toHexString();
const newId = () => new Types.ObjectId().toHexString();
const coordinatorA: Principal = {
  userId: newId(),
  roles: ['citizen'],
  memberships: [{ organizationId: orgA, role: 'coordinator' }],
};
const coordinatorB: Principal = {
  userId: newId(),
  roles: ['citizen'],
  memberships: [{ organizationId: orgB, role: 'owner' }],
};
const volunteer = (): Principal => ({ userId: newId(), roles: ['citizen'], memberships: [] });

const HOUR = 3_600_000;
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

describe('applications (e2e, real NATS and MongoDB wire server)', () => {
  let nats: TestNatsServer;
  let app: INestMicroservice;
  let client: RpcClient;
  let connection: Connection;
  let publisher: NatsConnection;

  beforeAll(async () => {
    nats = await startNatsServer();
    const mongo = await testMongo('applications');
    app = await createServiceApp({
      service: 'initiatives',
      module: AppModule,
      config: loadConfig(ServiceConfig, { NATS_URL: nats.url, MONGODB_URI: mongo.uri }),
      logger: createLogger('initiatives', 'silent'),
    });
    client = await RpcClient.connect([nats.url], 'applications-e2e', 10_000);
    connection = app.get<Connection>(getConnectionToken());
    publisher = await connect(natsConnectionOptions([nats.url], 'applications-e2e-users'));
  });

  afterAll(async () => {
    await publisher?.close();
    await client?.close();
    await app?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  function send<T>(subject: string, data: unknown, principal: Principal | null): Promise<T> {
    return client.send<T>(subject, data, { meta: { requestId: 'applications-e2e', principal } });
  }

  function failure(promise: Promise<unknown>): Promise<DomainError> {
    return promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (e: DomainError) => e,
    );
  }

  async function publishedInitiative(): Promise<InitiativeView> {
    const draft = await send<InitiativeView>(
      Subjects.initiatives.initiativeCreate,
      {
        organizationId: orgA,
        title: 'Відбудова школи',
        description: 'Прибираємо уламки',
        mode: 'co-delivery',
        category: 'reconstruction',
        region: 'UA-12',
      },
      coordinatorA,
    );
    return send(Subjects.initiatives.initiativePublish, { initiativeId: draft.id }, coordinatorA);
  }

  function createTask(initiativeId: string, overrides: object = {}) {
    return send<TaskView>(
      Subjects.initiatives.taskCreate,
      {
        initiativeId,
        title: 'Зміна з прибирання',
        slots: 2,
        startsAt: inHours(24),
        endsAt: inHours(28),
        ...overrides,
      },
      coordinatorA,
    );
  }

  const apply = (taskId: string, who: Principal, extra: object = {}) =>
    send<ApplicationView>(Subjects.initiatives.applicationCreate, { taskId, ...extra }, who);
  const step = (subject: string, applicationId: string, who: Principal, extra: object = {}) =>
    send<ApplicationView>(subject, { applicationId, ...extra }, who);
  const getTask = (taskId: string) =>
    send<TaskView>(Subjects.initiatives.taskGet, { taskId }, coordinatorA);
  const getInitiative = (initiativeId: string) =>
    send<InitiativeView>(Subjects.initiatives.initiativeGet, { initiativeId }, coordinatorA);

  async function eventsOf(taskId: string): Promise<{ subject: string; data: ApplicationEvent }[]> {
    const records = await outboxModel(connection)
      .find({ 'envelope.data.taskId': taskId })
      .sort({ position: 1 })
      .lean()
      .exec();
    return records
      .filter((r) => r.subject.startsWith('evt.initiatives.application.'))
      .map((r) => ({ subject: r.subject, data: (r.envelope as { data: ApplicationEvent }).data }));
  }

  async function publishUserEvent(type: string, data: object): Promise<void> {
    const envelope: EventEnvelope = {
      id: randomUUID(),
      type,
      occurredAt: new Date().toISOString(),
      source: 'users',
      data,
    };
    await publisher
      .jetstream()
      .publish(type, new TextEncoder().encode(JSON.stringify(envelope)), { msgID: envelope.id });
  }

  async function until<T>(attempt: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const value = await attempt();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('walks the lifecycle with events, counters and the volunteer’s hours', async () => {
    const initiative = await publishedInitiative();
    const task = await createTask(initiative.id, { slots: 3 });
    const olena = volunteer();

    const pending = await apply(task.id, olena, {
      message: '<b>Маю авто</b>',
      contact: 'Telegram @olena',
    });
    const accepted = await step(Subjects.initiatives.applicationAccept, pending.id, coordinatorA);
    const afterAccept = await getInitiative(initiative.id);
    await step(Subjects.initiatives.applicationCheckIn, pending.id, coordinatorA);
    const completed = await step(
      Subjects.initiatives.applicationComplete,
      pending.id,
      coordinatorA,
      {
        hours: 3.5,
      },
    );
    const mine = await send<MyApplicationPage>(Subjects.initiatives.applicationListMine, {}, olena);

    expect(pending).toMatchObject({
      status: 'pending',
      userId: olena.userId,
      message: '<b>Маю авто</b>',
      contact: 'Telegram @olena',
    });
    expect(accepted.status).toBe('accepted');
    expect(afterAccept.stats).toMatchObject({ openSlots: 2, volunteers: 1, hours: 0 });
    expect(completed).toMatchObject({ status: 'completed', hours: 3.5 });
    expect((await getTask(task.id)).filled).toBe(1);
    expect((await getInitiative(initiative.id)).stats).toMatchObject({ volunteers: 1, hours: 3.5 });
    expect(mine).toMatchObject({ verifiedHours: 3.5, completedShifts: 1 });
    expect(mine.items[0]).toMatchObject({
      id: pending.id,
      hours: 3.5,
      task: { id: task.id, title: 'Зміна з прибирання' },
      initiative: { id: initiative.id, title: 'Відбудова школи' },
    });
    const events = await eventsOf(task.id);
    expect(events.map((e) => [e.subject, e.data.previousStatus, e.data.status])).toEqual([
      [EventSubjects.initiatives.applicationSubmitted, null, 'pending'],
      [EventSubjects.initiatives.applicationAccepted, 'pending', 'accepted'],
      [EventSubjects.initiatives.applicationCheckedIn, 'accepted', 'checked_in'],
      [EventSubjects.initiatives.applicationCompleted, 'checked_in', 'completed'],
    ]);
    expect(events[3].data).toMatchObject({
      userId: olena.userId,
      hours: 3.5,
      slots: 3,
      filled: 1,
      initiativeId: initiative.id,
      organizationId: orgA,
    });
    expect(JSON.stringify(events)).not.toMatch(/Маю авто|Telegram/);
  });

  it('takes the steps only from their statuses, and only the right people', async () => {
    const initiative = await publishedInitiative();
    const task = await createTask(initiative.id);
    const petro = volunteer();
    const application = await apply(task.id, petro);

    const completeEarly = await failure(
      step(Subjects.initiatives.applicationComplete, application.id, coordinatorA, { hours: 2 }),
    );
    const selfAccept = await failure(
      step(Subjects.initiatives.applicationAccept, application.id, petro),
    );
    const otherOrg = await failure(
      step(Subjects.initiatives.applicationAccept, application.id, coordinatorB),
    );
    const coordinatorWithdraws = await failure(
      step(Subjects.initiatives.applicationWithdraw, application.id, coordinatorA),
    );
    const stranger = await failure(
      send(Subjects.initiatives.applicationGet, { applicationId: application.id }, volunteer()),
    );
    const badHours = await failure(
      step(Subjects.initiatives.applicationComplete, application.id, coordinatorA, { hours: 1.1 }),
    );
    const list = await failure(
      send(Subjects.initiatives.applicationList, { taskId: task.id }, petro),
    );

    expect(completeEarly.code).toBe(ErrorCode.Conflict);
    expect(selfAccept.code).toBe(ErrorCode.Forbidden);
    expect(otherOrg.code).toBe(ErrorCode.NotFound);
    expect(coordinatorWithdraws.code).toBe(ErrorCode.Forbidden);
    expect(stranger.code).toBe(ErrorCode.NotFound);
    expect(badHours.code).toBe(ErrorCode.Validation);
    expect(list.code).toBe(ErrorCode.Forbidden);
  });

  it('answers 409 for a second application, a closed task and an unpublished initiative', async () => {
    const initiative = await publishedInitiative();
    const task = await createTask(initiative.id);
    const closed = await createTask(initiative.id);
    await send(Subjects.initiatives.taskClose, { taskId: closed.id }, coordinatorA);
    const draft = await send<InitiativeView>(
      Subjects.initiatives.initiativeCreate,
      {
        organizationId: orgA,
        title: 'Чернетка',
        description: 'Ще не опубліковано',
        mode: 'co-delivery',
        category: 'shelter',
        region: 'UA-12',
      },
      coordinatorA,
    );
    const draftTask = await createTask(draft.id);
    const ivan = volunteer();
    const racing = volunteer();

    await apply(task.id, ivan);
    const second = await failure(apply(task.id, ivan));
    const together = await Promise.allSettled([apply(task.id, racing), apply(task.id, racing)]);
    const toClosed = await failure(apply(closed.id, ivan));
    const toDraftAsMember = await failure(apply(draftTask.id, coordinatorA));
    const toDraftAsCitizen = await failure(apply(draftTask.id, ivan));

    expect(second.code).toBe(ErrorCode.Conflict);
    expect(together.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(together.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: ErrorCode.Conflict },
    });
    expect(toClosed.code).toBe(ErrorCode.Conflict);
    expect(toDraftAsMember.code).toBe(ErrorCode.Conflict);
    expect(toDraftAsCitizen.code).toBe(ErrorCode.NotFound);
  });

  it('lets a volunteer who withdrew apply again', async () => {
    const initiative = await publishedInitiative();
    const task = await createTask(initiative.id);
    const oksana = volunteer();
    const first = await apply(task.id, oksana);
    await step(Subjects.initiatives.applicationWithdraw, first.id, oksana);

    const again = await apply(task.id, oksana);

    expect(again).toMatchObject({ status: 'pending' });
    expect(again.id).not.toBe(first.id);
  });

  it('never accepts one volunteer for two overlapping shifts, however the requests race', async () => {
    const initiative = await publishedInitiative();
    const morning = await createTask(initiative.id, {
      autoAccept: true,
      startsAt: inHours(30),
      endsAt: inHours(34),
    });
    const overlapping = await createTask(initiative.id, {
      autoAccept: true,
      startsAt: inHours(33),
      endsAt: inHours(37),
    });
    const later = await createTask(initiative.id, {
      autoAccept: true,
      startsAt: inHours(34),
      endsAt: inHours(38),
    });
    const andriy = volunteer();

    const raced = await Promise.allSettled([
      apply(morning.id, andriy),
      apply(overlapping.id, andriy),
    ]);
    const adjacent = await apply(later.id, andriy);

    const outcomes = raced.map((r) => (r.status === 'fulfilled' ? r.value.status : r.reason.code));
    expect(outcomes.sort()).toEqual(['accepted', ErrorCode.Conflict].sort());
    expect(adjacent.status).toBe('accepted');
    const filled = (await getTask(morning.id)).filled + (await getTask(overlapping.id)).filled;
    expect(filled).toBe(1);
  });

  it('refuses to accept a pending application whose shift overlaps an accepted one', async () => {
    const initiative = await publishedInitiative();
    const first = await createTask(initiative.id, { startsAt: inHours(40), endsAt: inHours(44) });
    const second = await createTask(initiative.id, { startsAt: inHours(42), endsAt: inHours(46) });
    const maria = volunteer();
    const a = await apply(first.id, maria);
    const b = await apply(second.id, maria);
    await step(Subjects.initiatives.applicationAccept, a.id, coordinatorA);

    const refused = await failure(step(Subjects.initiatives.applicationAccept, b.id, coordinatorA));

    expect(refused).toMatchObject({
      code: ErrorCode.Conflict,
      message: expect.stringMatching(/overlap/),
    });
  });

  it('waitlists when full, and promotes the first waitlisted when a slot frees', async () => {
    const initiative = await publishedInitiative();
    const task = await createTask(initiative.id, { slots: 1, autoAccept: true });
    const [first, second, third] = [volunteer(), volunteer(), volunteer()];
    const holder = await apply(task.id, first);
    const waiting = await apply(task.id, second);
    const alsoWaiting = await apply(task.id, third);

    const full = await failure(
      step(Subjects.initiatives.applicationAccept, waiting.id, coordinatorA),
    );
    await step(Subjects.initiatives.applicationWithdraw, holder.id, first);
    const acceptAgain = await step(
      Subjects.initiatives.applicationAccept,
      waiting.id,
      coordinatorA,
    ).catch((e: DomainError) => e);
    const afterWithdraw = await send<ApplicationView>(
      Subjects.initiatives.applicationGet,
      { applicationId: waiting.id },
      second,
    );

    expect([holder.status, waiting.status, alsoWaiting.status]).toEqual([
      'accepted',
      'waitlisted',
      'waitlisted',
    ]);
    expect(full.code).toBe(ErrorCode.Conflict);
    expect(afterWithdraw.status).toBe('accepted');
    expect(acceptAgain).toMatchObject({ code: ErrorCode.Conflict });
    expect((await getTask(task.id)).filled).toBe(1);
    expect((await getInitiative(initiative.id)).stats).toMatchObject({
      openSlots: 0,
      volunteers: 1,
    });
    const events = await eventsOf(task.id);
    expect(events.map((e) => e.subject)).toEqual([
      EventSubjects.initiatives.applicationAccepted,
      EventSubjects.initiatives.applicationWaitlisted,
      EventSubjects.initiatives.applicationWaitlisted,
      EventSubjects.initiatives.applicationWithdrawn,
      EventSubjects.initiatives.applicationPromoted,
    ]);
    expect(events[4].data).toMatchObject({
      applicationId: waiting.id,
      userId: second.userId,
      previousStatus: 'waitlisted',
      status: 'accepted',
      filled: 1,
    });
  });

  it('keeps filled within slots when a rejection races new applications', async () => {
    const initiative = await publishedInitiative();
    const task = await createTask(initiative.id, { slots: 2, autoAccept: true });
    const holders = [await apply(task.id, volunteer()), await apply(task.id, volunteer())];

    const results = await Promise.allSettled([
      step(Subjects.initiatives.applicationReject, holders[0].id, coordinatorA),
      ...Array.from({ length: 6 }, () => apply(task.id, volunteer())),
    ]);

    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const page = await send<TaskApplicationPage>(
      Subjects.initiatives.applicationList,
      { taskId: task.id, limit: 100 },
      coordinatorA,
    );
    const count = (status: string) => page.items.filter((a) => a.status === status).length;
    expect([count('accepted'), count('waitlisted'), count('rejected')]).toEqual([2, 5, 1]);
    const after = await getTask(task.id);
    expect(after).toMatchObject({ slots: 2, filled: 2 });
    const stored = await connection
      .collection('tasks')
      .findOne({ _id: new Types.ObjectId(task.id) });
    expect(stored).toMatchObject({ openSlots: 0, filled: 2 });
    expect((await getInitiative(initiative.id)).stats).toMatchObject({
      openSlots: 0,
      volunteers: 2,
    });
  });

  it('replays an Idempotency-Key answer, and refuses the key with another body (422)', async () => {
    const initiative = await publishedInitiative();
    const task = await createTask(initiative.id, { autoAccept: true });
    const taras = volunteer();
    const key = randomUUID();

    const [first, repeat] = await Promise.all([
      apply(task.id, taras, { message: 'Буду', idempotencyKey: key }),
      apply(task.id, taras, { message: 'Буду', idempotencyKey: key }),
    ]);
    const other = await failure(apply(task.id, taras, { message: 'Інше', idempotencyKey: key }));

    expect(repeat).toEqual(first);
    expect(first.status).toBe('accepted');
    expect(other.code).toBe(ErrorCode.Unprocessable);
    expect((await getTask(task.id)).filled).toBe(1);
  });

  it('shows organizers what applicants share, from the users service’s events', async () => {
    const initiative = await publishedInitiative();
    const task = await createTask(initiative.id);
    const halyna = volunteer();
    const profile = {
      userId: halyna.userId,
      displayName: 'Галина',
      locale: 'uk',
      region: 'UA-12',
      district: 'Петриківка',
      birthYear: 1980,
      languages: ['uk'],
      skills: [{ code: 'first_aid', level: 2 }],
      availability: [{ day: 'sat', from: '09:00', to: '13:00' }],
      maxHoursPerWeek: 8,
      contactable: false,
      researchConsent: false,
      location: { lat: 48.5, lng: 34.6 },
      updatedAt: new Date(Date.now() - 1000).toISOString(),
      registeredAt: new Date(Date.now() - 1000).toISOString(),
    };
    await publishUserEvent(EventSubjects.users.userRegistered, profile);
    await publishUserEvent(EventSubjects.users.userUpdated, {
      ...profile,
      skills: [{ code: 'driving_licence_b', level: 3 }],
      updatedAt: new Date().toISOString(),
    });
    await apply(task.id, halyna, { contact: '+380 67 000 00 00' });

    const page = await until(
      () =>
        send<TaskApplicationPage>(
          Subjects.initiatives.applicationList,
          { taskId: task.id },
          coordinatorA,
        ),
      (p) => p.items[0]?.volunteer?.skills[0]?.code === 'driving_licence_b',
    );

    expect(page.items[0]).toMatchObject({
      contact: '+380 67 000 00 00',
      volunteer: {
        id: halyna.userId,
        displayName: 'Галина',
        skills: [{ code: 'driving_licence_b', level: 3 }],
        languages: ['uk'],
        region: 'UA-12',
        district: 'Петриківка',
        availability: [{ day: 'sat', from: '09:00', to: '13:00' }],
        contactable: false,
      },
    });
    expect(JSON.stringify(page)).not.toMatch(/1980|birthYear|48\.5|location/);
  });

  it('erases a volunteer: pseudonymous applications keep status and hours, nothing else', async () => {
    const initiative = await publishedInitiative();
    const task = await createTask(initiative.id, { slots: 2 });
    const later = await createTask(initiative.id, { startsAt: inHours(60), endsAt: inHours(62) });
    const roman = volunteer();
    await publishUserEvent(EventSubjects.users.userRegistered, {
      userId: roman.userId,
      displayName: 'Роман Унікальний',
      locale: 'uk',
      region: null,
      district: null,
      birthYear: null,
      languages: [],
      skills: [],
      availability: [],
      maxHoursPerWeek: null,
      contactable: true,
      researchConsent: false,
      location: null,
      updatedAt: new Date().toISOString(),
      registeredAt: new Date().toISOString(),
    });
    const done = await apply(task.id, roman, { message: 'Роман, тел. 067', contact: '067' });
    await step(Subjects.initiatives.applicationAccept, done.id, coordinatorA);
    await step(Subjects.initiatives.applicationCheckIn, done.id, coordinatorA);
    await step(Subjects.initiatives.applicationComplete, done.id, coordinatorA, { hours: 2 });
    await apply(later.id, roman, { message: 'Ще раз', idempotencyKey: randomUUID() });
    const exported = await send<Record<string, unknown[]>>(
      Subjects.initiatives.subjectExport,
      {},
      roman,
    );
    const processed = processedEventModel(connection);
    const erasuresBefore = await processed.countDocuments({
      consumer: erasureDurable('initiatives'),
    });

    await publishUserEvent(EventSubjects.users.userErased, {
      userId: roman.userId,
      erasedAt: new Date().toISOString(),
    });
    await until(
      () => processed.countDocuments({ consumer: erasureDurable('initiatives') }),
      (n) => n > erasuresBefore,
    );
    await until(
      () => connection.collection('volunteers').countDocuments({ _id: roman.userId as never }),
      (n) => n === 0,
    );

    expect(exported.participation).toHaveLength(2);
    expect(exported.volunteerRecord).toEqual([
      expect.objectContaining({ hours: 2, completedShifts: 1 }),
    ]);
    expect(exported.applicationRequests).toHaveLength(1);
    const stored = await connection
      .collection('applications')
      .find({ taskId: { $in: [new Types.ObjectId(task.id), new Types.ObjectId(later.id)] } })
      .toArray();
    expect(stored).toHaveLength(2);
    for (const application of stored) {
      expect(application.userId).toMatch(/^erased:[0-9a-f]{24}$/);
      expect(application).not.toHaveProperty('message');
      expect(application).not.toHaveProperty('contact');
    }
    expect(stored.find((a) => a.status === 'completed')).toMatchObject({ hours: 2 });
    expect(new Set(stored.map((a) => a.userId)).size).toBe(1);
    for (const collection of [
      'applications',
      'volunteer_records',
      'volunteers',
      'application_requests',
    ]) {
      const documents = await connection.collection(collection).find().toArray();
      expect({ collection, hit: JSON.stringify(documents).includes(roman.userId) }).toEqual({
        collection,
        hit: false,
      });
    }
    expect((await getInitiative(initiative.id)).stats).toMatchObject({ hours: 2, volunteers: 1 });
    const list = await send<TaskApplicationPage>(
      Subjects.initiatives.applicationList,
      { taskId: task.id },
      coordinatorA,
    );
    expect(list.items[0]).toMatchObject({ userId: null, volunteer: null, hours: 2 });
    expect(await processed.countDocuments({ consumer: PEOPLE_DURABLE })).toBeGreaterThan(0);
  });

  it('builds the indexes its queries and rules rely on', async () => {
    const keys = (await connection.collection('applications').listIndexes().toArray()).map((i) => ({
      key: JSON.stringify(i.key),
      unique: i.unique ?? false,
      partial: i.partialFilterExpression ?? null,
    }));

    expect(keys).toEqual(
      expect.arrayContaining([
        {
          key: JSON.stringify({ taskId: 1, userId: 1 }),
          unique: true,
          partial: { active: true },
        },
        expect.objectContaining({
          key: JSON.stringify({ taskId: 1, status: 1, createdAt: 1, _id: 1 }),
        }),
        expect.objectContaining({ key: JSON.stringify({ userId: 1, createdAt: -1, _id: -1 }) }),
      ]),
    );
  });
});
