/**
 * Co-monitoring over a real NATS and MongoDB wire server: reports on published co-monitoring
 * initiatives, who sees which and how exactly placed, triage and its event, the hand-off of a
 * verified report to a co-delivery task (one transaction, once, also when requests race), and
 * erasure of a reporter.
 */
import { randomUUID } from 'node:crypto';
import { INestMicroservice } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import { connect, NatsConnection } from 'nats';
import {
  DomainError,
  ErrorCode,
  EventEnvelope,
  EventSubjects,
  InitiativeView,
  Principal,
  ReportPage,
  ReportVerifiedEvent,
  ReportView,
  Subjects,
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
  memberships: [{ organizationId: orgB, role: 'coordinator' }],
};
const citizen = (): Principal => ({ userId: newId(), roles: ['citizen'], memberships: [] });

const HOUR = 3_600_000;
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();
const PLACE = { lat: 48.464717, lng: 35.046183 };

describe('reports (e2e, real NATS and MongoDB wire server)', () => {
  let nats: TestNatsServer;
  let app: INestMicroservice;
  let client: RpcClient;
  let connection: Connection;
  let publisher: NatsConnection;

  beforeAll(async () => {
    nats = await startNatsServer();
    const mongo = await testMongo('reports');
    app = await createServiceApp({
      service: 'initiatives',
      module: AppModule,
      config: loadConfig(ServiceConfig, { NATS_URL: nats.url, MONGODB_URI: mongo.uri }),
      logger: createLogger('initiatives', 'silent'),
    });
    client = await RpcClient.connect([nats.url], 'reports-e2e', 10_000);
    connection = app.get<Connection>(getConnectionToken());
    publisher = await connect(natsConnectionOptions([nats.url], 'reports-e2e-users'));
  });

  afterAll(async () => {
    await publisher?.close();
    await client?.close();
    await app?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  function send<T>(subject: string, data: unknown, principal: Principal | null): Promise<T> {
    return client.send<T>(subject, data, { meta: { requestId: 'reports-e2e', principal } });
  }

  function failure(promise: Promise<unknown>): Promise<DomainError> {
    return promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (e: DomainError) => e,
    );
  }

  async function initiative(
    mode = 'co-monitoring',
    who: Principal = coordinatorA,
    organizationId = orgA,
  ): Promise<InitiativeView> {
    const draft = await send<InitiativeView>(
      Subjects.initiatives.initiativeCreate,
      {
        organizationId,
        title: 'Стан мостів міста',
        description: 'Повідомляйте про пошкодження',
        mode,
        category: 'infrastructure',
        region: 'UA-12',
      },
      who,
    );
    return send(Subjects.initiatives.initiativePublish, { initiativeId: draft.id }, who);
  }

  const report = (initiativeId: string, who: Principal, overrides: object = {}) =>
    send<ReportView>(
      Subjects.initiatives.reportCreate,
      {
        initiativeId,
        title: 'Тріщина в опорі',
        description: 'Біля мого під’їзду, вул. Тиха 5',
        severity: 'high',
        location: PLACE,
        observedAt: inHours(-2),
        evidenceUrls: ['https://example.org/crack.jpg'],
        ...overrides,
      },
      who,
    );
  const triage = (reportId: string, status: string, who: Principal = coordinatorA) =>
    send<ReportView>(Subjects.initiatives.reportReview, { reportId, status }, who);
  const list = (initiativeId: string, who: Principal | null, query: object = {}) =>
    send<ReportPage>(Subjects.initiatives.reportList, { initiativeId, ...query }, who);
  const handOff = (reportId: string, initiativeId: string, who: Principal = coordinatorA) =>
    send<TaskView>(
      Subjects.initiatives.reportHandOff,
      {
        reportId,
        initiativeId,
        title: 'Огородити опору',
        slots: 3,
        startsAt: inHours(24),
        endsAt: inHours(27),
        urgency: 'high',
      },
      who,
    );

  async function until<T>(attempt: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const value = await attempt();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('takes reports on published co-monitoring initiatives, and checks them again', async () => {
    const monitoring = await initiative();
    const delivery = await initiative('co-delivery');
    const reporter = citizen();

    const created = await report(monitoring.id, reporter);
    const onDelivery = await failure(report(delivery.id, reporter));
    const codes: Record<string, ErrorCode> = {};
    for (const [name, overrides] of Object.entries({
      future: { observedAt: inHours(1) },
      tooOld: { observedAt: inHours(-24 * 400) },
      http: { evidenceUrls: ['http://example.org/a.jpg'] },
      sixUrls: { evidenceUrls: Array.from({ length: 6 }, (_, i) => `https://e.org/${i}`) },
      outsideUkraine: { location: { lat: 10, lng: 30 } },
      badSeverity: { severity: 'urgent' },
      unknownField: { reporterName: 'x' },
    })) {
      codes[name] = (await failure(report(monitoring.id, reporter, overrides))).code;
    }

    expect(created).toMatchObject({
      status: 'new',
      location: PLACE,
      locationPrecision: 'exact',
      mine: true,
      taskId: null,
    });
    expect(created).not.toHaveProperty('userId');
    expect(onDelivery.code).toBe(ErrorCode.Conflict);
    expect(Object.values(codes).every((c) => c === ErrorCode.Validation)).toBe(true);
    const stats = await send<InitiativeView>(
      Subjects.initiatives.initiativeGet,
      { initiativeId: monitoring.id },
      null,
    );
    expect(stats.stats.reports).toBe(1);
  });

  it('shows the public verified and resolved reports to ~1 km, organizers all of them exactly', async () => {
    const monitoring = await initiative();
    const reporter = citizen();
    const fresh = await report(monitoring.id, reporter, { severity: 'low' });
    const verified = await report(monitoring.id, citizen());
    const rejected = await report(monitoring.id, citizen(), { severity: 'critical' });
    await triage(verified.id, 'verified');
    await triage(rejected.id, 'rejected');

    const anonymous = await list(monitoring.id, null);
    const ownView = await list(monitoring.id, reporter);
    const organizers = await list(monitoring.id, coordinatorA);
    const otherOrg = await list(monitoring.id, coordinatorB);
    const critical = await list(monitoring.id, coordinatorA, { severity: 'critical' });
    const hiddenOne = await failure(
      send(Subjects.initiatives.reportGet, { reportId: fresh.id }, citizen()),
    );

    expect(anonymous.items.map((r) => [r.id, r.location, r.locationPrecision, r.mine])).toEqual([
      [verified.id, { lat: 48.46, lng: 35.05 }, 'approximate', false],
    ]);
    expect(JSON.stringify(anonymous)).not.toContain(reporter.userId);
    expect(ownView.items.map((r) => [r.id, r.locationPrecision, r.mine])).toEqual([
      [verified.id, 'approximate', false],
      [fresh.id, 'exact', true],
    ]);
    expect(organizers.items.map((r) => r.id)).toEqual([rejected.id, verified.id, fresh.id]);
    expect(organizers.items.every((r) => r.locationPrecision === 'exact')).toBe(true);
    expect(otherOrg.items.map((r) => r.id)).toEqual([verified.id]);
    expect(critical.items.map((r) => r.id)).toEqual([rejected.id]);
    expect(hiddenOne.code).toBe(ErrorCode.NotFound);
  });

  it('triages forward only, and announces a verification without the reporter', async () => {
    const monitoring = await initiative();
    const reporter = citizen();
    const created = await report(monitoring.id, reporter);

    const byReporter = await failure(triage(created.id, 'verified', reporter));
    const verified = await send<ReportView>(
      Subjects.initiatives.reportReview,
      { reportId: created.id, status: 'verified', response: 'Передано службам' },
      coordinatorA,
    );
    const byCitizen = await failure(triage(created.id, 'resolved', citizen()));
    const resolved = await triage(created.id, 'resolved');
    const backwards = await failure(triage(created.id, 'verified'));

    expect(byReporter.code).toBe(ErrorCode.Forbidden);
    expect(verified).toMatchObject({ status: 'verified', response: 'Передано службам' });
    expect(byCitizen.code).toBe(ErrorCode.Forbidden);
    expect(resolved).toMatchObject({ status: 'resolved', response: 'Передано службам' });
    expect(backwards.code).toBe(ErrorCode.Conflict);
    const records = await outboxModel(connection)
      .find({
        subject: EventSubjects.initiatives.reportVerified,
        'envelope.data.reportId': created.id,
      })
      .lean()
      .exec();
    expect(records.map((r) => (r.envelope as EventEnvelope<ReportVerifiedEvent>).data)).toEqual([
      {
        reportId: created.id,
        initiativeId: monitoring.id,
        organizationId: orgA,
        severity: 'high',
        location: { lat: 48.46, lng: 35.05 },
        observedAt: created.observedAt,
        verifiedAt: verified.reviewedAt,
      },
    ]);
    expect(JSON.stringify(records)).not.toContain(reporter.userId);
  });

  it('turns a verified report into one co-delivery task, linked both ways', async () => {
    const monitoring = await initiative();
    const delivery = await initiative('co-delivery');
    const otherMonitoring = await initiative();
    const ofOtherOrg = await initiative('co-delivery', coordinatorB, orgB);
    const created = await report(monitoring.id, citizen());
    const notVerified = await failure(handOff(created.id, delivery.id));
    await triage(created.id, 'verified');

    const toMonitoring = await failure(handOff(created.id, otherMonitoring.id));
    const toOtherOrg = await failure(handOff(created.id, ofOtherOrg.id));
    const byOtherOrg = await failure(handOff(created.id, ofOtherOrg.id, coordinatorB));
    const raced = await Promise.allSettled([
      handOff(created.id, delivery.id),
      handOff(created.id, delivery.id),
    ]);

    expect(notVerified.code).toBe(ErrorCode.Conflict);
    expect(toMonitoring.code).toBe(ErrorCode.Conflict);
    expect(toOtherOrg.code).toBe(ErrorCode.Forbidden);
    expect(byOtherOrg.code).toBe(ErrorCode.Forbidden);
    expect(raced.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const task = raced.find((r) => r.status === 'fulfilled')!.value as TaskView;
    expect(raced.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: ErrorCode.Conflict },
    });
    expect(task).toMatchObject({
      initiativeId: delivery.id,
      sourceReportId: created.id,
      title: 'Огородити опору',
      slots: 3,
    });
    const linked = await send<ReportView>(
      Subjects.initiatives.reportGet,
      { reportId: created.id },
      null,
    );
    expect(linked.taskId).toBe(task.id);
    const target = await send<InitiativeView>(
      Subjects.initiatives.initiativeGet,
      { initiativeId: delivery.id },
      null,
    );
    expect(target.stats).toMatchObject({ tasks: 1, openSlots: 3 });
    const again = await failure(handOff(created.id, delivery.id));
    expect(again.code).toBe(ErrorCode.Conflict);
  });

  it('erases a reporter: the text and evidence go, the place is rounded, the triage stays', async () => {
    const monitoring = await initiative();
    const reporter = citizen();
    const created = await report(monitoring.id, reporter);
    await send(
      Subjects.initiatives.reportReview,
      { reportId: created.id, status: 'verified', response: 'Дякуємо' },
      coordinatorA,
    );
    const processed = processedEventModel(connection);
    const before = await processed.countDocuments({ consumer: erasureDurable('initiatives') });
    const envelope: EventEnvelope = {
      id: randomUUID(),
      type: EventSubjects.users.userErased,
      occurredAt: new Date().toISOString(),
      source: 'users',
      data: { userId: reporter.userId, erasedAt: new Date().toISOString() },
    };

    await publisher
      .jetstream()
      .publish(envelope.type, new TextEncoder().encode(JSON.stringify(envelope)), {
        msgID: envelope.id,
      });
    await until(
      () => processed.countDocuments({ consumer: erasureDurable('initiatives') }),
      (n) => n > before,
    );

    const stored = await connection
      .collection('reports')
      .findOne({ _id: new Types.ObjectId(created.id) });
    expect(stored).toMatchObject({
      status: 'verified',
      severity: 'high',
      response: 'Дякуємо',
      evidenceUrls: [],
      location: { type: 'Point', coordinates: [35.05, 48.46] },
      userId: expect.stringMatching(/^erased:/),
    });
    expect(JSON.stringify(stored)).not.toMatch(/Тріщина|Тиха|crack|48\.4647/);
    const seen = await send<ReportView>(
      Subjects.initiatives.reportGet,
      { reportId: created.id },
      coordinatorA,
    );
    expect(seen).toMatchObject({ status: 'verified', mine: false });
  });
});
