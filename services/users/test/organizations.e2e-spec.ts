/**
 * Organizations, memberships and roles over a real NATS and MongoDB wire server, for what the
 * gateway test cannot show: the events in the outbox, what access tokens carry, the first
 * admin at start-up (replicas racing, an existing account, refused configuration), and the
 * last owner and last admin guards under concurrent requests.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { INestMicroservice } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import { AccessTokenVerifier, AuthConfig } from '@spilno/auth';
import {
  AuthSession,
  DomainError,
  ErrorCode,
  EventSubjects,
  MemberView,
  OrganizationView,
  Principal,
  RequestMeta,
  Subjects,
  UserRolesView,
} from '@spilno/contracts';
import { ConfigError, createLogger, loadConfig } from '@spilno/config';
import { createServiceApp, outboxModel, RpcClient } from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
import { AppModule } from '../src/app.module';
import { loadUsersConfig } from '../src/config/users.config';

const JWT_SECRET = 'users-service-tests-secret-at-least-32-chars';
const ADMIN_EMAIL = 'first.admin@example.org';
const ADMIN_PASSWORD = 'first admin passphrase, long enough';
const PASSWORD = 'a long enough passphrase';
const ROOT = path.resolve(__dirname, '../../..');

function usersEnv(natsUrl: string, mongoUri: string, env: Record<string, string> = {}) {
  return {
    NATS_URL: natsUrl,
    MONGODB_URI: mongoUri,
    JWT_SECRET,
    LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    ...env,
  };
}

function startUsers(env: Record<string, string>): Promise<INestMicroservice> {
  return createServiceApp({
    service: 'users',
    module: AppModule,
    config: loadUsersConfig(env),
    logger: createLogger('users', 'silent'),
  });
}

/** The error code of a failed call, or 'ok'. */
function outcome(call: Promise<unknown>): Promise<ErrorCode | 'ok'> {
  return call.then(
    () => 'ok' as const,
    (e: DomainError) => e.code,
  );
}

describe('users organizations and roles (e2e, real NATS and MongoDB wire server)', () => {
  let nats: TestNatsServer;
  let mongoUri: string;
  let app: INestMicroservice;
  let client: RpcClient;
  let connection: Connection;
  let adminId: string;
  let serial = 0;

  beforeAll(async () => {
    nats = await startNatsServer();
    mongoUri = (await testMongo('users')).uri;
    app = await startUsers(usersEnv(nats.url, mongoUri));
    connection = app.get<Connection>(getConnectionToken());
    client = await RpcClient.connect([nats.url], 'users-organizations-e2e', 10_000);
    adminId = (await login(ADMIN_EMAIL, ADMIN_PASSWORD)).user.id;
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  function meta(userId: string | null): RequestMeta {
    const principal: Principal | null = userId
      ? { userId, roles: ['citizen'], memberships: [] }
      : null;
    return { requestId: `organizations-e2e-${++serial}`, principal };
  }

  function send<T>(subject: string, data: object, userId: string | null): Promise<T> {
    return client.send<T>(subject, data, { meta: meta(userId) });
  }

  function login(email: string, password: string): Promise<AuthSession> {
    return send(Subjects.users.login, { email, password, clientIp: '10.0.0.1' }, null);
  }

  async function register(name: string): Promise<AuthSession> {
    const email = `${name}-${++serial}@example.org`;
    return send(
      Subjects.users.register,
      { email, password: PASSWORD, displayName: name, clientIp: '10.0.0.1' },
      null,
    );
  }

  function createOrganization(ownerId: string, name = 'Фонд «Спільно»') {
    return send<OrganizationView>(
      Subjects.users.organizationCreate,
      { name, kind: 'ngo', region: 'UA-12' },
      ownerId,
    );
  }

  function addMember(organizationId: string, email: string, role: string, callerId: string) {
    return send<MemberView>(Subjects.users.memberAdd, { organizationId, email, role }, callerId);
  }

  function removeMember(organizationId: string, userId: string, callerId: string) {
    return send(Subjects.users.memberRemove, { organizationId, userId }, callerId);
  }

  function updateRoles(userId: string, change: object, callerId: string) {
    return send<UserRolesView>(Subjects.users.rolesUpdate, { userId, ...change }, callerId);
  }

  async function outboxData(subject: string): Promise<Record<string, unknown>[]> {
    const records = await outboxModel(connection).find({ subject }).lean();
    return records.map((r) => r.envelope.data as Record<string, unknown>);
  }

  async function tokenMemberships(email: string): Promise<Principal['memberships']> {
    const session = await login(email, PASSWORD);
    const verifier = new AccessTokenVerifier(loadConfig(AuthConfig, { JWT_SECRET }));
    return (await verifier.verify(session.accessToken)).memberships;
  }

  describe('the first admin', () => {
    it('is created at start-up: ADMIN_EMAIL signs in and its access token says admin', async () => {
      const session = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
      const verifier = new AccessTokenVerifier(loadConfig(AuthConfig, { JWT_SECRET }));

      expect(session.user.roles).toEqual(['citizen', 'admin']);
      expect((await verifier.verify(session.accessToken)).roles).toContain('admin');
    });

    it('is created once when two replicas start together, and again-starting changes nothing', async () => {
      const otherNats = await startNatsServer();
      const fresh = (await testMongo('users')).uri;
      const env = usersEnv(otherNats.url, fresh);
      try {
        const replicas = await Promise.all([startUsers(env), startUsers(env)]);
        await Promise.all(replicas.map((r) => r.close()));
        const restarted = await startUsers(env);
        const db = restarted.get<Connection>(getConnectionToken());
        const admins = await db.collection('users').find({ email: ADMIN_EMAIL }).toArray();
        const outbox = outboxModel(db);
        const registered = await outbox.countDocuments({
          subject: EventSubjects.users.userRegistered,
        });
        const granted = await outbox.countDocuments({ subject: EventSubjects.users.rolesChanged });
        await restarted.close();

        expect(admins).toHaveLength(1);
        expect(admins[0].roles).toEqual(['citizen', 'admin']);
        expect(registered).toBe(1);
        expect(granted).toBe(1);
      } finally {
        await otherNats.stop();
      }
    });

    it('makes an existing account with that email admin, keeping its password', async () => {
      const existing = await register('existing');
      const otherNats = await startNatsServer();
      try {
        const replica = await startUsers(
          usersEnv(otherNats.url, mongoUri, {
            ADMIN_EMAIL: existing.user.email.toUpperCase(),
            ADMIN_PASSWORD: 'another admin passphrase',
          }),
        );
        await replica.close();
      } finally {
        await otherNats.stop();
      }

      const session = await login(existing.user.email, PASSWORD);
      const withAdminPassword = await outcome(
        login(existing.user.email, 'another admin passphrase'),
      );

      expect(session.user.roles).toEqual(['citizen', 'admin']);
      expect(withAdminPassword).toBe(ErrorCode.Unauthenticated);
      expect(await outboxData(EventSubjects.users.rolesChanged)).toContainEqual(
        expect.objectContaining({ userId: existing.user.id, roles: ['citizen', 'admin'] }),
      );
      await updateRoles(existing.user.id, { remove: ['admin'] }, adminId);
    });

    it.each([
      ['only ADMIN_EMAIL', { ADMIN_EMAIL }, /ADMIN_PASSWORD: must be set/],
      ['only ADMIN_PASSWORD', { ADMIN_PASSWORD }, /ADMIN_EMAIL: must be set/],
      ['a common password', { ADMIN_EMAIL, ADMIN_PASSWORD: 'password123' }, /ADMIN_PASSWORD/],
      ['not an email', { ADMIN_EMAIL: 'admin', ADMIN_PASSWORD }, /ADMIN_EMAIL/],
    ])('refuses the configuration with %s, never quoting the password', (_case, env, reason) => {
      const attempt = () =>
        loadUsersConfig({ MONGODB_URI: mongoUri, JWT_SECRET, ...(env as Record<string, string>) });

      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(reason);
      const message = (() => {
        try {
          attempt();
          return '';
        } catch (e) {
          return (e as Error).message;
        }
      })();
      expect(message).not.toContain('password123');
      expect(message).not.toContain(ADMIN_PASSWORD);
    });

    it('stops the process with exit code 1 when only one of the two is set', async () => {
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', 'services/users/src/main.ts'],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH,
            SWC_NODE_PROJECT: path.join(ROOT, 'tsconfig.base.json'),
            MONGODB_URI: mongoUri,
            JWT_SECRET,
            ADMIN_PASSWORD,
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

      expect(code).toBe(1);
      expect(stderr).toMatch(/refusing to start[\s\S]*ADMIN_EMAIL/);
      expect(stderr).not.toContain(ADMIN_PASSWORD);
    }, 60_000);
  });

  describe('organizations', () => {
    it('creates a pending organization, its owner and both events in one commit, no personal data', async () => {
      const owner = await register('owner');

      const organization = await createOrganization(owner.user.id, '  Громада Дніпра  ');

      expect(organization).toMatchObject({
        name: 'Громада Дніпра',
        status: 'pending',
        membersCount: 1,
        description: null,
        verifiedAt: null,
      });
      const stored = await connection
        .collection('organizations')
        .findOne({ name: 'Громада Дніпра' });
      expect(JSON.stringify(stored)).not.toMatch(/owner-|@example\.org|owner/);
      expect(await outboxData(EventSubjects.users.organizationCreated)).toContainEqual({
        organizationId: organization.id,
        name: 'Громада Дніпра',
        kind: 'ngo',
        region: 'UA-12',
        status: 'pending',
        createdAt: organization.createdAt,
      });
      expect(await outboxData(EventSubjects.users.membershipAdded)).toContainEqual(
        expect.objectContaining({
          organizationId: organization.id,
          userId: owner.user.id,
          role: 'owner',
        }),
      );
    });

    it('puts memberships of verified organizations only into access tokens', async () => {
      const owner = await register('tokens');
      const organization = await createOrganization(owner.user.id);

      const beforeVerification = await tokenMemberships(owner.user.email);
      await send(Subjects.users.organizationVerify, { organizationId: organization.id }, adminId);
      const afterVerification = await tokenMemberships(owner.user.email);

      expect(beforeVerification).toEqual([]);
      expect(afterVerification).toEqual([{ organizationId: organization.id, role: 'owner' }]);
      expect(await outboxData(EventSubjects.users.organizationVerified)).toContainEqual({
        organizationId: organization.id,
        verifiedAt: expect.any(String),
      });
    });

    it('records membership removals, and refuses payloads with operators or unknown values', async () => {
      const owner = await register('events');
      const coordinator = await register('coordinator');
      const organization = await createOrganization(owner.user.id);
      await addMember(organization.id, coordinator.user.email, 'coordinator', owner.user.id);

      await removeMember(organization.id, coordinator.user.id, coordinator.user.id);
      const injected = await outcome(
        send(Subjects.users.organizationGet, { organizationId: { $gt: '' } }, owner.user.id),
      );
      const unknownRegion = await outcome(
        send(
          Subjects.users.organizationCreate,
          { name: 'Фонд', kind: 'ngo', region: 'UA-99' },
          owner.user.id,
        ),
      );

      expect(await outboxData(EventSubjects.users.membershipRemoved)).toContainEqual(
        expect.objectContaining({
          organizationId: organization.id,
          userId: coordinator.user.id,
          role: 'coordinator',
        }),
      );
      expect(injected).toBe(ErrorCode.Validation);
      expect(unknownRegion).toBe(ErrorCode.Validation);
    });

    it('never leaves an organization without an owner when two owners remove each other at once', async () => {
      for (let round = 0; round < 5; round++) {
        const first = await register('first-owner');
        const second = await register('second-owner');
        const organization = await createOrganization(first.user.id);
        await addMember(organization.id, second.user.email, 'owner', first.user.id);

        const outcomes = await Promise.all([
          outcome(removeMember(organization.id, second.user.id, first.user.id)),
          outcome(removeMember(organization.id, first.user.id, second.user.id)),
        ]);

        expect([...outcomes].sort()).toEqual([ErrorCode.Conflict, 'ok'].sort());
        const owners = await connection
          .collection('memberships')
          .countDocuments({ organizationId: new Types.ObjectId(organization.id), role: 'owner' });
        expect(owners).toBe(1);
      }
    });
  });

  describe('roles', () => {
    it('revokes the refresh tokens of a person who loses a role, and records the change', async () => {
      const person = await register('researcher');
      await updateRoles(person.user.id, { add: ['researcher'] }, adminId);
      const session = await login(person.user.email, PASSWORD);

      const view = await updateRoles(person.user.id, { remove: ['researcher'] }, adminId);
      const refresh = await outcome(
        send(Subjects.users.refresh, { refreshToken: session.refreshToken }, null),
      );

      expect(view).toEqual({ id: person.user.id, roles: ['citizen'] });
      expect(refresh).toBe(ErrorCode.Unauthenticated);
      const changes = (await outboxData(EventSubjects.users.rolesChanged)).filter(
        (d) => d.userId === person.user.id,
      );
      expect(changes.map((d) => d.roles)).toEqual([['citizen', 'researcher'], ['citizen']]);
    });

    it('never leaves the platform without an admin when two admins demote each other at once', async () => {
      const other = await register('second-admin');
      await updateRoles(other.user.id, { add: ['admin'] }, adminId);

      for (let round = 0; round < 3; round++) {
        const outcomes = await Promise.all([
          outcome(updateRoles(other.user.id, { remove: ['admin'] }, adminId)),
          outcome(updateRoles(adminId, { remove: ['admin'] }, other.user.id)),
        ]);

        // The first request is the first admin demoting the other: if it won, they stay admin.
        const [survivor, demoted] =
          outcomes[0] === 'ok' ? [adminId, other.user.id] : [other.user.id, adminId];
        expect([...outcomes].sort()).toEqual([ErrorCode.Conflict, 'ok'].sort());
        const admins = await connection.collection('users').countDocuments({ roles: 'admin' });
        expect(admins).toBe(1);
        // The survivor makes the other admin again for the next round.
        await updateRoles(demoted, { add: ['admin'] }, survivor);
      }
      await updateRoles(other.user.id, { remove: ['admin'] }, adminId);
    });
  });
});
