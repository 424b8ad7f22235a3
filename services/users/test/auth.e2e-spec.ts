/**
 * The users service's sign-in subjects over a real NATS and MongoDB wire server, for what the
 * gateway cannot show: the registration event in the outbox, and throttling per client IP.
 */
import { INestMicroservice } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { AuthSession, DomainError, ErrorCode, EventSubjects, Subjects } from '@spilno/contracts';
import { createLogger } from '@spilno/config';
import { createServiceApp, outboxModel, RpcClient } from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
import { AppModule } from '../src/app.module';
import { loadUsersConfig } from '../src/config/users.config';

const meta = { requestId: 'users-auth-e2e', principal: null };
const MAX_ATTEMPTS_PER_IP = 4;

describe('users auth subjects (e2e, real NATS and MongoDB wire server)', () => {
  let nats: TestNatsServer;
  let app: INestMicroservice;
  let client: RpcClient;

  beforeAll(async () => {
    nats = await startNatsServer();
    const mongo = await testMongo('users');
    app = await createServiceApp({
      service: 'users',
      module: AppModule,
      config: loadUsersConfig({
        NATS_URL: nats.url,
        MONGODB_URI: mongo.uri,
        JWT_SECRET: 'users-service-tests-secret-at-least-32-chars',
        LOGIN_MAX_ATTEMPTS_PER_IP: String(MAX_ATTEMPTS_PER_IP),
      }),
      logger: createLogger('users', 'silent'),
    });
    client = await RpcClient.connect([nats.url], 'users-auth-e2e', 10_000);
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  it('writes evt.users.user.registered.v1 to the outbox with the account, without the email', async () => {
    const session = await client.send<AuthSession>(
      Subjects.users.register,
      {
        email: 'event@example.org',
        password: 'a long enough passphrase',
        displayName: 'Тарас',
        clientIp: '10.0.0.1',
      },
      { meta },
    );

    const outbox = outboxModel(app.get<Connection>(getConnectionToken()));
    const records = await outbox.find({ subject: EventSubjects.users.userRegistered }).lean();
    expect(records).toHaveLength(1);
    expect(records[0].envelope).toMatchObject({
      type: EventSubjects.users.userRegistered,
      source: 'users',
      data: { userId: session.user.id, displayName: 'Тарас', locale: 'uk' },
    });
    expect(JSON.stringify(records[0].envelope)).not.toContain('event@example.org');
  });

  it('throttles sign-in per client IP across accounts, before any hashing', async () => {
    const attempt = (i: number) =>
      client.send(
        Subjects.users.login,
        { email: `nobody-${i}@example.org`, password: 'whatever-whatever', clientIp: '10.9.9.9' },
        { meta },
      );
    const outcomes: (ErrorCode | null)[] = [];
    for (let i = 0; i < MAX_ATTEMPTS_PER_IP + 1; i++) {
      outcomes.push(
        await attempt(i).then(
          () => null,
          (e: DomainError) => e.code,
        ),
      );
    }

    expect(outcomes.slice(0, MAX_ATTEMPTS_PER_IP)).toEqual(
      Array(MAX_ATTEMPTS_PER_IP).fill(ErrorCode.Unauthenticated),
    );
    const limited = await attempt(99).catch((e: DomainError) => e);
    expect(outcomes[MAX_ATTEMPTS_PER_IP]).toBe(ErrorCode.RateLimited);
    expect(limited).toMatchObject({ code: ErrorCode.RateLimited, retryAfter: expect.any(Number) });
  });

  it('refuses a payload without a valid client IP', async () => {
    const failure = await client
      .send(
        Subjects.users.login,
        { email: 'a@example.org', password: 'whatever-whatever', clientIp: 'not-an-ip' },
        { meta },
      )
      .catch((e: DomainError) => e);

    expect(failure).toMatchObject({ code: ErrorCode.Validation });
  });
});
