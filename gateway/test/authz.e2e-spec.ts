/**
 * The authorization table (./authz/table.ts) against the whole system: every route of the
 * OpenAPI document, every role (anonymous, a citizen, a coordinator and the owner of
 * organization A, a coordinator and the owner of organization B, a researcher, an admin) and
 * every ownership case, each cell the exact status. Then: no BOLA on any route with a path
 * parameter, every status seen is documented for its route, a member removed from an
 * organization no longer acts for it, and a tampered token is refused.
 */
import type { Response } from 'supertest';
import { Fixtures, ROLES, claimsOf, initiativeBody, nextSecondAfter } from './authz/fixtures';
import { bolaViolations, grid, type Observation } from './authz/report';
import { TABLE, type Target } from './authz/table';
import { OpenApiDocument, Operation, operationsOf } from './contract/openapi';
import { eventually } from './support';
import { startSystem, TestSystem } from './system';

const ROUTE_TIMEOUT_MS = 60_000;

describe('authorization table (e2e, whole system)', () => {
  let system: TestSystem;
  let operations: Map<string, Operation>;
  let fx: Fixtures;
  const observations: Observation[] = [];
  const undocumented: string[] = [];

  beforeAll(async () => {
    system = await startSystem();
    const doc = (await system.http.get('/api/docs-json').expect(200)).body as OpenApiDocument;
    operations = new Map(operationsOf(doc).map((op) => [op.key, op]));
    fx = await Fixtures.create(system.http);
  }, ROUTE_TIMEOUT_MS);

  afterAll(async () => {
    await system?.close();
  });

  it('has a row for every route of the OpenAPI document, and none for a route it lacks', () => {
    const documented = [...operations.keys()];
    const missing = documented.filter((key) => !(key in TABLE));
    const stale = Object.keys(TABLE).filter((key) => !operations.has(key));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  function concretePath(op: Operation, target: Target): string {
    const path = op.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
      const value = target.params?.[name];
      if (value === undefined) throw new Error(`${op.key}: the row gives no {${name}}`);
      return encodeURIComponent(value);
    });
    return target.query ? `${path}?${target.query}` : path;
  }

  function detailOf(res: Response): string {
    const body = res.body as { title?: string; detail?: string } | undefined;
    return body?.detail ? ` (${body.title ?? ''}: ${body.detail})` : '';
  }

  for (const [route, cases] of Object.entries(TABLE)) {
    it(
      `${route}: every role and case gets the status of the table`,
      async () => {
        const op = operations.get(route);
        if (!op) throw new Error(`${route} is not in the OpenAPI document`);
        const mismatches: string[] = [];
        for (const c of cases) {
          for (const role of ROLES) {
            const target = await c.target(fx, role);
            const as = role === 'anonymous' ? null : (target.as ?? fx.account(role));
            const method = op.method.toLowerCase() as Lowercase<Operation['method']>;
            const res = await fx.call(
              method,
              concretePath(op, target),
              as,
              target.body,
              target.headers,
            );
            const expected = c.expect[role];
            observations.push({
              route,
              case: c.name,
              owners: c.owners,
              role,
              expected,
              status: res.status,
            });
            if (!(String(res.status) in op.responses)) {
              undocumented.push(`${route} [${c.name}] ${role}: ${res.status}`);
            }
            if (res.status !== expected) {
              mismatches.push(
                `[${c.name}] ${role}: expected ${expected}, saw ${res.status}${detailOf(res)}`,
              );
              continue;
            }
            const problems = (await target.verify?.(res)) ?? [];
            mismatches.push(...problems.map((p) => `[${c.name}] ${role}: ${p}`));
          }
        }
        expect(mismatches).toEqual([]);
      },
      ROUTE_TIMEOUT_MS,
    );
  }

  it('0 BOLA: on routes with a path parameter only the owner side and admins get a 2xx', () => {
    const scoped = observations.filter((o) => o.route.includes('{') && Array.isArray(o.owners));
    const violations = bolaViolations(observations);
    if (violations.length > 0) {
      throw new Error(`${violations.length} BOLA cell(s), marked !\n${grid(scoped, violations)}`);
    }
    expect(scoped.length).toBeGreaterThan(0);
  });

  it('answers only with statuses the OpenAPI document declares for each route', () => {
    expect(undocumented).toEqual([]);
  });

  it('a member removed from A, or who left it, acts for A no more: old token 401, refreshed 403', async () => {
    const title = { title: 'Нова назва' };
    const published = await fx.initiativeOfA('published');
    const draft = await fx.initiativeOfA('draft');
    const removed = await fx.register('removed-member');
    const leaver = await fx.register('leaving-member');
    for (const person of [removed, leaver]) {
      await fx.addMember(fx.orgA, fx.as.ownerA, person, 'coordinator');
    }
    const [removedToken, leaverToken] = [await fx.refresh(removed), await fx.refresh(leaver)];
    for (const member of [removedToken, leaverToken]) {
      expect(claimsOf(member.accessToken).memberships).toEqual([
        { organizationId: fx.orgA, role: 'coordinator' },
      ]);
      expect(
        (await fx.call('patch', `/api/v1/initiatives/${draft.id}`, member, title)).status,
      ).toBe(200);
    }

    await fx.ok(
      'delete',
      `/api/v1/organizations/${fx.orgA}/members/${removed.id}`,
      fx.as.ownerA,
      204,
    );
    await fx.ok(
      'delete',
      `/api/v1/organizations/${fx.orgA}/members/${leaver.id}`,
      leaverToken,
      204,
    );
    const changedAt = Date.now();

    for (const member of [removedToken, leaverToken]) {
      const stale = await eventually(
        () => fx.call('get', '/api/v1/me', member),
        (res) => res.status === 401,
      );
      expect(stale.status).toBe(401);
    }
    await nextSecondAfter(changedAt);
    for (const member of [await fx.refresh(removedToken), await fx.refresh(leaverToken)]) {
      expect(claimsOf(member.accessToken).memberships).toEqual([]);
      const seen = {
        create: (await fx.call('post', '/api/v1/initiatives', member, initiativeBody(fx.orgA)))
          .status,
        changePublished: (
          await fx.call('patch', `/api/v1/initiatives/${published.id}`, member, title)
        ).status,
        changeDraft: (await fx.call('patch', `/api/v1/initiatives/${draft.id}`, member, title))
          .status,
        publishDraft: (await fx.call('post', `/api/v1/initiatives/${draft.id}/publish`, member))
          .status,
        members: (await fx.call('get', `/api/v1/organizations/${fx.orgA}/members`, member)).status,
      };
      expect(seen).toEqual({
        create: 403,
        changePublished: 403,
        changeDraft: 404,
        publishDraft: 404,
        members: 403,
      });
    }
  });

  it('refuses a token whose payload was changed (same signature) or unsigned: 401', async () => {
    const token = fx.as.citizen.accessToken;
    const [header, payload, signature] = token.split('.');
    const claims = claimsOf(token);
    const forge = (changes: object) =>
      Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url');
    const unsignedHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString(
      'base64url',
    );
    const forged = {
      'roles + admin': `${header}.${forge({ roles: ['citizen', 'admin'] })}.${signature}`,
      'member of A': `${header}.${forge({
        memberships: [{ organizationId: fx.orgA, role: 'owner' }],
      })}.${signature}`,
      'another subject': `${header}.${forge({ sub: fx.as.admin.id })}.${signature}`,
      'alg none': `${unsignedHeader}.${payload}.${signature}`,
    };
    const bearer = (t: string) => ({ ...fx.as.citizen, accessToken: t });
    const seen: Record<string, number[]> = {};
    for (const [name, t] of Object.entries(forged)) {
      seen[name] = [
        (await fx.call('get', '/api/v1/me', bearer(t))).status,
        (
          await fx.call('patch', `/api/v1/users/${fx.as.citizen.id}/roles`, bearer(t), {
            add: ['admin'],
          })
        ).status,
        (await fx.call('get', `/api/v1/organizations/${fx.orgA}/members`, bearer(t))).status,
        (await fx.call('get', '/api/v1/initiatives', bearer(t))).status,
      ];
    }
    expect(seen).toEqual(
      Object.fromEntries(Object.keys(forged).map((name) => [name, [401, 401, 401, 401]])),
    );
    expect((await fx.call('get', '/api/v1/me', fx.as.citizen)).status).toBe(200);
  });
});
