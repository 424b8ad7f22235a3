/**
 * Donations through the whole system (gateway/test/system.ts): real HTTP, the gateway, NATS
 * and JetStream, the users, initiatives and donations services, MongoDB. People register and
 * sign in for real; the organization is verified by the first admin; the initiative is
 * published through the initiatives service, and the donations service learns of it (and of
 * the donor's display name) from their events.
 */
import { randomUUID } from 'node:crypto';
import mongoose, { Connection, Types } from 'mongoose';
import type {
  CampaignView,
  DonationPage,
  DonationView,
  InitiativeFundingView,
  InKindPledgeView,
  LedgerPage,
  LedgerVerification,
} from '@spilno/contracts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startSystem, TestSystem } from './system';

const PROBLEM_TYPE = /^application\/problem\+json/;
const PASSWORD = 'donations test passphrase';

interface Account {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

type Res = { status: number; body: Record<string, unknown>; headers: Record<string, string> };

describe('donations (e2e, whole system over HTTP)', () => {
  let system: TestSystem;
  let donationsDb: Connection;
  let admin: Account;
  let owner: Account;
  let donor: Account;
  let stranger: Account;
  let organizationId: string;
  let initiativeId: string;
  let campaign: CampaignView;
  const statuses: number[] = [];

  async function call(
    method: 'get' | 'post' | 'patch',
    path: string,
    options: { as?: Account | null; body?: unknown; key?: string } = {},
  ): Promise<Res> {
    let req = system.http[method](`/api/v1${path}`);
    if (options.as) req = req.set('Authorization', `Bearer ${options.as.accessToken}`);
    if (options.key !== undefined) req = req.set('Idempotency-Key', options.key);
    const res = await (options.body === undefined ? req : req.send(options.body as object));
    statuses.push(res.status);
    return res as unknown as Res;
  }

  async function expectStatus(res: Res, status: number): Promise<Res['body']> {
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    return res.body;
  }

  function expectProblem(res: Res, status: number, field?: string) {
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    expect(res.headers['content-type']).toMatch(PROBLEM_TYPE);
    expect(res.body).toMatchObject({ status, type: expect.stringMatching(/^urn:spilno:problem:/) });
    if (field) {
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    }
  }

  async function session(res: Res): Promise<Account> {
    const body = res.body as {
      user: { id: string; email: string };
      accessToken: string;
      refreshToken: string;
    };
    return {
      id: body.user.id,
      email: body.user.email,
      accessToken: body.accessToken,
      refreshToken: body.refreshToken,
    };
  }

  async function register(label: string, displayName: string): Promise<Account> {
    const res = await call('post', '/auth/register', {
      body: {
        email: `${label}-${Date.now()}@donations.example.org`,
        password: PASSWORD,
        displayName,
      },
    });
    await expectStatus(res, 201);
    return session(res);
  }

  /** Retries while the donations service has not yet heard of what another service did. */
  async function eventually(attempt: () => Promise<Res>, done: (res: Res) => boolean) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await attempt();
      if (done(res) || Date.now() > deadline) return res;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const pledgeBody = (amount: number, extra: Record<string, unknown> = {}) => ({
    amount,
    ...extra,
  });

  beforeAll(async () => {
    system = await startSystem();
    donationsDb = await mongoose.createConnection(system.databases.donations).asPromise();
    admin = await session(
      await call('post', '/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }),
    );
    owner = await register('owner', 'Ірина Власенко');
    donor = await register('donor', 'Марія Гончаренко');
    stranger = await register('stranger', 'Петро');
    organizationId = (
      await expectStatus(
        await call('post', '/organizations', {
          as: owner,
          body: { name: 'Фонд «Світло»', kind: 'ngo', region: 'UA-12' },
        }),
        201,
      )
    ).id as string;
    await expectStatus(
      await call('post', `/organizations/${organizationId}/verify`, { as: admin }),
      200,
    );
    owner = await session(
      await call('post', '/auth/refresh', { body: { refreshToken: owner.refreshToken } }),
    );
    initiativeId = (
      await expectStatus(
        await call('post', '/initiatives', {
          as: owner,
          body: {
            organizationId,
            title: 'Світло для укриття',
            description: 'Генератор і пальне для укриття школи.',
            mode: 'co-delivery',
            category: 'shelter',
            region: 'UA-12',
          },
        }),
        201,
      )
    ).id as string;
    await expectStatus(
      await call('post', `/initiatives/${initiativeId}/publish`, { as: owner }),
      200,
    );
    const created = await eventually(
      () =>
        call('post', `/initiatives/${initiativeId}/campaigns`, {
          as: owner,
          body: {
            title: 'Генератор для укриття',
            goal: { amount: 12_000_000 },
            inKindNeeds: [{ item: 'Каністри', quantity: 20, unit: 'шт' }],
          },
        }),
      (res) => res.status !== 404,
    );
    campaign = (await expectStatus(created, 201)) as unknown as CampaignView;
    // The ledger names donors by the display name the users service announced.
    await waitUntil(
      async () =>
        (await donationsDb.collection('people').findOne({ _id: donor.id as never })) !== null,
    );
  }, 120_000);

  afterAll(async () => {
    await donationsDb?.close();
    await system?.close();
  });

  afterAll(() => {
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });

  it('starts the campaign on the published initiative', () => {
    expect(campaign).toMatchObject({
      initiativeId,
      organizationId,
      goal: { amount: 12_000_000, currency: 'UAH' },
      raised: 0,
      inKind: [{ item: 'Каністри', unit: 'шт', needed: 20, pledged: 0, received: 0 }],
      initiativeStatus: 'published',
    });
  });

  it('requires a well-formed Idempotency-Key on donations (400 problems)', async () => {
    const path = `/campaigns/${campaign.id}/donations`;
    expectProblem(await call('post', path, { body: pledgeBody(100) }), 400, 'Idempotency-Key');
    for (const key of ['x'.repeat(101), 'caf\u00e9', 'tab\there']) {
      expectProblem(
        await call('post', path, { body: pledgeBody(100), key }),
        400,
        'Idempotency-Key',
      );
    }
  });

  it('refuses floats, zero, negative amounts and unknown currencies (400)', async () => {
    const path = `/campaigns/${campaign.id}/donations`;
    for (const [body, field] of [
      [pledgeBody(100.5), 'amount'],
      [pledgeBody(0), 'amount'],
      [pledgeBody(-5), 'amount'],
      [pledgeBody(100, { currency: 'XYZ' }), 'currency'],
      [pledgeBody(100, { donorEmail: 'x@example.org' }), 'donorEmail'],
    ] as const) {
      expectProblem(await call('post', path, { body, key: randomUUID() }), 400, field);
    }
  });

  it("refuses another currency than the campaign's and amounts above the maximum (422)", async () => {
    const path = `/campaigns/${campaign.id}/donations`;
    expectProblem(
      await call('post', path, { body: pledgeBody(100, { currency: 'EUR' }), key: randomUUID() }),
      422,
      'currency',
    );
    expectProblem(
      await call('post', path, { body: pledgeBody(100_000_000_01), key: randomUUID() }),
      422,
      'amount',
    );
  });

  it('answers 50 simultaneous identical pledges with one donation and 50 identical answers', async () => {
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        call('post', `/campaigns/${campaign.id}/donations`, {
          as: donor,
          body: pledgeBody(123_456, { message: 'На пальне' }),
          key,
        }),
      ),
    );

    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 50 }, () => 201));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    const page = (await expectStatus(
      await call('get', `/campaigns/${campaign.id}/donations?limit=100`, { as: owner }),
      200,
    )) as unknown as DonationPage;
    expect(page.items.filter((d) => d.amount === 123_456)).toHaveLength(1);
    const other = await call('post', `/campaigns/${campaign.id}/donations`, {
      as: donor,
      body: pledgeBody(123_457),
      key,
    });
    expectProblem(other, 422, 'Idempotency-Key');
  });

  it('confirms once, shows the donor by name (anonymous ones as "anonymous"), never an email or id', async () => {
    const named = (await expectStatus(
      await call('post', `/campaigns/${campaign.id}/donations`, {
        as: donor,
        body: pledgeBody(500_000),
        key: randomUUID(),
      }),
      201,
    )) as unknown as DonationView;
    const unnamed = (await expectStatus(
      await call('post', `/campaigns/${campaign.id}/donations`, {
        body: pledgeBody(20_000),
        key: randomUUID(),
      }),
      201,
    )) as unknown as DonationView;
    expect(unnamed).toMatchObject({ anonymous: true, status: 'pledged' });
    expectProblem(
      await call('post', `/donations/${named.id}/confirm`, { as: stranger, body: {} }),
      404,
    );
    expectProblem(
      await call('post', `/donations/${named.id}/confirm`, { as: donor, body: {} }),
      403,
    );

    const first = await call('post', `/donations/${named.id}/confirm`, {
      as: owner,
      body: { externalRef: 'PB-7781' },
    });
    const second = await call('post', `/donations/${named.id}/confirm`, { as: owner, body: {} });
    await expectStatus(
      await call('post', `/donations/${unnamed.id}/confirm`, { as: owner, body: {} }),
      200,
    );

    expect(await expectStatus(first, 200)).toMatchObject({
      status: 'received',
      externalRef: 'PB-7781',
    });
    expect(second.body).toEqual(first.body);
    const now = (await expectStatus(
      await call('get', `/campaigns/${campaign.id}`),
      200,
    )) as unknown as CampaignView;
    expect(now).toMatchObject({ raised: 520_000, balance: 520_000, donors: 2 });
    const ledger = (await expectStatus(
      await call('get', `/campaigns/${campaign.id}/ledger`),
      200,
    )) as unknown as LedgerPage;
    expect(ledger.items.map((e) => [e.kind, e.amount, e.donor])).toEqual([
      ['donation', 500_000, 'Марія Гончаренко'],
      ['donation', 20_000, 'anonymous'],
    ]);
    const text = JSON.stringify(ledger);
    expect(text).not.toContain(donor.id);
    expect(text).not.toContain(donor.email);
  });

  it('records expenses: exactly one of two that together exceed the balance', async () => {
    expectProblem(
      await call('post', `/campaigns/${campaign.id}/expenses`, {
        as: owner,
        body: { amount: 1000, description: 'Пальне' },
      }),
      400,
      'Idempotency-Key',
    );
    expectProblem(
      await call('post', `/campaigns/${campaign.id}/expenses`, {
        body: { amount: 1000, description: 'Пальне' },
        key: randomUUID(),
      }),
      401,
    );
    expectProblem(
      await call('post', `/campaigns/${campaign.id}/expenses`, {
        as: stranger,
        body: { amount: 1000, description: 'Пальне' },
        key: randomUUID(),
      }),
      403,
    );
    const balance = (
      (await call('get', `/campaigns/${campaign.id}`)).body as unknown as CampaignView
    ).balance;
    const spend = (amount: number) =>
      call('post', `/campaigns/${campaign.id}/expenses`, {
        as: owner,
        body: {
          amount,
          description: 'Генератор 5 кВт',
          receiptUrl: 'https://example.org/receipts/17.pdf',
        },
        key: randomUUID(),
      });
    const answers = await Promise.all([spend(balance - 100_000), spend(200_000)]);

    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const after = (await call('get', `/campaigns/${campaign.id}`)).body as unknown as CampaignView;
    expect(after.balance).toBeGreaterThanOrEqual(0);
    expect(after.spent + after.balance).toBe(after.raised);
  });

  it('refunds a received donation (raised goes down) unless the balance cannot cover it', async () => {
    const before = (await call('get', `/campaigns/${campaign.id}`)).body as unknown as CampaignView;
    const small = (await expectStatus(
      await call('post', `/campaigns/${campaign.id}/donations`, {
        as: donor,
        body: pledgeBody(10_000),
        key: randomUUID(),
      }),
      201,
    )) as unknown as DonationView;
    await expectStatus(
      await call('post', `/donations/${small.id}/confirm`, { as: owner, body: {} }),
      200,
    );
    const refunded = await call('post', `/donations/${small.id}/refund`, {
      as: owner,
      body: { reason: 'Донор попросив повернути' },
    });

    expect(await expectStatus(refunded, 200)).toMatchObject({ status: 'refunded' });
    const after = (await call('get', `/campaigns/${campaign.id}`)).body as unknown as CampaignView;
    expect(after).toMatchObject({ raised: before.raised, donors: before.donors });
    const big = (
      await call('get', `/campaigns/${campaign.id}/donations?status=received`, {
        as: owner,
      })
    ).body as unknown as DonationPage;
    // 500 000 came in and at least 200 000 went out: the largest donation is not covered.
    const largest = big.items.reduce((a, b) => (a.amount > b.amount ? a : b));
    expect({ largest: largest.amount, covered: largest.amount <= after.balance }).toEqual({
      largest: 500_000,
      covered: false,
    });
    expectProblem(
      await call('post', `/donations/${largest.id}/refund`, { as: owner, body: {} }),
      409,
    );
  });

  it('takes in-kind pledges and their receipt', async () => {
    const pledge = (await expectStatus(
      await call('post', `/campaigns/${campaign.id}/in-kind-pledges`, {
        as: donor,
        body: { item: 'каністри', quantity: 5 },
      }),
      201,
    )) as unknown as InKindPledgeView;
    expectProblem(
      await call('post', `/campaigns/${campaign.id}/in-kind-pledges`, {
        as: donor,
        body: { item: 'Цвяхи', quantity: 5 },
      }),
      422,
      'item',
    );
    expectProblem(
      await call('post', `/campaigns/${campaign.id}/in-kind-pledges`, {
        body: { item: 'каністри', quantity: 5 },
      }),
      401,
    );
    await expectStatus(
      await call('post', `/in-kind-pledges/${pledge.id}/receive`, {
        as: owner,
        body: { quantity: 4 },
      }),
      200,
    );

    const now = (await call('get', `/campaigns/${campaign.id}`)).body as unknown as CampaignView;
    expect(now.inKind).toEqual([
      { item: 'Каністри', unit: 'шт', needed: 20, pledged: 5, received: 4 },
    ]);
  });

  it('verifies the chain, and shows where a database edit broke it', async () => {
    const intact = (await expectStatus(
      await call('get', `/campaigns/${campaign.id}/ledger/verify`),
      200,
    )) as unknown as LedgerVerification;
    expect(intact).toMatchObject({ intact: true, campaignId: campaign.id });
    expect(intact.entries).toBeGreaterThanOrEqual(5);

    await donationsDb
      .collection('ledger_entries')
      .updateOne({ campaignId: new Types.ObjectId(campaign.id), seq: 2 }, { $set: { amount: 2 } });
    const broken = await call('get', `/campaigns/${campaign.id}/ledger/verify`);

    expect(await expectStatus(broken, 200)).toMatchObject({
      intact: false,
      brokenAt: 2,
      entries: 1,
    });
    await donationsDb
      .collection('ledger_entries')
      .updateOne(
        { campaignId: new Types.ObjectId(campaign.id), seq: 2 },
        { $set: { amount: 20_000 } },
      );
    expect((await call('get', `/campaigns/${campaign.id}/ledger/verify`)).body).toMatchObject({
      intact: true,
    });
  });

  it("shows the initiative's funding: money per currency and hours as in-kind value", async () => {
    // Volunteer hours, the real way: a shift, an application, check-in, completion (3.5 h),
    // and the initiatives service's `application.completed` event.
    const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
    const task = await expectStatus(
      await call('post', `/initiatives/${initiativeId}/tasks`, {
        as: owner,
        body: {
          title: 'Чергування біля генератора',
          requiredSkills: [],
          slots: 2,
          startsAt: inHours(1),
          endsAt: inHours(5),
          urgency: 'normal',
          autoAccept: true,
        },
      }),
      201,
    );
    const application = await expectStatus(
      await call('post', `/tasks/${task.id as string}/applications`, { as: donor, body: {} }),
      201,
    );
    expect(application).toMatchObject({ status: 'accepted' });
    const applicationPath = `/applications/${application.id as string}`;
    await expectStatus(await call('post', `${applicationPath}/check-in`, { as: owner }), 200);
    await expectStatus(
      await call('post', `${applicationPath}/complete`, { as: owner, body: { hours: 3.5 } }),
      200,
    );
    const funded = await eventually(
      () => call('get', `/initiatives/${initiativeId}/funding`),
      (res) => (res.body as unknown as InitiativeFundingView).inKindValue?.hours === 3.5,
    );
    const funding = (await expectStatus(funded, 200)) as unknown as InitiativeFundingView;
    const now = (await call('get', `/campaigns/${campaign.id}`)).body as unknown as CampaignView;

    expect(funding).toEqual({
      initiativeId,
      campaigns: 1,
      money: [
        {
          currency: 'UAH',
          raised: now.raised,
          spent: now.spent,
          balance: now.balance,
          donors: now.donors,
        },
      ],
      inKindValue: {
        label: 'in-kind value',
        kind: 'volunteer_hours',
        hours: 3.5,
        ratePerHour: { amount: 4810, currency: 'UAH' },
        value: { amount: 16_835, currency: 'UAH' },
      },
    });
    const list = await call('get', `/initiatives/${initiativeId}/campaigns`);
    expect(await expectStatus(list, 200)).toMatchObject({
      items: [expect.objectContaining({ id: campaign.id })],
      nextCursor: null,
    });
  });

  async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
