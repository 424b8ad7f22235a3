/**
 * The users service's side of data-subject rights, over a real NATS (JetStream) and MongoDB
 * wire server: its outbox relay running with the service, the export of what it holds, and the
 * erasure in one transaction with its events. What the gateway shows (HTTP, the other
 * services) is in gateway/test/privacy.e2e-spec.ts.
 */
import { createHash } from 'node:crypto';
import { INestMicroservice } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import { NatsConnection, connect } from 'nats';
import {
  AuthSession,
  ErrorCode,
  EVENTS_STREAM,
  EventSubjects,
  RequestMeta,
  Subjects,
  SubjectErasure,
  UsersSubjectExport,
} from '@spilno/contracts';
import { createLogger } from '@spilno/config';
import {
  createServiceApp,
  natsConnectionOptions,
  OutboxRecord,
  outboxModel,
  RpcClient,
} from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
import { AppModule } from '../src/app.module';
import { loadUsersConfig } from '../src/config/users.config';

const PASSWORD = 'a long enough passphrase';
const CLIENT_IP = '10.1.2.3';

function metaFor(userId: string | null): RequestMeta {
  return {
    requestId: 'users-privacy-e2e',
    principal: userId ? { userId, roles: ['citizen'], memberships: [] } : null,
  };
}

async function waitFor<T>(attempt: () => Promise<T>, accept: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await attempt();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('users data-subject rights (e2e, real NATS and MongoDB wire server)', () => {
  let nats: TestNatsServer;
  let mongoUri: string;
  let app: INestMicroservice;
  let client: RpcClient;
  let nc: NatsConnection;

  const startUsers = () =>
    createServiceApp({
      service: 'users',
      module: AppModule,
      config: loadUsersConfig({
        NATS_URL: nats.url,
        MONGODB_URI: mongoUri,
        JWT_SECRET: 'users-service-tests-secret-at-least-32-chars',
      }),
      logger: createLogger('users', 'silent'),
    });
  const db = () => app.get<Connection>(getConnectionToken());
  const outbox = () => outboxModel(db());

  beforeAll(async () => {
    nats = await startNatsServer();
    mongoUri = (await testMongo('users')).uri;
    app = await startUsers();
    client = await RpcClient.connect([nats.url], 'users-privacy-e2e', 10_000);
    nc = await connect(natsConnectionOptions([nats.url], 'users-privacy-e2e-js'));
  });

  afterAll(async () => {
    await nc?.close();
    await client?.close();
    await app?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  const register = (email: string, displayName: string) =>
    client.send<AuthSession>(
      Subjects.users.register,
      { email, password: PASSWORD, displayName, clientIp: CLIENT_IP },
      { meta: metaFor(null) },
    );

  const login = (email: string, password = PASSWORD) =>
    client.send<AuthSession>(
      Subjects.users.login,
      { email, password, clientIp: CLIENT_IP },
      { meta: metaFor(null) },
    );

  const failureOf = (call: Promise<unknown>) =>
    call.then(
      () => null,
      (e: { code?: ErrorCode }) => e.code ?? null,
    );

  /** The outbox record of `subject` about `userId`, once the relay has published it. */
  const published = (subject: string, userId: string) =>
    waitFor(
      () =>
        outbox().findOne({ subject, 'envelope.data.userId': userId }).lean<OutboxRecord>().exec(),
      (r) => typeof r?.streamSeq === 'number',
    );

  it('runs the outbox relay with the service: the registration event reaches the stream', async () => {
    const session = await register('relay@example.org', 'Релей');

    const record = await published(EventSubjects.users.userRegistered, session.user.id);

    expect(record?.publishedAt).toBeInstanceOf(Date);
    const jsm = await nc.jetstreamManager();
    const message = await jsm.streams.getMessage(EVENTS_STREAM, { seq: record?.streamSeq ?? 0 });
    expect(message.subject).toBe(EventSubjects.users.userRegistered);
  });

  it('takes the relay over after a restart of the service (its lease is released on stop)', async () => {
    await app.close();
    app = await startUsers();

    const session = await register('restart@example.org', 'Рестарт');

    const record = await published(EventSubjects.users.userRegistered, session.user.id);
    expect(record?.streamSeq).toEqual(expect.any(Number));
  });

  it('exports the account, profile, memberships, sessions and events, never a secret', async () => {
    const session = await register('export@example.org', 'Експорт');
    const organizationId = await seedOwnership(session.user.id);

    const exported = await client.send<UsersSubjectExport>(
      Subjects.users.subjectExport,
      {},
      { meta: metaFor(session.user.id) },
    );

    expect(exported.account).toMatchObject({
      id: session.user.id,
      email: 'export@example.org',
      displayName: 'Експорт',
      roles: ['citizen'],
    });
    expect(exported.profile).not.toHaveProperty('passwordHash');
    expect(exported.memberships).toEqual([
      expect.objectContaining({ organizationId: organizationId.toHexString(), role: 'owner' }),
    ]);
    expect(exported.sessions).toEqual([
      {
        _id: expect.any(String),
        familyId: expect.any(String),
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
        spentAt: null,
        revokedAt: null,
        revoked: false,
      },
    ]);
    expect(exported.events).toEqual([
      expect.objectContaining({ subject: EventSubjects.users.userRegistered }),
    ]);
    expect(JSON.stringify(exported)).not.toMatch(/passwordHash|tokenHash|successorSealed|argon2/);
  });

  it('erases in one go: account pseudonymised; sessions, memberships, counters gone; events out', async () => {
    const email = 'erase@example.org';
    const session = await register(email, 'Тарас Стерта');
    const organizationId = await seedOwnership(session.user.id);
    expect(await failureOf(login(email, 'a wrong password, surely'))).toBe(
      ErrorCode.Unauthenticated,
    );
    const counters = db().collection('sign_in_attempts');
    const counterPrefix = `account:${createHash('sha256').update(email).digest('hex')}:`;
    const countCounters = async () =>
      (await counters.find().toArray()).filter((c) => String(c._id).startsWith(counterPrefix))
        .length;
    expect(await countCounters()).toBe(1);
    const registered = await published(EventSubjects.users.userRegistered, session.user.id);

    const erasure = await client.send<SubjectErasure>(
      Subjects.users.subjectErase,
      {},
      { meta: metaFor(session.user.id) },
    );

    expect(erasure).toEqual({ userId: session.user.id, erasedAt: expect.any(String) });
    const account = await db()
      .collection('users')
      .findOne({ _id: new Types.ObjectId(session.user.id) });
    expect(account).toEqual({
      _id: new Types.ObjectId(session.user.id),
      email: expect.stringMatching(/^erased\+[0-9a-f]{24}@invalid$/),
      passwordHash: expect.stringMatching(/^\$argon2id\$/),
      displayName: 'Видалений користувач',
      locale: 'uk',
      roles: [],
      status: 'erased',
      erasedAt: new Date(erasure.erasedAt),
      createdAt: expect.any(Date),
      updatedAt: new Date(erasure.erasedAt),
    });
    const userId = new Types.ObjectId(session.user.id);
    expect(await db().collection('refresh_tokens').countDocuments({ userId })).toBe(0);
    expect(await db().collection('memberships').countDocuments({ userId })).toBe(0);
    expect(await countCounters()).toBe(0);
    const organization = await db().collection('organizations').findOne({ _id: organizationId });
    expect(organization?.membershipVersion).toBe(1);

    const events = await outbox()
      .find({ 'envelope.data.userId': session.user.id })
      .sort({ position: 1 })
      .lean<OutboxRecord[]>();
    expect(events.map((e) => e.envelope)).toEqual([
      expect.objectContaining({ id: registered?._id, data: { userId: session.user.id } }),
      expect.objectContaining({
        type: EventSubjects.users.membershipRemoved,
        data: {
          organizationId: organizationId.toHexString(),
          userId: session.user.id,
          role: 'owner',
          changedAt: erasure.erasedAt,
        },
      }),
      expect.objectContaining({
        type: EventSubjects.users.userErased,
        data: { userId: session.user.id, erasedAt: erasure.erasedAt },
      }),
    ]);
    // The registration message (it carried the name) is deleted from the stream.
    const jsm = await nc.jetstreamManager();
    await expect(
      jsm.streams.getMessage(EVENTS_STREAM, { seq: registered?.streamSeq ?? 0 }),
    ).rejects.toThrow();
  });

  it('refuses the erased account’s sign-in and sessions; a second erasure changes nothing', async () => {
    const email = 'gone@example.org';
    const session = await register(email, 'Зникла');
    const first = await client.send<SubjectErasure>(
      Subjects.users.subjectErase,
      {},
      { meta: metaFor(session.user.id) },
    );

    const again = await client.send<SubjectErasure>(
      Subjects.users.subjectErase,
      {},
      { meta: metaFor(session.user.id) },
    );

    expect(again).toEqual(first);
    expect(await failureOf(login(email))).toBe(ErrorCode.Unauthenticated);
    expect(
      await failureOf(
        client.send(
          Subjects.users.refresh,
          { refreshToken: session.refreshToken },
          { meta: metaFor(null) },
        ),
      ),
    ).toBe(ErrorCode.Unauthenticated);
    const erasedEvents = await outbox().countDocuments({
      subject: EventSubjects.users.userErased,
      'envelope.data.userId': session.user.id,
    });
    expect(erasedEvents).toBe(1);
  });

  it('answers not_found for an unknown account and unauthenticated without a caller', async () => {
    const erase = (meta: RequestMeta) => client.send(Subjects.users.subjectErase, {}, { meta });

    expect(await failureOf(erase(metaFor(new Types.ObjectId().toHexString())))).toBe(
      ErrorCode.NotFound,
    );
    expect(await failureOf(erase(metaFor(null)))).toBe(ErrorCode.Unauthenticated);
    expect(
      await failureOf(client.send(Subjects.users.subjectExport, {}, { meta: metaFor(null) })),
    ).toBe(ErrorCode.Unauthenticated);
  });

  /** An organization the person owns, written as the organizations module stores it. */
  async function seedOwnership(userId: string): Promise<Types.ObjectId> {
    const organizationId = new Types.ObjectId();
    await db().collection('organizations').insertOne({
      _id: organizationId,
      name: 'Громада',
      kind: 'civic_group',
      region: 'UA-12',
      status: 'pending',
      membershipVersion: 0,
    });
    await db()
      .collection('memberships')
      .insertOne({
        organizationId,
        userId: new Types.ObjectId(userId),
        role: 'owner',
        createdAt: new Date(),
      });
    return organizationId;
  }
});
