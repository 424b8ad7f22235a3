/**
 * The authorization table: for every route of the OpenAPI document (`METHOD /path` exactly as
 * `operationsOf` names it), one or more cases (which object, whose), and for each case the
 * status every role must get. `authz.e2e-spec.ts` runs it against the whole system and fails
 * on a route without a row, a row without a route, and every cell that differs.
 *
 * Adding a route: add one entry. `target` runs once per role and makes a FRESH object when the
 * request may change it (use `fx.shared` only for objects nobody changes); it answers the path
 * parameters, query and body of a valid request, so the status depends on who asks, not on
 * what was sent. `expect: row(...)` lists the statuses in the column order of `ROLES`
 * (coordinator and owner of organization A, whose objects the rows act on, then of B):
 *
 *   //          anon cit  crdA crdB ownA ownB res  adm
 *   expect: row(401, 403, 200, 403, 200, 403, 403, 200),
 *
 * `owners` says whose the object is, for the BOLA check (routes with a path parameter): a
 * list of roles (besides admins) that may get a 2xx on it; `'anyone'` for public objects and
 * for requests that only read what everyone may read; `'self'` when each caller acts on its
 * own account.
 *
 * The rules (shared/docs/api.md, Conventions): 401 without a token where a user is needed; 403
 * when the caller may know the thing exists but may not act; 404 for what the caller may not
 * know exists (drafts, cancelled initiatives and pending organizations of others); 2xx for the
 * allowed.
 */
import type { Response } from 'supertest';
import {
  campaignBody,
  idempotencyKey,
  inHours,
  inKindPledgeBody,
  initiativeBody,
  ROLES,
  taskBody,
  type Account,
  type Fixtures,
  type InitiativeStatus,
  type RoleName,
  type SignedInRole,
} from './fixtures';

export type Expectation = Record<RoleName, number>;
export type Owners = 'anyone' | 'self' | readonly RoleName[];

export interface Target {
  /** The route's path parameters. */
  params?: Record<string, string>;
  /** A query string, without `?`. */
  query?: string;
  body?: unknown;
  /** Request headers (an Idempotency-Key). */
  headers?: Record<string, string>;
  /** Acts as this account instead of the role's own (the request consumes its caller). */
  as?: Account;
  /** Checks beyond the status: what the caller may read, effects that must (not) happen. */
  verify?: (res: Response) => Promise<string[]> | string[];
}

export interface Case {
  name: string;
  owners: Owners;
  target: (fx: Fixtures, role: RoleName) => Promise<Target>;
  expect: Expectation;
}

export type Table = Record<string, readonly Case[]>;

type Statuses = [number, number, number, number, number, number, number, number];

/** Statuses in the column order of `ROLES` (anonymous first, admin last). */
export function row(...statuses: Statuses): Expectation {
  return Object.fromEntries(ROLES.map((role, i) => [role, statuses[i]])) as Expectation;
}

const everyone = (status: number) => row(...(ROLES.map(() => status) as Statuses));
const A_SIDE: readonly RoleName[] = ['coordinatorA', 'ownerA'];
const NOBODY: readonly RoleName[] = [];
const none = async (): Promise<Target> => ({});

const is2xx = (status: number) => status >= 200 && status < 300;

/** `[]` when the body's keys are exactly `keys`. */
function keysAre(res: Response, keys: readonly string[]): string[] {
  const seen = Object.keys(res.body as object).sort();
  const wanted = [...keys].sort();
  return seen.join() === wanted.join()
    ? []
    : [`body keys ${JSON.stringify(seen)}, expected ${JSON.stringify(wanted)}`];
}

const check = (ok: boolean, problem: string) => (ok ? [] : [problem]);

/** A whole profile, as its owner (and admins) see it: never a password hash or a token. */
const PROFILE_OF_SELF = [
  'id',
  'email',
  'displayName',
  'locale',
  'roles',
  'createdAt',
  'updatedAt',
  'region',
  'district',
  'birthYear',
  'languages',
  'skills',
  'availability',
  'maxHoursPerWeek',
  'contactable',
  'researchConsent',
  'location',
];
const ORGANIZER_VIEW = [
  'id',
  'displayName',
  'region',
  'district',
  'languages',
  'skills',
  'availability',
];
const PUBLIC_VIEW = ['id', 'displayName'];

const isPublic = (status: InitiativeStatus) => status === 'published' || status === 'completed';

/** A fresh initiative of A, or a shared one for the read-only cases. */
const initiativeOfA = (fx: Fixtures, status: InitiativeStatus, fresh = true) =>
  fresh
    ? fx.initiativeOfA(status)
    : fx.shared(`initiative:${status}`, () => fx.initiativeOfA(status));

const taskOfA = (fx: Fixtures, status: InitiativeStatus, fresh = true) =>
  fresh ? fx.taskOfA(status) : fx.shared(`task:${status}`, () => fx.taskOfA(status));

/** A person's view, by role: what `GET /users/{id}` may show of `person`. */
function personCase(
  name: string,
  person: (fx: Fixtures, role: RoleName) => Account,
  keysFor: (role: SignedInRole) => readonly string[],
  owners: Owners,
): Case {
  return {
    name,
    owners,
    target: async (fx, role) => ({
      params: { id: person(fx, role).id },
      verify: (res) => (role === 'anonymous' ? [] : keysAre(res, keysFor(role))),
    }),
    expect: row(401, 200, 200, 200, 200, 200, 200, 200),
  };
}

export const TABLE: Table = {
  // --- operations (outside /api/v1; public by design: probes and scrapers carry no token) --
  'GET /health/live': [
    { name: 'the process', owners: 'anyone', target: none, expect: everyone(200) },
  ],
  'GET /health/ready': [
    { name: 'every dependency', owners: 'anyone', target: none, expect: everyone(200) },
  ],
  'GET /health/services/{name}': [
    {
      name: 'one service (not a user object)',
      owners: 'anyone',
      target: async () => ({ params: { name: 'users' } }),
      expect: everyone(200),
    },
  ],
  'GET /metrics': [
    { name: 'Prometheus text', owners: 'anyone', target: none, expect: everyone(200) },
  ],

  // --- auth -------------------------------------------------------------------------------
  'POST /api/v1/auth/register': [
    {
      name: 'a new email',
      owners: 'anyone',
      target: async (_fx, role) => ({
        body: {
          email: `register-${role}-${Date.now()}@authz.example.org`,
          password: 'authorization table passphrase',
          displayName: 'Нова людина',
        },
      }),
      expect: everyone(201),
    },
  ],
  'POST /api/v1/auth/login': [
    {
      name: 'valid credentials',
      owners: 'anyone',
      target: async (fx) => ({ body: fx.loginBody() }),
      expect: everyone(200),
    },
  ],
  'POST /api/v1/auth/refresh': [
    {
      name: 'an unspent refresh token (the token is the credential)',
      owners: 'anyone',
      target: async (fx) => ({
        body: { refreshToken: fx.takeRefreshToken() },
        verify: (res) => {
          fx.keepRefreshToken(res.body.refreshToken);
          return [];
        },
      }),
      expect: everyone(200),
    },
  ],
  'POST /api/v1/auth/logout': [
    {
      name: "the caller's own session",
      owners: 'self',
      target: async (fx, role) => {
        if (role === 'anonymous') return { body: { refreshToken: fx.victimToken() } };
        const session = await fx.session(role);
        return {
          body: { refreshToken: session.refreshToken },
          verify: async (res) => {
            const again = await fx.call('post', '/api/v1/auth/refresh', null, {
              refreshToken: session.refreshToken,
            });
            return check(
              !is2xx(res.status) || again.status === 401,
              `the signed-out refresh token still refreshes (${again.status})`,
            );
          },
        };
      },
      expect: row(401, 204, 204, 204, 204, 204, 204, 204),
    },
    {
      // 204 and nothing happens: the answer does not tell whether the token was someone's.
      name: "another person's refresh token (a silent no-op)",
      owners: 'anyone',
      target: async (fx) => ({
        body: { refreshToken: fx.victimToken() },
        verify: async () =>
          check(await fx.victimStillSignedIn(), "another person's session was ended"),
      }),
      expect: row(401, 204, 204, 204, 204, 204, 204, 204),
    },
  ],

  // --- the caller's account -----------------------------------------------------------------
  'GET /api/v1/me': [
    {
      name: 'own profile',
      owners: 'self',
      target: async (fx, role) => ({
        verify: (res) =>
          role === 'anonymous'
            ? []
            : [
                ...check(res.body.id === fx.account(role)?.id, 'answered another profile'),
                ...keysAre(res, PROFILE_OF_SELF),
              ],
      }),
      expect: row(401, 200, 200, 200, 200, 200, 200, 200),
    },
  ],
  'PATCH /api/v1/me': [
    {
      name: 'own profile',
      owners: 'self',
      target: async (fx, role) => ({
        body: { languages: ['uk'] },
        verify: (res) =>
          check(!is2xx(res.status) || res.body.id === fx.account(role)?.id, 'changed another'),
      }),
      expect: row(401, 200, 200, 200, 200, 200, 200, 200),
    },
    {
      name: 'own roles (mass assignment is refused)',
      owners: 'self',
      target: async () => ({ body: { roles: ['citizen', 'admin'] } }),
      expect: row(401, 400, 400, 400, 400, 400, 400, 400),
    },
    {
      name: 'own email (not a profile field)',
      owners: 'self',
      target: async () => ({ body: { email: 'taken-over@authz.example.org' } }),
      expect: row(401, 400, 400, 400, 400, 400, 400, 400),
    },
  ],
  'DELETE /api/v1/me': [
    {
      name: 'oneself (a fresh account shaped like the role)',
      owners: 'self',
      target: async (fx, role) => {
        if (role === 'anonymous') return {};
        const standIn = await fx.standIn(role);
        return {
          as: standIn,
          verify: async (res) => {
            const after = await fx.call('get', '/api/v1/me', standIn);
            return check(!is2xx(res.status) || after.status === 401, 'the token outlived erasure');
          },
        };
      },
      expect: row(401, 204, 204, 204, 204, 204, 204, 204),
    },
  ],
  'GET /api/v1/me/export': [
    {
      name: 'own data',
      owners: 'self',
      target: async (fx, role) => ({
        verify: (res) =>
          check(
            !is2xx(res.status) || res.body.userId === fx.account(role)?.id,
            "exported another person's data",
          ),
      }),
      expect: row(401, 200, 200, 200, 200, 200, 200, 200),
    },
  ],
  'GET /api/v1/users/{id}': [
    personCase(
      'another person, not contactable: { id, displayName } but to admins',
      (fx) => fx.other,
      (role) => (role === 'admin' ? PROFILE_OF_SELF : PUBLIC_VIEW),
      'anyone',
    ),
    personCase(
      'a contactable volunteer: organizers see more, never email or birth year',
      (fx) => fx.contactable,
      (role) =>
        role === 'admin'
          ? PROFILE_OF_SELF
          : role === 'citizen' || role === 'researcher'
            ? PUBLIC_VIEW
            : ORGANIZER_VIEW,
      'anyone',
    ),
    personCase(
      'oneself: the whole profile',
      (fx, role) => fx.account(role) ?? fx.as.citizen,
      () => PROFILE_OF_SELF,
      'self',
    ),
  ],
  'GET /api/v1/skills': [
    { name: 'the taxonomy', owners: 'anyone', target: none, expect: everyone(200) },
  ],

  // --- organizations --------------------------------------------------------------------------
  'POST /api/v1/organizations': [
    {
      name: 'a new organization (the caller becomes its owner)',
      owners: 'anyone',
      target: async () => ({
        body: { name: 'Громадська ініціатива', kind: 'civic_group', region: 'UA-12' },
      }),
      expect: row(401, 201, 201, 201, 201, 201, 201, 201),
    },
  ],
  'GET /api/v1/organizations': [
    {
      name: "B's owner's pending organization: listed to its members and admins only",
      owners: 'anyone',
      target: async (fx, role) => {
        const pending = await fx.shared('pendingOrgOfB', () => fx.organization(fx.as.ownerB));
        return {
          query: 'limit=100',
          verify: async () => {
            const ids = await fx.listedIds('/api/v1/organizations?limit=100', fx.account(role));
            const shown = ids.includes(pending);
            const verifiedShown = ids.includes(fx.orgA);
            return [
              ...check(
                shown === (role === 'ownerB' || role === 'admin'),
                `pending listed: ${shown}`,
              ),
              ...check(verifiedShown, 'verified organization A not listed'),
            ];
          },
        };
      },
      expect: everyone(200),
    },
  ],
  'GET /api/v1/organizations/{id}': [
    {
      name: 'verified organization A',
      owners: 'anyone',
      target: async (fx) => ({ params: { id: fx.orgA } }),
      expect: everyone(200),
    },
    {
      name: "A's owner's pending organization (A's coordinator a member)",
      owners: A_SIDE,
      target: async (fx) => ({ params: { id: await fx.pendingOrgOfA() } }),
      expect: row(404, 404, 200, 404, 200, 404, 404, 200),
    },
  ],
  'POST /api/v1/organizations/{id}/verify': [
    {
      // The policy refuses every non-admin before the id is looked at: 403 says nothing
      // about whether the organization exists.
      name: "A's owner's pending organization",
      owners: NOBODY,
      target: async (fx) => ({ params: { id: await fx.freshPendingOrgOfA() } }),
      expect: row(401, 403, 403, 403, 403, 403, 403, 200),
    },
  ],
  'GET /api/v1/organizations/{id}/members': [
    {
      name: 'verified organization A',
      owners: A_SIDE,
      target: async (fx) => ({ params: { id: fx.orgA } }),
      expect: row(401, 403, 200, 403, 200, 403, 403, 200),
    },
    {
      name: "A's owner's pending organization",
      owners: A_SIDE,
      target: async (fx) => ({ params: { id: await fx.pendingOrgOfA() } }),
      expect: row(401, 404, 200, 404, 200, 404, 404, 200),
    },
  ],
  'POST /api/v1/organizations/{id}/members': [
    memberAdd(
      'verified organization A',
      (fx) => Promise.resolve(fx.orgA),
      row(401, 403, 403, 403, 201, 403, 403, 201),
    ),
    memberAdd(
      "A's owner's pending organization",
      (fx) => fx.pendingOrgOfA(),
      row(401, 404, 403, 404, 201, 404, 404, 201),
    ),
  ],
  'DELETE /api/v1/organizations/{id}/members/{userId}': [
    memberRemove(
      'another member of verified organization A',
      'leaver',
      (fx) => ({ org: fx.orgA, owner: fx.as.ownerA, path: fx.orgA }),
      row(401, 403, 403, 403, 204, 403, 403, 204),
      ['ownerA'],
    ),
    memberRemove(
      "a member of A's owner's pending organization",
      'leaver',
      async (fx) => {
        const pending = await fx.pendingOrgOfA();
        return { org: pending, owner: fx.as.ownerA, path: pending };
      },
      row(401, 404, 403, 404, 204, 404, 404, 204),
      ['ownerA'],
    ),
    memberRemove(
      "a member of B, through A's path (not A's member: nothing to remove)",
      'member-of-b',
      (fx) => ({ org: fx.orgB, owner: fx.as.ownerB, path: fx.orgA }),
      row(401, 403, 403, 403, 404, 403, 403, 404),
      NOBODY,
    ),
  ],
  'PATCH /api/v1/users/{id}/roles': [
    {
      name: 'another person gets researcher',
      owners: NOBODY,
      target: async (fx) => ({
        params: { id: (await fx.spare('roles-target')).id },
        body: { add: ['researcher'] },
      }),
      expect: row(401, 403, 403, 403, 403, 403, 403, 200),
    },
    {
      // Admins already are: a no-op for them (and no revocation of their tokens).
      name: 'oneself gets admin (escalation)',
      owners: 'self',
      target: async (fx, role) => ({
        params: { id: (fx.account(role) ?? fx.as.citizen).id },
        body: { add: ['admin'] },
      }),
      expect: row(401, 403, 403, 403, 403, 403, 403, 200),
    },
  ],

  // --- initiatives ------------------------------------------------------------------------------
  'POST /api/v1/initiatives': [
    {
      // Admins act on any initiative, but creating one needs a membership (the token vouches
      // only for its own organizations being verified): "coordinator+ of the org".
      name: 'a draft for verified organization A',
      owners: A_SIDE,
      target: async (fx) => ({ body: initiativeBody(fx.orgA) }),
      expect: row(401, 403, 201, 403, 201, 403, 403, 403),
    },
    {
      name: "a draft for A's owner's pending organization (members act only once verified)",
      owners: NOBODY,
      target: async (fx) => ({ body: initiativeBody(await fx.pendingOrgOfA()) }),
      expect: row(401, 403, 403, 403, 403, 403, 403, 403),
    },
  ],
  'GET /api/v1/initiatives': [
    listDrafts('status=draft', "A's drafts, asked for by organization and status"),
    listDrafts('', "A's initiatives of every status, asked for by organization"),
  ],
  'GET /api/v1/initiatives/{id}': [
    readInitiative('published', everyone(200)),
    readInitiative('completed', everyone(200)),
    readInitiative('draft', row(404, 404, 200, 404, 200, 404, 404, 200)),
    readInitiative('cancelled', row(404, 404, 200, 404, 200, 404, 404, 200)),
  ],
  'PATCH /api/v1/initiatives/{id}': [
    changeInitiative('draft', row(401, 404, 200, 404, 200, 404, 404, 200), { title: 'Нова назва' }),
    changeInitiative('published', row(401, 403, 200, 403, 200, 403, 403, 200), {
      title: 'Нова назва',
    }),
    // Authorization before state: outsiders learn nothing from a 409.
    changeInitiative(
      'completed',
      row(401, 403, 409, 403, 409, 403, 403, 409),
      { title: 'Нова назва' },
      false,
    ),
  ],
  'POST /api/v1/initiatives/{id}/publish': [
    changeInitiative('draft', row(401, 404, 200, 404, 200, 404, 404, 200)),
  ],
  'POST /api/v1/initiatives/{id}/complete': [
    changeInitiative('published', row(401, 403, 200, 403, 200, 403, 403, 200)),
    changeInitiative('draft', row(401, 404, 409, 404, 409, 404, 404, 409), undefined, false),
  ],
  'POST /api/v1/initiatives/{id}/cancel': [
    changeInitiative('draft', row(401, 404, 200, 404, 200, 404, 404, 200)),
    changeInitiative('published', row(401, 403, 200, 403, 200, 403, 403, 200)),
  ],
  'POST /api/v1/initiatives/{id}/tasks': [
    changeInitiative('draft', row(401, 404, 201, 404, 201, 404, 404, 201), taskBody()),
    changeInitiative('published', row(401, 403, 201, 403, 201, 403, 403, 201), taskBody()),
  ],
  'GET /api/v1/initiatives/{id}/tasks': [
    listTasks('published', everyone(200)),
    listTasks('draft', row(404, 404, 200, 404, 200, 404, 404, 200)),
    listTasks('cancelled', row(404, 404, 200, 404, 200, 404, 404, 200)),
  ],

  // --- tasks ------------------------------------------------------------------------------------
  'GET /api/v1/tasks/{id}': [
    readTask('published', everyone(200)),
    readTask('completed', everyone(200)),
    readTask('draft', row(404, 404, 200, 404, 200, 404, 404, 200)),
    // A task takes its initiative's privacy: cancelled ones go back to their organization.
    readTask('cancelled', row(404, 404, 200, 404, 200, 404, 404, 200)),
  ],
  'PATCH /api/v1/tasks/{id}': [
    changeTask('published', row(401, 403, 200, 403, 200, 403, 403, 200), {
      title: 'Вечірня зміна',
    }),
    changeTask('draft', row(401, 404, 200, 404, 200, 404, 404, 200), { title: 'Вечірня зміна' }),
    changeTask('cancelled', row(401, 404, 409, 404, 409, 404, 404, 409), {
      title: 'Вечірня зміна',
    }),
  ],
  'POST /api/v1/tasks/{id}/close': [
    changeTask('published', row(401, 403, 200, 403, 200, 403, 403, 200)),
    changeTask('draft', row(401, 404, 200, 404, 200, 404, 404, 200)),
    changeTask('cancelled', row(401, 404, 409, 404, 409, 404, 404, 409)),
  ],

  // --- participation (co-delivery) ---------------------------------------------------------------
  'POST /api/v1/tasks/{id}/applications': [
    {
      // Anyone signed in may volunteer, organizers too (for their own organization's tasks).
      name: 'a task of a published initiative of A',
      owners: 'anyone',
      target: async (fx) => ({ params: { id: (await openTask(fx)).id }, body: {} }),
      expect: row(401, 201, 201, 201, 201, 201, 201, 201),
    },
    {
      name: 'a task of a draft initiative of A (not open to volunteers yet)',
      owners: NOBODY,
      target: async (fx) => ({ params: { id: (await taskOfA(fx, 'draft', false)).id }, body: {} }),
      expect: row(401, 404, 409, 404, 409, 404, 404, 409),
    },
  ],
  'GET /api/v1/tasks/{id}/applications': [
    {
      name: 'the applications of a published task of A (with what applicants share)',
      owners: A_SIDE,
      target: async (fx) => ({
        params: { id: (await applicationOfA(fx, 'pending', false)).taskId },
      }),
      expect: row(401, 403, 200, 403, 200, 403, 403, 200),
    },
    {
      name: 'the applications of a task of a draft initiative of A',
      owners: A_SIDE,
      target: async (fx) => ({ params: { id: (await taskOfA(fx, 'draft', false)).id } }),
      expect: row(401, 404, 200, 404, 200, 404, 404, 200),
    },
  ],
  'GET /api/v1/me/applications': [
    {
      name: "own applications (never another person's)",
      owners: 'self',
      target: async (fx, role) => {
        const account = fx.account(role);
        if (account) await applyAs(fx, account);
        return {
          verify: (res) => {
            if (!account) return [];
            const users = (res.body.items as { userId: string }[]).map((a) => a.userId);
            return check(
              users.length > 0 && users.every((id) => id === account?.id),
              `listed applications of ${JSON.stringify(users)}`,
            );
          },
        };
      },
      expect: row(401, 200, 200, 200, 200, 200, 200, 200),
    },
  ],
  'GET /api/v1/applications/{id}': [
    {
      name: "a volunteer's application to a task of A",
      owners: A_SIDE,
      target: async (fx) => ({ params: { id: (await applicationOfA(fx, 'pending', false)).id } }),
      expect: row(401, 404, 200, 404, 200, 404, 404, 200),
    },
    {
      name: "the caller's own application",
      owners: 'self',
      target: async (fx, role) => {
        const account = fx.account(role);
        const own = account ? await applyAs(fx, account) : await applicationOfA(fx, 'pending');
        return { params: { id: own.id } };
      },
      expect: row(401, 200, 200, 200, 200, 200, 200, 200),
    },
  ],
  'POST /api/v1/applications/{id}/accept': [
    reviewApplication('pending', row(401, 404, 200, 404, 200, 404, 404, 200)),
    {
      name: "the caller's own pending application (a volunteer does not accept themself)",
      owners: 'self',
      target: async (fx, role) => {
        const account = fx.account(role);
        const own = account ? await applyAs(fx, account) : await applicationOfA(fx, 'pending');
        return { params: { id: own.id } };
      },
      expect: row(401, 403, 200, 403, 200, 403, 403, 200),
    },
  ],
  'POST /api/v1/applications/{id}/reject': [
    reviewApplication('pending', row(401, 404, 200, 404, 200, 404, 404, 200)),
  ],
  'POST /api/v1/applications/{id}/withdraw': [
    {
      name: "the caller's own application",
      owners: 'self',
      target: async (fx, role) => {
        const account = fx.account(role);
        const own = account ? await applyAs(fx, account) : await applicationOfA(fx, 'pending');
        return { params: { id: own.id } };
      },
      expect: row(401, 200, 200, 200, 200, 200, 200, 200),
    },
    {
      // Organizers reject; only the volunteer (and admins) withdraw.
      name: "a volunteer's application to a task of A",
      owners: NOBODY,
      target: async (fx) => ({ params: { id: (await applicationOfA(fx, 'pending')).id } }),
      expect: row(401, 404, 403, 404, 403, 404, 404, 200),
    },
  ],
  'POST /api/v1/applications/{id}/check-in': [
    reviewApplication('accepted', row(401, 404, 200, 404, 200, 404, 404, 200)),
  ],
  'POST /api/v1/applications/{id}/complete': [
    reviewApplication('checked_in', row(401, 404, 200, 404, 200, 404, 404, 200), { hours: 3 }),
  ],
  'POST /api/v1/applications/{id}/no-show': [
    reviewApplication('accepted', row(401, 404, 200, 404, 200, 404, 404, 200)),
  ],

  // --- co-design ----------------------------------------------------------------------------
  'POST /api/v1/initiatives/{id}/proposals': [
    {
      name: 'a published co-design initiative of A',
      owners: 'anyone',
      target: async (fx) => ({
        params: { id: (await codesignOfA(fx, 'published')).id },
        body: PROPOSAL,
      }),
      expect: row(401, 201, 201, 201, 201, 201, 201, 201),
    },
    {
      name: 'a draft co-design initiative of A',
      owners: NOBODY,
      target: async (fx) => ({
        params: { id: (await codesignOfA(fx, 'draft')).id },
        body: PROPOSAL,
      }),
      expect: row(401, 404, 409, 404, 409, 404, 404, 409),
    },
  ],
  'GET /api/v1/initiatives/{id}/proposals': [
    {
      name: 'the proposals of a published co-design initiative of A',
      owners: 'anyone',
      target: async (fx) => ({ params: { id: (await proposalOfA(fx, false)).initiativeId } }),
      expect: everyone(200),
    },
    {
      name: 'the proposals of a draft co-design initiative of A',
      owners: A_SIDE,
      target: async (fx) => ({ params: { id: (await codesignOfA(fx, 'draft')).id } }),
      expect: row(404, 404, 200, 404, 200, 404, 404, 200),
    },
  ],
  'GET /api/v1/proposals/{id}': [
    {
      name: "a citizen's proposal on a published initiative of A (author as id and name only)",
      owners: 'anyone',
      target: async (fx) => ({
        params: { id: (await proposalOfA(fx, false)).id },
        verify: (res) => check(!('email' in (res.body.author ?? {})), 'the author has an email'),
      }),
      expect: everyone(200),
    },
  ],
  'PATCH /api/v1/proposals/{id}': [
    {
      name: "a citizen's proposal on a published initiative of A (the author does not decide)",
      owners: A_SIDE,
      target: async (fx) => ({
        params: { id: (await proposalOfA(fx)).id },
        body: { status: 'under_review', response: 'Розглядаємо' },
      }),
      expect: row(401, 403, 200, 403, 200, 403, 403, 200),
    },
  ],
  'POST /api/v1/proposals/{id}/votes': [
    {
      // Each role votes once on the shared proposal.
      name: 'a proposal on a published initiative of A',
      owners: 'anyone',
      target: async (fx) => ({ params: { id: (await proposalOfA(fx, false)).id } }),
      expect: row(401, 201, 201, 201, 201, 201, 201, 201),
    },
  ],
  'DELETE /api/v1/proposals/{id}/votes': [
    {
      name: "the caller's own vote",
      owners: 'self',
      target: async (fx, role) => {
        const proposal = await proposalOfA(fx);
        const account = fx.account(role);
        if (account) await fx.ok('post', `/api/v1/proposals/${proposal.id}/votes`, account, 201);
        return { params: { id: proposal.id } };
      },
      expect: row(401, 204, 204, 204, 204, 204, 204, 204),
    },
  ],

  // --- co-monitoring ------------------------------------------------------------------------
  'POST /api/v1/initiatives/{id}/reports': [
    {
      name: 'a published co-monitoring initiative of A',
      owners: 'anyone',
      target: async (fx) => ({
        params: { id: (await monitoringOfA(fx, 'published')).id },
        body: reportBody(),
      }),
      expect: row(401, 201, 201, 201, 201, 201, 201, 201),
    },
    {
      name: 'a draft co-monitoring initiative of A',
      owners: NOBODY,
      target: async (fx) => ({
        params: { id: (await monitoringOfA(fx, 'draft')).id },
        body: reportBody(),
      }),
      expect: row(401, 404, 409, 404, 409, 404, 404, 409),
    },
  ],
  'GET /api/v1/initiatives/{id}/reports': [
    {
      name: 'the reports of a published initiative of A: new ones to A and admins only',
      owners: 'anyone',
      target: async (fx, role) => {
        const fresh = await reportOfA(fx, 'new', false);
        return {
          params: { id: fresh.initiativeId },
          verify: (res) => {
            const ids = (res.body.items as { id: string }[]).map((r) => r.id);
            const entitled = A_SIDE.includes(role) || role === 'admin';
            return check(ids.includes(fresh.id) === entitled, `new report listed: ${!entitled}`);
          },
        };
      },
      expect: everyone(200),
    },
  ],
  'GET /api/v1/reports/{id}': [
    {
      name: 'a verified report on an initiative of A',
      owners: 'anyone',
      target: async (fx) => ({ params: { id: (await reportOfA(fx, 'verified', false)).id } }),
      expect: everyone(200),
    },
    {
      name: 'a new report on an initiative of A (the reporter is another citizen)',
      owners: A_SIDE,
      target: async (fx) => ({ params: { id: (await reportOfA(fx, 'new', false)).id } }),
      expect: row(404, 404, 200, 404, 200, 404, 404, 200),
    },
  ],
  'PATCH /api/v1/reports/{id}': [
    {
      name: 'a new report on an initiative of A',
      owners: A_SIDE,
      target: async (fx) => ({
        params: { id: (await reportOfA(fx, 'new')).id },
        body: { status: 'verified' },
      }),
      expect: row(401, 404, 200, 404, 200, 404, 404, 200),
    },
    {
      name: 'a verified report on an initiative of A',
      owners: A_SIDE,
      target: async (fx) => ({
        params: { id: (await reportOfA(fx, 'verified')).id },
        body: { status: 'resolved', response: 'Полагоджено' },
      }),
      expect: row(401, 403, 200, 403, 200, 403, 403, 200),
    },
  ],
  'POST /api/v1/reports/{id}/task': [
    {
      name: 'a verified report on an initiative of A, to a co-delivery initiative of A',
      owners: A_SIDE,
      target: async (fx) => ({
        params: { id: (await reportOfA(fx, 'verified')).id },
        body: {
          ...taskBody({ startsAt: inHours(30), endsAt: inHours(33) }),
          initiativeId: (await initiativeOfA(fx, 'published', false)).id,
        },
      }),
      expect: row(401, 403, 201, 403, 201, 403, 403, 201),
    },
  ],

  // --- donations and transparency -------------------------------------------------------------
  'POST /api/v1/initiatives/{id}/campaigns': [
    {
      name: 'a published initiative of A',
      owners: A_SIDE,
      target: async (fx) => ({ params: { id: await fx.campaignHost() }, body: campaignBody() }),
      expect: row(401, 403, 201, 403, 201, 403, 403, 201),
    },
  ],
  'GET /api/v1/initiatives/{id}/campaigns': [
    {
      name: 'the campaigns of a published initiative of A',
      owners: 'anyone',
      target: async (fx) => ({ params: { id: (await sharedCampaignOfA(fx)).initiativeId } }),
      expect: everyone(200),
    },
  ],
  'GET /api/v1/initiatives/{id}/funding': [
    {
      name: 'the funding of a published initiative of A',
      owners: 'anyone',
      target: async (fx) => ({ params: { id: (await sharedCampaignOfA(fx)).initiativeId } }),
      expect: everyone(200),
    },
  ],
  'GET /api/v1/campaigns/{id}': [
    {
      name: 'a campaign of a published initiative of A',
      owners: 'anyone',
      target: async (fx) => ({ params: { id: (await sharedCampaignOfA(fx)).id } }),
      expect: everyone(200),
    },
  ],
  'POST /api/v1/campaigns/{id}/donations': [
    {
      name: 'a campaign of a published initiative of A (with a fresh Idempotency-Key)',
      owners: 'anyone',
      target: async (fx) => ({
        params: { id: (await fx.campaignOfA()).id },
        body: { amount: 10_000 },
        headers: idempotencyKey(),
      }),
      expect: everyone(201),
    },
  ],
  'GET /api/v1/campaigns/{id}/donations': [
    {
      name: 'the pledges to a campaign of A',
      owners: A_SIDE,
      target: async (fx) => ({ params: { id: (await fx.donationOfA(fx.other)).campaignId } }),
      expect: row(401, 403, 200, 403, 200, 403, 403, 200),
    },
  ],
  'POST /api/v1/donations/{id}/confirm': [
    {
      name: "another person's pledge to a campaign of A",
      owners: A_SIDE,
      target: async (fx) => ({ params: { id: (await fx.donationOfA(fx.other)).id }, body: {} }),
      expect: row(401, 404, 200, 404, 200, 404, 404, 200),
    },
    {
      name: "the caller's own pledge to a campaign of A (donors do not confirm)",
      owners: A_SIDE,
      target: async (fx, role) => ({
        params: { id: (await fx.donationOfA(fx.account(role))).id },
        body: {},
      }),
      expect: row(401, 403, 200, 403, 200, 403, 403, 200),
    },
  ],
  'POST /api/v1/donations/{id}/refund': [
    {
      name: "another person's received donation to a campaign of A",
      owners: A_SIDE,
      target: async (fx) => ({
        params: { id: (await fx.receivedDonationOfA(fx.other)).id },
        body: { reason: 'Помилковий платіж' },
      }),
      expect: row(401, 404, 200, 404, 200, 404, 404, 200),
    },
    {
      name: "the caller's own received donation to a campaign of A (donors do not refund)",
      owners: A_SIDE,
      target: async (fx, role) => ({
        params: { id: (await fx.receivedDonationOfA(fx.account(role))).id },
        body: { reason: 'Помилковий платіж' },
      }),
      expect: row(401, 403, 200, 403, 200, 403, 403, 200),
    },
  ],
  'POST /api/v1/campaigns/{id}/expenses': [
    {
      name: 'a campaign of A with a balance (with a fresh Idempotency-Key)',
      owners: A_SIDE,
      target: async (fx) => ({
        params: { id: (await fx.receivedDonationOfA(fx.other)).campaignId },
        body: { amount: 1_000, description: 'Пальне для генератора' },
        headers: idempotencyKey(),
      }),
      expect: row(401, 403, 201, 403, 201, 403, 403, 201),
    },
  ],
  'POST /api/v1/campaigns/{id}/in-kind-pledges': [
    {
      name: 'a needed item of a campaign of A',
      owners: 'anyone',
      target: async (fx) => ({
        params: { id: (await fx.campaignOfA()).id },
        body: inKindPledgeBody(),
      }),
      expect: row(401, 201, 201, 201, 201, 201, 201, 201),
    },
  ],
  'GET /api/v1/campaigns/{id}/in-kind-pledges': [
    {
      name: 'the in-kind pledges to a campaign of A',
      owners: A_SIDE,
      target: async (fx) => {
        const pledge = await fx.inKindPledgeOfA(fx.other);
        return { params: { id: pledge.campaignId } };
      },
      expect: row(401, 403, 200, 403, 200, 403, 403, 200),
    },
  ],
  'POST /api/v1/in-kind-pledges/{id}/receive': [
    {
      name: "another person's in-kind pledge to a campaign of A",
      owners: A_SIDE,
      target: async (fx) => ({ params: { id: (await fx.inKindPledgeOfA(fx.other)).id }, body: {} }),
      expect: row(401, 403, 200, 403, 200, 403, 403, 200),
    },
  ],
  'GET /api/v1/campaigns/{id}/ledger': [
    {
      name: 'the public ledger of a campaign of A',
      owners: 'anyone',
      target: async (fx) => ({ params: { id: (await ledgeredCampaignOfA(fx)).campaignId } }),
      expect: everyone(200),
    },
  ],
  'GET /api/v1/campaigns/{id}/ledger/verify': [
    {
      name: 'the hash chain of a campaign of A',
      owners: 'anyone',
      target: async (fx) => ({ params: { id: (await ledgeredCampaignOfA(fx)).campaignId } }),
      expect: everyone(200),
    },
  ],
};

/** Adds a fresh account (one per role) to the organization as a coordinator. */
function memberAdd(
  name: string,
  organization: (fx: Fixtures) => Promise<string>,
  expect: Expectation,
): Case {
  return {
    name,
    owners: ['ownerA'],
    target: async (fx, role) => {
      const org = await organization(fx);
      const person = await fx.spare(`member-${role}`);
      return {
        params: { id: org },
        body: { email: person.email, role: 'coordinator' },
        verify: async (res) => {
          const added = await fx.isMember(org, fx.as.ownerA, person);
          return check(added === is2xx(res.status), `member afterwards: ${added}`);
        },
      };
    },
    expect,
  };
}

/** Removes a member (a fresh one per role, added by the organization's owner). */
function memberRemove(
  name: string,
  /** Names the fresh accounts: cases with one key share them (they join different orgs). */
  spareKey: string,
  where: (
    fx: Fixtures,
  ) =>
    | { org: string; owner: Account; path: string }
    | Promise<{ org: string; owner: Account; path: string }>,
  expect: Expectation,
  owners: Owners,
): Case {
  return {
    name,
    owners,
    target: async (fx, role) => {
      const { org, owner, path } = await where(fx);
      const person = await fx.spare(`${spareKey}-${role}`);
      await fx.addMember(org, owner, person, 'coordinator');
      return {
        params: { id: path, userId: person.id },
        verify: async (res) => {
          const still = await fx.isMember(org, owner, person);
          const removedHere = is2xx(res.status) && org === path;
          return check(still !== removedHere, `member afterwards: ${still}`);
        },
      };
    },
    expect,
  };
}

/** A search naming organization A: its draft shows to A and admins only, 200 for everyone. */
function listDrafts(status: string, name: string): Case {
  return {
    name: `${name}: the draft shows to A and admins only`,
    owners: 'anyone',
    target: async (fx, role) => {
      const draft = await initiativeOfA(fx, 'draft', false);
      const query = [`organizationId=${fx.orgA}`, status, 'limit=100'].filter(Boolean).join('&');
      return {
        query,
        verify: async () => {
          const ids = await fx.listedIds(`/api/v1/initiatives?${query}`, fx.account(role));
          const shown = ids.includes(draft.id);
          const entitled = A_SIDE.includes(role) || role === 'admin';
          return check(shown === entitled, `draft listed: ${shown}`);
        },
      };
    },
    expect: everyone(200),
  };
}

function readInitiative(status: InitiativeStatus, expect: Expectation): Case {
  return {
    name: `a ${status} initiative of A`,
    owners: isPublic(status) ? 'anyone' : A_SIDE,
    target: async (fx) => ({ params: { id: (await initiativeOfA(fx, status, false)).id } }),
    expect,
  };
}

/** A write to an initiative of A in `status`: fresh for each role unless nothing changes. */
function changeInitiative(
  status: InitiativeStatus,
  expect: Expectation,
  body?: object,
  fresh = true,
): Case {
  return {
    name: `a ${status} initiative of A`,
    owners: A_SIDE,
    target: async (fx) => ({
      params: { id: (await initiativeOfA(fx, status, fresh)).id },
      body,
    }),
    expect,
  };
}

function readTask(status: InitiativeStatus, expect: Expectation): Case {
  return {
    name: `a task of a ${status} initiative of A`,
    owners: isPublic(status) ? 'anyone' : A_SIDE,
    target: async (fx) => ({ params: { id: (await taskOfA(fx, status, false)).id } }),
    expect,
  };
}

function listTasks(status: InitiativeStatus, expect: Expectation): Case {
  return {
    name: `the tasks of a ${status} initiative of A`,
    owners: isPublic(status) ? 'anyone' : A_SIDE,
    target: async (fx) => {
      const task = await taskOfA(fx, status, false);
      return {
        params: { id: task.initiativeId },
        verify: (res) => {
          if (!is2xx(res.status)) return [];
          const ids = (res.body.items as { id: string }[]).map((t) => t.id);
          return check(ids.includes(task.id), 'the task is not listed');
        },
      };
    },
    expect,
  };
}

/** A write to a task of A: fresh for each role unless its initiative ended (nothing changes). */
function changeTask(status: InitiativeStatus, expect: Expectation, body?: object): Case {
  const fresh = status === 'draft' || status === 'published';
  return {
    name: `a task of a ${status} initiative of A`,
    owners: A_SIDE,
    target: async (fx) => ({ params: { id: (await taskOfA(fx, status, fresh)).id }, body }),
    expect,
  };
}

// --- participation, co-design, co-monitoring -----------------------------------------------

const PROPOSAL = { title: 'Лавки в сквері', body: 'Більше лавок у тіні' };

function reportBody() {
  return {
    title: 'Укриття зачинене',
    description: 'Під час тривоги двері були замкнені',
    severity: 'high',
    location: { lat: 48.4647, lng: 35.0462 },
    observedAt: inHours(-2),
  };
}

/** A task of a published initiative of A taking applications (one shared, many slots). */
const openTask = (fx: Fixtures) =>
  fx.shared('task:open', async () => {
    const initiative = await initiativeOfA(fx, 'published', false);
    return fx.ok(
      'post',
      `/api/v1/initiatives/${initiative.id}/tasks`,
      fx.as.coordinatorA,
      201,
      taskBody({ slots: 1000 }),
    );
  });

let shift = 0;

/**
 * A fresh task of the shared published initiative of A, with a shift of its own (so one
 * volunteer accepted for many of them never has two overlapping).
 */
async function freshTask(fx: Fixtures): Promise<{ id: string }> {
  const initiative = await initiativeOfA(fx, 'published', false);
  const start = 48 + 4 * ++shift;
  return fx.ok(
    'post',
    `/api/v1/initiatives/${initiative.id}/tasks`,
    fx.as.coordinatorA,
    201,
    taskBody({ startsAt: inHours(start), endsAt: inHours(start + 2) }),
  );
}

/** `account` applies to a fresh task of A; the application. */
async function applyAs(fx: Fixtures, account: Account): Promise<{ id: string; taskId: string }> {
  const task = await freshTask(fx);
  const applied = await fx.ok('post', `/api/v1/tasks/${task.id}/applications`, account, 201, {});
  return { id: applied.id, taskId: task.id };
}

/**
 * An application of a volunteer (a spare account, no organization) to a task of A, brought to
 * `status` by A's coordinator; fresh unless `fresh` is false.
 */
function applicationOfA(
  fx: Fixtures,
  status: 'pending' | 'accepted' | 'checked_in',
  fresh = true,
): Promise<{ id: string; taskId: string }> {
  const make = async () => {
    const applied = await applyAs(fx, await fx.spare('volunteer'));
    const by = fx.as.coordinatorA;
    if (status !== 'pending') {
      await fx.ok('post', `/api/v1/applications/${applied.id}/accept`, by, 200);
    }
    if (status === 'checked_in') {
      await fx.ok('post', `/api/v1/applications/${applied.id}/check-in`, by, 200);
    }
    return applied;
  };
  return fresh ? make() : fx.shared(`application:${status}`, make);
}

/** A coordinator's step on a fresh application of a volunteer in `status`. */
function reviewApplication(
  status: 'pending' | 'accepted' | 'checked_in',
  expect: Expectation,
  body?: object,
): Case {
  return {
    name: `a volunteer's ${status} application to a task of A`,
    owners: A_SIDE,
    target: async (fx) => ({ params: { id: (await applicationOfA(fx, status)).id }, body }),
    expect,
  };
}

const codesignOfA = (fx: Fixtures, status: InitiativeStatus) =>
  fx.shared(`co-design:${status}`, () => fx.initiativeOfA(status, { mode: 'co-design' }));

const monitoringOfA = (fx: Fixtures, status: InitiativeStatus) =>
  fx.shared(`co-monitoring:${status}`, () => fx.initiativeOfA(status, { mode: 'co-monitoring' }));

/** A citizen's proposal on the published co-design initiative of A; fresh unless told. */
function proposalOfA(fx: Fixtures, fresh = true): Promise<{ id: string; initiativeId: string }> {
  const make = async () => {
    const initiative = await codesignOfA(fx, 'published');
    const path = `/api/v1/initiatives/${initiative.id}/proposals`;
    const proposal = await fx.ok('post', path, await fx.spare('author'), 201, PROPOSAL);
    return { id: proposal.id, initiativeId: initiative.id };
  };
  return fresh ? make() : fx.shared('proposal', make);
}

/**
 * A citizen's report on the published co-monitoring initiative of A, `new` or verified by A's
 * coordinator; fresh unless told.
 */
function reportOfA(
  fx: Fixtures,
  status: 'new' | 'verified',
  fresh = true,
): Promise<{ id: string; initiativeId: string }> {
  const make = async () => {
    const initiative = await monitoringOfA(fx, 'published');
    const path = `/api/v1/initiatives/${initiative.id}/reports`;
    const report = await fx.ok('post', path, await fx.spare('reporter'), 201, reportBody());
    if (status === 'verified') {
      await fx.ok('patch', `/api/v1/reports/${report.id}`, fx.as.coordinatorA, 200, {
        status: 'verified',
      });
    }
    return { id: report.id, initiativeId: initiative.id };
  };
  return fresh ? make() : fx.shared(`report:${status}`, make);
}

/** A campaign of A nobody changes (read-only rows). */
const sharedCampaignOfA = (fx: Fixtures) => fx.shared('campaign', () => fx.campaignOfA());

/** A campaign of A with one confirmed donation on its ledger (read-only rows). */
const ledgeredCampaignOfA = (fx: Fixtures) =>
  fx.shared('campaign:ledgered', () => fx.receivedDonationOfA(fx.other));
