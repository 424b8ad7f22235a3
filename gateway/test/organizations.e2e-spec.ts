/**
 * Organizations, memberships and roles end to end: HTTP through the real gateway, a real
 * nats-server, the users service in-process (with a first admin from ADMIN_EMAIL and
 * ADMIN_PASSWORD), the embedded MongoDB wire server.
 */
import { INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createServiceApp } from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
// The e2e test runs the real users service in-process; nothing in gateway/src may do this.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { AppModule as UsersAppModule } from '../../services/users/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadUsersConfig } from '../../services/users/src/config/users.config';
import { createGatewayApp } from '../src/app';
import { capturingLogger, testConfig, TEST_JWT_SECRET } from './support';

const ADMIN_EMAIL = 'admin@spilno.test';
const ADMIN_PASSWORD = 'the first admin passphrase';
const PASSWORD = 'correct horse battery staple';
const PROBLEM_TYPE = /^application\/problem\+json/;
const UNKNOWN_ID = 'ffffffffffffffffffffffff';

interface Person {
  id: string;
  email: string;
  token: string;
  refreshToken: string;
}

interface TokenClaims {
  sub: string;
  roles: string[];
  memberships: { organizationId: string; role: string }[];
}

function claims(token: string): TokenClaims {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as TokenClaims;
}

describe('organizations and roles (e2e: gateway, NATS, users service, MongoDB)', () => {
  let nats: TestNatsServer;
  let users: INestMicroservice;
  let gateway: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let admin: Person;
  let serial = 0;
  const usersLog = capturingLogger();

  beforeAll(async () => {
    nats = await startNatsServer();
    const mongo = await testMongo('users');
    users = await createServiceApp({
      service: 'users',
      module: UsersAppModule,
      config: loadUsersConfig({
        NATS_URL: nats.url,
        MONGODB_URI: mongo.uri,
        JWT_SECRET: TEST_JWT_SECRET,
        LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
      }),
      logger: usersLog.logger,
    });
    gateway = await createGatewayApp(testConfig(nats.url, { RPC_TIMEOUT_MS: '10000' }));
    http = request(gateway.getHttpServer());
    admin = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await gateway?.close();
    await users?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  function call(
    method: 'get' | 'post' | 'patch' | 'delete',
    path: string,
    token?: string,
    body?: object | string,
  ) {
    let req = http[method](`/api/v1${path}`);
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    if (typeof body === 'string') req = req.set('Content-Type', 'application/json');
    return body === undefined ? req : req.send(body);
  }

  async function signIn(email: string, password = PASSWORD): Promise<Person> {
    const res = await call('post', '/auth/login', undefined, { email, password });
    expect(res.status).toBe(200);
    return {
      id: res.body.user.id,
      email,
      token: res.body.accessToken,
      refreshToken: res.body.refreshToken,
    };
  }

  async function signUp(name: string): Promise<Person> {
    const email = `${name}-${++serial}@example.org`;
    const res = await call('post', '/auth/register', undefined, {
      email,
      password: PASSWORD,
      displayName: name,
    });
    expect(res.status).toBe(201);
    return {
      id: res.body.user.id,
      email,
      token: res.body.accessToken,
      refreshToken: res.body.refreshToken,
    };
  }

  async function createOrganization(owner: Person, overrides: object = {}) {
    const res = await call('post', '/organizations', owner.token, {
      name: `Фонд ${++serial}`,
      kind: 'ngo',
      region: 'UA-12',
      ...overrides,
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; status: string };
  }

  async function verified(owner: Person, overrides: object = {}) {
    const organization = await createOrganization(owner, overrides);
    expect(
      (await call('post', `/organizations/${organization.id}/verify`, admin.token)).status,
    ).toBe(200);
    return organization;
  }

  async function addMember(organizationId: string, caller: Person, person: Person, role: string) {
    return call('post', `/organizations/${organizationId}/members`, caller.token, {
      email: person.email,
      role,
    });
  }

  /** Every organization id the caller sees, following cursors through all pages. */
  async function visibleIds(token?: string, query = ''): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = cursor ? `&cursor=${cursor}` : '';
      const res = await call('get', `/organizations?limit=100${query}${page}`, token);
      expect(res.status).toBe(200);
      ids.push(...(res.body.items as { id: string }[]).map((o) => o.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    return ids;
  }

  function expectProblem(res: request.Response, status: number) {
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    expect(res.headers['content-type']).toMatch(PROBLEM_TYPE);
  }

  describe('the first admin', () => {
    it('signs in with ADMIN_EMAIL and ADMIN_PASSWORD, and the access token has role admin', () => {
      expect(claims(admin.token).roles).toEqual(['citizen', 'admin']);
    });

    it('never logs the admin password or email', () => {
      const logs = JSON.stringify(usersLog.lines());

      expect(logs).toContain('first admin');
      expect(logs).not.toContain(ADMIN_PASSWORD);
      expect(logs).not.toContain(ADMIN_EMAIL);
    });
  });

  describe('POST /organizations', () => {
    it('creates a pending organization whose owner is the caller', async () => {
      const owner = await signUp('owner');

      const res = await call('post', '/organizations', owner.token, {
        name: '  Громада Дніпра  ',
        kind: 'civic_group',
        region: 'UA-12',
        description: 'Відновлення укриттів',
      });
      const members = await call('get', `/organizations/${res.body.id}/members`, owner.token);

      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: 'Громада Дніпра',
        kind: 'civic_group',
        region: 'UA-12',
        description: 'Відновлення укриттів',
        status: 'pending',
        membersCount: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        verifiedAt: null,
      });
      expect(members.body).toEqual({
        items: [{ userId: owner.id, displayName: 'owner', role: 'owner' }],
        nextCursor: null,
      });
    });

    it('refuses anonymous callers with 401', async () => {
      expectProblem(
        await call('post', '/organizations', undefined, {
          name: 'Фонд',
          kind: 'ngo',
          region: 'UA-12',
        }),
        401,
      );
    });

    it.each([
      ['an unknown field', { status: 'verified' }],
      ['a wrong type', { name: 42 }],
      ['an operator object', { name: { $gt: '' } }],
      ['a blank name', { name: '    ' }],
      ['a name too long', { name: 'я'.repeat(121) }],
      ['a description too long', { description: 'я'.repeat(2001) }],
      ['an unknown kind', { kind: 'club' }],
      ['an unknown region', { region: 'UA-99' }],
      ['a region operator', { region: { $ne: null } }],
    ])('refuses %s with 400', async (_case, overrides) => {
      const owner = await signUp('invalid');

      const res = await call('post', '/organizations', owner.token, {
        name: 'Фонд',
        kind: 'ngo',
        region: 'UA-12',
        ...overrides,
      });

      expectProblem(res, 400);
    });

    it('refuses a __proto__ key with 400', async () => {
      const owner = await signUp('proto');

      const res = await call(
        'post',
        '/organizations',
        owner.token,
        '{"name":"Фонд","kind":"ngo","region":"UA-12","__proto__":{"status":"verified"}}',
      );

      expectProblem(res, 400);
    });
  });

  describe('visibility', () => {
    it('shows a pending organization only to its members and to admins; 404 to others', async () => {
      const owner = await signUp('pending-owner');
      const stranger = await signUp('stranger');
      const organization = await createOrganization(owner);
      const path = `/organizations/${organization.id}`;

      expect((await call('get', path, owner.token)).status).toBe(200);
      expect((await call('get', path, admin.token)).status).toBe(200);
      expectProblem(await call('get', path), 404);
      expectProblem(await call('get', path, stranger.token), 404);
      expect(await visibleIds(owner.token)).toContain(organization.id);
      expect(await visibleIds(admin.token)).toContain(organization.id);
      expect(await visibleIds()).not.toContain(organization.id);
      expect(await visibleIds(stranger.token)).not.toContain(organization.id);
    });

    it('shows a verified organization to everyone, with its members count', async () => {
      const owner = await signUp('verified-owner');
      const organization = await verified(owner);

      const res = await call('get', `/organizations/${organization.id}`);

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'verified', membersCount: 1 });
      expect(await visibleIds()).toContain(organization.id);
    });

    it('answers 404 for unknown and malformed ids', async () => {
      for (const id of [UNKNOWN_ID, 'not-an-id', 'aaaaaaaaaaaa', 'x'.repeat(99)]) {
        expectProblem(await call('get', `/organizations/${id}`, admin.token), 404);
      }
    });
  });

  describe('GET /organizations', () => {
    it('filters by region and kind', async () => {
      const owner = await signUp('filters');
      const business = await verified(owner, { region: 'UA-46', kind: 'business' });
      const municipality = await verified(owner, { region: 'UA-46', kind: 'municipality' });
      const elsewhere = await verified(owner, { region: 'UA-07', kind: 'business' });

      const ids = await visibleIds(undefined, '&region=UA-46&kind=business');
      const inLviv = await visibleIds(undefined, '&region=UA-46');

      expect(ids).toContain(business.id);
      expect(ids).not.toContain(municipality.id);
      expect(ids).not.toContain(elsewhere.id);
      expect(inLviv).toEqual(expect.arrayContaining([business.id, municipality.id]));
      expect(inLviv).not.toContain(elsewhere.id);
    });

    it('pages by cursor (default 20), without repeats or gaps when organizations are added', async () => {
      const owner = await signUp('pages');
      const created: string[] = [];
      for (let i = 0; i < 21; i++) created.push((await verified(owner, { region: 'UA-71' })).id);

      const first = await call('get', '/organizations?region=UA-71');
      const added = await verified(owner, { region: 'UA-71' });
      const second = await call(
        'get',
        `/organizations?region=UA-71&cursor=${first.body.nextCursor}`,
      );
      const small = await call('get', '/organizations?region=UA-71&limit=5');
      const next = await call(
        'get',
        `/organizations?region=UA-71&limit=5&cursor=${small.body.nextCursor}`,
      );

      expect(first.body.items).toHaveLength(20);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      expect(second.body.nextCursor).toBeNull();
      const seen = [...first.body.items, ...second.body.items].map((o: { id: string }) => o.id);
      expect(seen).toEqual([...created, added.id]);
      expect([...small.body.items, ...next.body.items].map((o: { id: string }) => o.id)).toEqual(
        created.slice(0, 10),
      );
    });

    it.each([
      ['limit 0', 'limit=0'],
      ['limit above 100', 'limit=101'],
      ['a non-numeric limit', 'limit=abc'],
      ['a malformed cursor', 'cursor=not-a-cursor'],
      ['a cursor with symbols', 'cursor=%7B%22%24gt%22%3A%22%22%7D'],
      ['an unknown region', 'region=UA-99'],
      ['an unknown kind', 'kind=club'],
      ['an unknown parameter', 'status=pending'],
      ['an operator in brackets', 'region[$ne]=x'],
      ['a repeated parameter', 'kind=ngo&kind=business'],
    ])('refuses %s with 400', async (_case, query) => {
      expectProblem(await call('get', `/organizations?${query}`), 400);
    });
  });

  describe('POST /organizations/:id/verify', () => {
    it('lets admins verify once: 401 anonymous, 403 citizen or owner, 200, then 409', async () => {
      const owner = await signUp('to-verify');
      const organization = await createOrganization(owner);
      const path = `/organizations/${organization.id}/verify`;

      expectProblem(await call('post', path), 401);
      expectProblem(await call('post', path, owner.token), 403);
      const ok = await call('post', path, admin.token);
      expectProblem(await call('post', path, admin.token), 409);

      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ status: 'verified', verifiedAt: expect.any(String) });
    });

    it('answers 404 for an unknown organization', async () => {
      expectProblem(await call('post', `/organizations/${UNKNOWN_ID}/verify`, admin.token), 404);
    });
  });

  describe('members', () => {
    it('lets an owner add people by email: 201, 404 unknown email, 409 already a member', async () => {
      const owner = await signUp('adder');
      const coordinator = await signUp('coordinator');
      const organization = await verified(owner);

      const added = await addMember(organization.id, owner, coordinator, 'coordinator');
      const again = await addMember(organization.id, owner, coordinator, 'owner');
      const unknown = await call('post', `/organizations/${organization.id}/members`, owner.token, {
        email: 'nobody@example.org',
        role: 'coordinator',
      });
      const list = await call(
        'get',
        `/organizations/${organization.id}/members`,
        coordinator.token,
      );
      const one = await call('get', `/organizations/${organization.id}`);

      expect(added.status).toBe(201);
      expect(added.body).toEqual({
        userId: coordinator.id,
        displayName: 'coordinator',
        role: 'coordinator',
      });
      expectProblem(again, 409);
      expectProblem(unknown, 404);
      expect(list.body.items).toEqual([
        { userId: owner.id, displayName: 'adder', role: 'owner' },
        { userId: coordinator.id, displayName: 'coordinator', role: 'coordinator' },
      ]);
      expect(one.body.membersCount).toBe(2);
    });

    it('pages the member list and shows it to members and admins only', async () => {
      const owner = await signUp('lister');
      const stranger = await signUp('outsider');
      const organization = await verified(owner);
      for (let i = 0; i < 2; i++) {
        await addMember(organization.id, owner, await signUp('member'), 'coordinator');
      }
      const path = `/organizations/${organization.id}/members`;

      const first = await call('get', `${path}?limit=2`, owner.token);
      const rest = await call(
        'get',
        `${path}?limit=2&cursor=${first.body.nextCursor}`,
        admin.token,
      );

      expect(first.body.items).toHaveLength(2);
      expect(rest.body).toEqual({
        items: [expect.objectContaining({ role: 'coordinator' })],
        nextCursor: null,
      });
      expectProblem(await call('get', path), 401);
      expectProblem(await call('get', path, stranger.token), 403);
      expectProblem(await call('get', `${path}?limit=101`, owner.token), 400);
    });

    it('validates the body: 400 for an unknown role, a bad email, unknown fields', async () => {
      const owner = await signUp('validating');
      const organization = await verified(owner);
      const path = `/organizations/${organization.id}/members`;

      for (const body of [
        { email: 'x@example.org', role: 'admin' },
        { email: 'not-an-email', role: 'owner' },
        { email: { $gt: '' }, role: 'owner' },
        { email: 'x@example.org', role: 'owner', userId: owner.id },
        { email: `${'x'.repeat(250)}@example.org`, role: 'owner' },
      ]) {
        expectProblem(await call('post', path, owner.token, body), 400);
      }
    });

    it('lets members leave and owners remove; never the last owner (409)', async () => {
      const owner = await signUp('remover');
      const leaver = await signUp('leaver');
      const removed = await signUp('removed');
      const organization = await verified(owner);
      await addMember(organization.id, owner, leaver, 'coordinator');
      await addMember(organization.id, owner, removed, 'coordinator');
      const path = `/organizations/${organization.id}/members`;

      const leave = await call('delete', `${path}/${leaver.id}`, leaver.token);
      const remove = await call('delete', `${path}/${removed.id}`, owner.token);
      const lastOwner = await call('delete', `${path}/${owner.id}`, owner.token);
      const byAdmin = await call('delete', `${path}/${owner.id}`, admin.token);
      const gone = await call('delete', `${path}/${removed.id}`, owner.token);
      const malformed = await call('delete', `${path}/not-an-id`, owner.token);

      expect(leave.status).toBe(204);
      expect(remove.status).toBe(204);
      expectProblem(lastOwner, 409);
      expectProblem(byAdmin, 409);
      expectProblem(gone, 404);
      expectProblem(malformed, 404);
      expectProblem(await call('delete', `${path}/${owner.id}`), 401);
    });

    it('keeps one owner when two owners remove each other at the same moment', async () => {
      for (let round = 0; round < 3; round++) {
        const first = await signUp('owner-a');
        const second = await signUp('owner-b');
        const organization = await verified(first);
        await addMember(organization.id, first, second, 'owner');
        const path = `/organizations/${organization.id}/members`;

        const answers = await Promise.all([
          call('delete', `${path}/${second.id}`, first.token),
          call('delete', `${path}/${first.id}`, second.token),
        ]);

        expect(answers.map((a) => a.status).sort()).toEqual([204, 409]);
        const members = await call('get', path, admin.token);
        expect(members.body.items).toEqual([expect.objectContaining({ role: 'owner' })]);
      }
    });

    it('keeps a coordinator or owner of organization A out of organization B (BOLA)', async () => {
      const ownerA = await signUp('owner-of-a');
      const coordinatorA = await signUp('coordinator-of-a');
      const ownerB = await signUp('owner-of-b');
      const orgA = await verified(ownerA);
      const orgB = await verified(ownerB);
      const pendingB = await createOrganization(ownerB);
      await addMember(orgA.id, ownerA, coordinatorA, 'coordinator');
      const target = await signUp('target');

      for (const intruder of [coordinatorA, ownerA]) {
        expectProblem(await addMember(orgB.id, intruder, target, 'coordinator'), 403);
        expectProblem(
          await call('delete', `/organizations/${orgB.id}/members/${ownerB.id}`, intruder.token),
          403,
        );
        expectProblem(await call('get', `/organizations/${orgB.id}/members`, intruder.token), 403);
        expectProblem(await call('get', `/organizations/${pendingB.id}`, intruder.token), 404);
        expectProblem(await addMember(pendingB.id, intruder, target, 'owner'), 404);
        expectProblem(
          await call('get', `/organizations/${pendingB.id}/members`, intruder.token),
          404,
        );
        expectProblem(await call('post', `/organizations/${orgB.id}/verify`, intruder.token), 403);
      }
      // A coordinator is not an owner of their own organization either.
      expectProblem(await addMember(orgA.id, coordinatorA, target, 'owner'), 403);
      expectProblem(
        await call('delete', `/organizations/${orgA.id}/members/${ownerA.id}`, coordinatorA.token),
        403,
      );
      const membersB = await call('get', `/organizations/${orgB.id}/members`, ownerB.token);
      expect(membersB.body.items).toEqual([expect.objectContaining({ userId: ownerB.id })]);
    });

    it('puts memberships of verified organizations, not pending ones, into access tokens', async () => {
      const owner = await signUp('token-owner');
      const pending = await createOrganization(owner);
      const organization = await verified(owner);

      const again = await signIn(owner.email);

      expect(claims(again.token).memberships).toEqual([
        { organizationId: organization.id, role: 'owner' },
      ]);
      expect(JSON.stringify(claims(again.token))).not.toContain(pending.id);
    });
  });

  describe('PATCH /users/:id/roles', () => {
    it('lets an admin grant and revoke researcher; losing it ends the refresh tokens', async () => {
      const person = await signUp('researcher');

      const granted = await call('patch', `/users/${person.id}/roles`, admin.token, {
        add: ['researcher'],
      });
      const session = await signIn(person.email);
      const revoked = await call('patch', `/users/${person.id}/roles`, admin.token, {
        remove: ['researcher'],
      });
      const refresh = await call('post', '/auth/refresh', undefined, {
        refreshToken: session.refreshToken,
      });

      expect(granted.status).toBe(200);
      expect(granted.body).toEqual({ id: person.id, roles: ['citizen', 'researcher'] });
      expect(claims(session.token).roles).toEqual(['citizen', 'researcher']);
      expect(revoked.body).toEqual({ id: person.id, roles: ['citizen'] });
      expectProblem(refresh, 401);
    });

    it('is for admins only: 401 anonymous, 403 a citizen', async () => {
      const person = await signUp('self-promoter');
      const path = `/users/${person.id}/roles`;

      expectProblem(await call('patch', path, undefined, { add: ['admin'] }), 401);
      expectProblem(await call('patch', path, person.token, { add: ['admin'] }), 403);
    });

    it.each([
      ['citizen', { remove: ['citizen'] }],
      ['an unknown role', { add: ['superuser'] }],
      ['nothing to change', {}],
      ['two empty lists', { add: [], remove: [] }],
      ['a role both added and removed', { add: ['admin'], remove: ['admin'] }],
      ['a string instead of a list', { add: 'admin' }],
      ['an operator', { add: [{ $gt: '' }] }],
      ['an unknown field', { add: ['researcher'], roles: ['admin'] }],
      ['a repeated role', { add: ['researcher', 'researcher'] }],
    ])('refuses %s with 400', async (_case, body) => {
      const person = await signUp('invalid-roles');

      expectProblem(await call('patch', `/users/${person.id}/roles`, admin.token, body), 400);
    });

    it('answers 404 for an unknown or malformed user id', async () => {
      for (const id of [UNKNOWN_ID, 'nobody']) {
        expectProblem(
          await call('patch', `/users/${id}/roles`, admin.token, { add: ['researcher'] }),
          404,
        );
      }
    });

    it('refuses to remove the last admin with 409', async () => {
      const res = await call('patch', `/users/${admin.id}/roles`, admin.token, {
        remove: ['admin'],
      });

      expectProblem(res, 409);
    });
  });

  it('documents the routes in the OpenAPI document', async () => {
    const res = await http.get('/api/docs-json');

    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/organizations',
        '/api/v1/organizations/{id}',
        '/api/v1/organizations/{id}/verify',
        '/api/v1/organizations/{id}/members',
        '/api/v1/organizations/{id}/members/{userId}',
        '/api/v1/users/{id}/roles',
      ]),
    );
    expect(
      Object.keys(res.body.paths['/api/v1/organizations/{id}/members/{userId}'].delete.responses),
    ).toEqual(expect.arrayContaining(['204', '401', '403', '404', '409']));
  });
});
