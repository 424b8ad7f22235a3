/**
 * The people, organizations and objects of the authorization table, made through the real
 * HTTP API. The role accounts are made once (argon2 is slow on purpose); the objects a row acts
 * on are made fresh for each role by the row's `target`, so one role's successful write never
 * changes what the next role meets.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { eventually } from '../support';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../system';

export const ROLES = [
  'anonymous',
  'citizen',
  'coordinatorA',
  'coordinatorB',
  'ownerA',
  'ownerB',
  'researcher',
  'admin',
] as const;
export type RoleName = (typeof ROLES)[number];
export type SignedInRole = Exclude<RoleName, 'anonymous'>;

const PASSWORD = 'authorization table passphrase';
const HOUR = 3_600_000;

export type Http = ReturnType<typeof request>;
export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
export type Body = Record<string, unknown>;

export interface Account {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

export interface Initiative {
  id: string;
  organizationId: string;
  status: string;
}

export interface Task {
  id: string;
  initiativeId: string;
}

export interface Campaign {
  id: string;
  initiativeId: string;
}

export interface Donation {
  id: string;
  campaignId: string;
}

/** Campaigns one initiative may have (20), with room to spare. */
const CAMPAIGNS_PER_HOST = 18;

export type InitiativeStatus = 'draft' | 'published' | 'completed' | 'cancelled';

export const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

export function initiativeBody(organizationId: string, overrides: Body = {}): Body {
  return {
    organizationId,
    title: 'Відбудова школи',
    description: 'Прибираємо уламки й ремонтуємо дах.',
    mode: 'co-delivery',
    category: 'reconstruction',
    region: 'UA-12',
    ...overrides,
  };
}

export function taskBody(overrides: Body = {}): Body {
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

export function campaignBody(overrides: Body = {}): Body {
  return {
    title: 'Генератор для укриття',
    goal: { amount: 12_000_000 },
    inKindNeeds: [{ item: 'Каністри', quantity: 20, unit: 'шт' }],
    ...overrides,
  };
}

export function inKindPledgeBody(overrides: Body = {}): Body {
  return { item: 'Каністри', quantity: 2, ...overrides };
}

/** A fresh, unguessable Idempotency-Key header. */
export function idempotencyKey(): Record<string, string> {
  return { 'Idempotency-Key': randomUUID() };
}

/** The payload of a JWT, unverified (tests read their own tokens). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
}

/** Resolves once the wall clock is in a later whole second than `since` (ms). */
export async function nextSecondAfter(since: number): Promise<void> {
  const wait = (Math.floor(since / 1000) + 1) * 1000 - Date.now() + 20;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

export class Fixtures {
  /** The account acting as each signed-in role. */
  readonly as = {} as Record<SignedInRole, Account>;
  /** A person nobody organizes: not contactable, no applications. */
  other!: Account;
  /** A contactable volunteer with a region and skills. */
  contactable!: Account;
  orgA!: string;
  orgB!: string;

  private serial = 0;
  /** The published initiative of A new campaigns start on, and how many it has. */
  private campaignHostOfA: { id: string; campaigns: number } | null = null;
  private readonly memo = new Map<string, Promise<unknown>>();
  /** A refresh-token family the refresh rows spend one token at a time. */
  private refreshChain!: string;
  /** Someone else's live refresh token, for logout attempts (silent no-ops). */
  private victimRefreshToken!: string;

  private constructor(readonly http: Http) {}

  /** Signs in the first admin and builds every role account and both organizations. */
  static async create(http: Http): Promise<Fixtures> {
    const fx = new Fixtures(http);
    fx.as.admin = await fx.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    for (const role of ['citizen', 'researcher', 'ownerA', 'coordinatorA'] as const) {
      fx.as[role] = await fx.register(role);
    }
    for (const role of ['ownerB', 'coordinatorB'] as const) fx.as[role] = await fx.register(role);
    fx.other = await fx.register('other');
    fx.contactable = await fx.register('contactable');
    const chain = await fx.register('chain');
    fx.refreshChain = chain.refreshToken;
    fx.victimRefreshToken = (await fx.register('victim')).refreshToken;

    await fx.ok('patch', `/api/v1/users/${fx.as.researcher.id}/roles`, fx.as.admin, 200, {
      add: ['researcher'],
    });
    const granted = Date.now();
    await fx.ok('patch', '/api/v1/me', fx.contactable, 200, {
      contactable: true,
      region: 'UA-12',
      district: 'Кам’янська громада',
      birthYear: 1990,
      languages: ['uk', 'en'],
      skills: [{ code: 'first_aid', level: 2 }],
    });
    fx.orgA = await fx.verifiedOrganization(fx.as.ownerA);
    fx.orgB = await fx.verifiedOrganization(fx.as.ownerB);
    await fx.addMember(fx.orgA, fx.as.ownerA, fx.as.coordinatorA, 'coordinator');
    await fx.addMember(fx.orgB, fx.as.ownerB, fx.as.coordinatorB, 'coordinator');
    // Granting a role revokes the access tokens issued up to that second (gateway feed).
    await nextSecondAfter(granted);
    for (const role of [
      'researcher',
      'ownerA',
      'coordinatorA',
      'ownerB',
      'coordinatorB',
    ] as const) {
      fx.as[role] = await fx.refresh(fx.as[role]);
    }
    return fx;
  }

  account(role: RoleName): Account | null {
    return role === 'anonymous' ? null : this.as[role];
  }

  /** Any request; `as` null is anonymous. */
  call(
    method: Method,
    path: string,
    as: Account | null,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    let req = this.http[method](path);
    if (as) req = req.set('Authorization', `Bearer ${as.accessToken}`);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    return body === undefined ? req : req.send(body as object);
  }

  /** A set-up request that must answer `status`; its body. */
  async ok(
    method: Method,
    path: string,
    as: Account | null,
    status: number,
    body?: unknown,
    headers?: Record<string, string>,
  ) {
    const res = await this.call(method, path, as, body, headers);
    if (res.status !== status) {
      throw new Error(
        `set-up ${method.toUpperCase()} ${path} answered ${res.status}, not ${status}: ` +
          JSON.stringify(res.body),
      );
    }
    return res.body as Record<string, unknown> & { id: string };
  }

  /** Memoizes read-only targets several roles may share. */
  shared<T>(key: string, make: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = make();
      this.memo.set(key, value);
    }
    return value;
  }

  // --- accounts -------------------------------------------------------------------------

  async register(label: string): Promise<Account> {
    const email = `${label}-${++this.serial}-${Date.now()}@authz.example.org`;
    const body = await this.ok('post', '/api/v1/auth/register', null, 201, {
      email,
      password: PASSWORD,
      displayName: `Тест ${label}`,
    });
    return sessionOf(body, email);
  }

  /** A registered account kept under `key` (shared by the rows that name it). */
  spare(key: string): Promise<Account> {
    return this.shared(`spare:${key}`, () => this.register(key));
  }

  async signIn(email: string, password = PASSWORD): Promise<Account> {
    const body = await this.ok('post', '/api/v1/auth/login', null, 200, { email, password });
    return sessionOf(body, email);
  }

  async refresh(account: Account): Promise<Account> {
    const body = await this.ok('post', '/api/v1/auth/refresh', null, 200, {
      refreshToken: account.refreshToken,
    });
    return sessionOf(body, account.email);
  }

  /** A second session of `role`'s account (a new refresh-token family). */
  session(role: SignedInRole): Promise<Account> {
    return role === 'admin'
      ? this.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)
      : this.signIn(this.as[role].email);
  }

  /** Credentials anyone may sign in with. */
  loginBody(): { email: string; password: string } {
    return { email: this.other.email, password: PASSWORD };
  }

  /** The next unspent refresh token of the shared family (the row spends it). */
  takeRefreshToken(): string {
    return this.refreshChain;
  }

  /** The family's successor, when the row's refresh answered one. */
  keepRefreshToken(token: unknown): void {
    if (typeof token === 'string') this.refreshChain = token;
  }

  victimToken(): string {
    return this.victimRefreshToken;
  }

  /** Proves the victim's session survived (spending its token for the next row). */
  async victimStillSignedIn(): Promise<boolean> {
    const res = await this.call('post', '/api/v1/auth/refresh', null, {
      refreshToken: this.victimRefreshToken,
    });
    if (res.status !== 200) return false;
    this.victimRefreshToken = res.body.refreshToken as string;
    return true;
  }

  /**
   * A fresh account shaped like `role` (same roles, member of the same organization with the
   * same role), for requests that consume their caller (DELETE /me).
   */
  async standIn(role: SignedInRole): Promise<Account> {
    const account = await this.register(`stand-in-${role}`);
    switch (role) {
      case 'citizen':
        return account;
      case 'coordinatorA':
      case 'ownerA':
      case 'coordinatorB':
      case 'ownerB': {
        const ofA = role.endsWith('A');
        await this.addMember(
          ofA ? this.orgA : this.orgB,
          ofA ? this.as.ownerA : this.as.ownerB,
          account,
          role.startsWith('owner') ? 'owner' : 'coordinator',
        );
        return this.refresh(account);
      }
      case 'researcher':
      case 'admin': {
        await this.ok('patch', `/api/v1/users/${account.id}/roles`, this.as.admin, 200, {
          add: [role],
        });
        await nextSecondAfter(Date.now());
        return this.refresh(account);
      }
    }
  }

  // --- organizations ----------------------------------------------------------------------

  async organization(owner: Account, name = `Фонд ${++this.serial}`): Promise<string> {
    const body = await this.ok('post', '/api/v1/organizations', owner, 201, {
      name,
      kind: 'ngo',
      region: 'UA-12',
    });
    return body.id;
  }

  async verifiedOrganization(owner: Account): Promise<string> {
    const id = await this.organization(owner);
    await this.ok('post', `/api/v1/organizations/${id}/verify`, this.as.admin, 200);
    return id;
  }

  async addMember(organizationId: string, by: Account, person: Account, role: string) {
    await this.ok('post', `/api/v1/organizations/${organizationId}/members`, by, 201, {
      email: person.email,
      role,
    });
  }

  /** A pending organization of A's owner, with A's coordinator as its coordinator (shared). */
  pendingOrgOfA(): Promise<string> {
    return this.shared('pendingOrgOfA', async () => {
      const id = await this.organization(this.as.ownerA);
      await this.addMember(id, this.as.ownerA, this.as.coordinatorA, 'coordinator');
      return id;
    });
  }

  /** A pending organization of A's owner, fresh (for rows that change it). */
  async freshPendingOrgOfA(): Promise<string> {
    const id = await this.organization(this.as.ownerA);
    await this.addMember(id, this.as.ownerA, this.as.coordinatorA, 'coordinator');
    return id;
  }

  /** Whether `person` is listed among the members of `organizationId` (asked as its owner). */
  async isMember(organizationId: string, owner: Account, person: Account): Promise<boolean> {
    const body = await this.ok(
      'get',
      `/api/v1/organizations/${organizationId}/members?limit=100`,
      owner,
      200,
    );
    return (body.items as { userId: string }[]).some((m) => m.userId === person.id);
  }

  // --- initiatives and tasks ----------------------------------------------------------------

  /** A fresh co-delivery initiative of org A in `status`, made by A's coordinator. */
  async initiativeOfA(status: InitiativeStatus, overrides: Body = {}): Promise<Initiative> {
    const by = this.as.coordinatorA;
    const created = await this.ok(
      'post',
      '/api/v1/initiatives',
      by,
      201,
      initiativeBody(this.orgA, overrides),
    );
    const id = created.id;
    if (status !== 'draft' && status !== 'cancelled') {
      await this.ok('post', `/api/v1/initiatives/${id}/publish`, by, 200);
    }
    if (status === 'completed')
      await this.ok('post', `/api/v1/initiatives/${id}/complete`, by, 200);
    if (status === 'cancelled') await this.ok('post', `/api/v1/initiatives/${id}/cancel`, by, 200);
    return { id, organizationId: this.orgA, status };
  }

  /** A fresh task of a fresh initiative of org A, the initiative then brought to `status`. */
  async taskOfA(status: InitiativeStatus): Promise<Task> {
    const initiative = await this.initiativeOfA('draft');
    const by = this.as.coordinatorA;
    const path = `/api/v1/initiatives/${initiative.id}`;
    const task = await this.ok('post', `${path}/tasks`, by, 201, taskBody());
    if (status === 'published' || status === 'completed') {
      await this.ok('post', `${path}/publish`, by, 200);
    }
    if (status === 'completed') await this.ok('post', `${path}/complete`, by, 200);
    if (status === 'cancelled') await this.ok('post', `${path}/cancel`, by, 200);
    return { id: task.id, initiativeId: initiative.id };
  }

  // --- donations ----------------------------------------------------------------------------

  /**
   * A published initiative of A the donations service already knows (it learns initiatives
   * from events), reserving one of its 20 campaigns for the caller.
   */
  async campaignHost(): Promise<string> {
    if (!this.campaignHostOfA || this.campaignHostOfA.campaigns >= CAMPAIGNS_PER_HOST) {
      const initiative = await this.initiativeOfA('published');
      const known = await eventually(
        () => this.call('get', `/api/v1/initiatives/${initiative.id}/campaigns`, null),
        (res) => res.status !== 404,
        15_000,
      );
      if (known.status !== 200) {
        throw new Error(`the donations service never learnt of ${initiative.id} (${known.status})`);
      }
      this.campaignHostOfA = { id: initiative.id, campaigns: 0 };
    }
    this.campaignHostOfA.campaigns += 1;
    return this.campaignHostOfA.id;
  }

  /** A fresh campaign of A (UAH, with an in-kind need), started by A's coordinator. */
  async campaignOfA(): Promise<Campaign> {
    const initiativeId = await this.campaignHost();
    const path = `/api/v1/initiatives/${initiativeId}/campaigns`;
    const res = await eventually(
      () => this.call('post', path, this.as.coordinatorA, campaignBody()),
      (r) => r.status !== 404,
      15_000,
    );
    if (res.status !== 201) {
      throw new Error(`set-up POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return { id: res.body.id as string, initiativeId };
  }

  /** A fresh pledge of `amount` to a fresh campaign of A, by `donor` (null: anonymous). */
  async donationOfA(donor: Account | null, amount = 10_000): Promise<Donation> {
    const campaign = await this.campaignOfA();
    const body = await this.ok(
      'post',
      `/api/v1/campaigns/${campaign.id}/donations`,
      donor,
      201,
      { amount },
      idempotencyKey(),
    );
    return { id: body.id, campaignId: campaign.id };
  }

  /** A fresh donation of A, confirmed by A's coordinator (the campaign's balance covers it). */
  async receivedDonationOfA(donor: Account | null, amount = 10_000): Promise<Donation> {
    const donation = await this.donationOfA(donor, amount);
    await this.ok(
      'post',
      `/api/v1/donations/${donation.id}/confirm`,
      this.as.coordinatorA,
      200,
      {},
    );
    return donation;
  }

  /** A fresh in-kind pledge to a fresh campaign of A, by `person`. */
  async inKindPledgeOfA(person: Account): Promise<{ id: string; campaignId: string }> {
    const campaign = await this.campaignOfA();
    const body = await this.ok(
      'post',
      `/api/v1/campaigns/${campaign.id}/in-kind-pledges`,
      person,
      201,
      inKindPledgeBody(),
    );
    return { id: body.id, campaignId: campaign.id };
  }

  /** Every id a paged list answers to `as`, following cursors. */
  async listedIds(path: string, as: Account | null): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page = cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : '';
      const body = await this.ok('get', `${path}${page}`, as, 200);
      ids.push(...(body.items as { id: string }[]).map((item) => item.id));
      cursor = (body.nextCursor as string | null) ?? null;
    } while (cursor);
    return ids;
  }
}

function sessionOf(body: Record<string, unknown>, email: string): Account {
  const user = body.user as { id: string };
  return {
    id: user.id,
    email,
    accessToken: body.accessToken as string,
    refreshToken: body.refreshToken as string,
  };
}
