/**
 * The donations service end to end over a real nats-server and the embedded MongoDB wire
 * server (or MONGODB_URI): campaigns on initiatives it learned of from events, money rules,
 * idempotency, confirmation, expenses, refunds, in-kind goods, the hash-chained ledger (and a
 * tampered one), erasure, and volunteer hours valued apart from money.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import {
  DomainError,
  ErrorCode,
  EventSubjects,
  Subjects,
  type CampaignView,
  type DonationView,
  type ExpenseView,
  type InitiativeFundingView,
  type InKindPledgeView,
  type LedgerEntryView,
  type LedgerPage,
  type LedgerVerification,
  type SubjectExportSections,
} from '@spilno/contracts';
import {
  Actor,
  announceInitiative,
  anonymousDonor,
  call,
  citizen,
  coordinatorOf,
  Harness,
  newId,
  ok,
  publishEvent,
  startDonations,
  waitFor,
} from './support';

const S = Subjects.donations;
const MAX_MINOR = 1_000_000_00;

describe('donations service (e2e: NATS, JetStream events, MongoDB)', () => {
  let h: Harness;
  const orgA = newId();
  const orgB = newId();
  const coordinatorA = coordinatorOf(orgA);
  const coordinatorB = coordinatorOf(orgB);
  const olena = citizen();
  let keys = 0;
  const key = () => `key-${++keys}-${newId()}`;

  beforeAll(async () => {
    h = await startDonations({ DONATION_MAX_MINOR: String(MAX_MINOR) });
    await publishEvent(h.events, EventSubjects.users.userRegistered, 'users', {
      userId: olena.principal!.userId,
      displayName: 'Олена Коваль',
      locale: 'uk',
      registeredAt: new Date().toISOString(),
    });
    const people = h.connection.collection<{ _id: string }>('people');
    await waitFor(
      async () => (await people.findOne({ _id: olena.principal!.userId })) !== null,
      10_000,
      'the donor’s display name',
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  async function publishedInitiative(organizationId = orgA): Promise<string> {
    const id = newId();
    await announceInitiative(h, id, organizationId, 'published');
    return id;
  }

  async function campaign(
    overrides: Record<string, unknown> = {},
    as: Actor = coordinatorA,
  ): Promise<CampaignView> {
    const initiativeId = (overrides.initiativeId as string) ?? (await publishedInitiative());
    return ok<CampaignView>(
      h.client,
      S.campaignCreate,
      { initiativeId, title: 'Генератор для укриття', goal: { amount: 5_000_000 }, ...overrides },
      as,
    );
  }

  function pledge(campaignId: string, body: Record<string, unknown>, as: Actor = olena) {
    return call<DonationView>(
      h.client,
      S.donationPledge,
      { campaignId, idempotencyKey: key(), ...body },
      as,
    );
  }

  async function received(campaignId: string, amount: number, as: Actor = olena) {
    const pledged = await pledge(campaignId, { amount }, as);
    if (pledged instanceof DomainError) throw pledged;
    return ok<DonationView>(h.client, S.donationConfirm, { donationId: pledged.id }, coordinatorA);
  }

  function expense(campaignId: string, amount: number, idempotencyKey = key()) {
    return call<ExpenseView>(
      h.client,
      S.expenseCreate,
      { campaignId, amount, description: 'Пальне для генератора', idempotencyKey },
      coordinatorA,
    );
  }

  const getCampaign = (id: string, as: Actor = anonymousDonor) =>
    ok<CampaignView>(h.client, S.campaignGet, { campaignId: id }, as);

  async function ledgerOf(campaignId: string): Promise<LedgerEntryView[]> {
    const entries: LedgerEntryView[] = [];
    let cursor: string | undefined;
    do {
      const page: LedgerPage = await ok<LedgerPage>(
        h.client,
        S.ledgerList,
        { campaignId, limit: 3, ...(cursor ? { cursor } : {}) },
        anonymousDonor,
      );
      entries.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return entries;
  }

  const verify = (campaignId: string) =>
    ok<LedgerVerification>(h.client, S.ledgerVerify, { campaignId }, anonymousDonor);

  function expectError(answer: unknown, code: ErrorCode, field?: string) {
    expect(answer).toBeInstanceOf(DomainError);
    const error = answer as DomainError;
    expect({ code: error.code, message: error.message }).toEqual({
      code,
      message: expect.any(String),
    });
    if (field) expect(error.errors?.map((e) => e.field)).toContain(field);
  }

  describe('campaigns', () => {
    it('starts a campaign on a published initiative: UAH by default, zero totals, needs', async () => {
      const initiativeId = await publishedInitiative();
      const created = await ok<CampaignView>(
        h.client,
        S.campaignCreate,
        {
          initiativeId,
          title: '  Теплий одяг для Кам’янського  ',
          goal: { amount: 2_500_000 },
          inKindNeeds: [
            { item: ' Ковдри ', quantity: 200, unit: 'шт' },
            { item: 'Павербанки', quantity: 50, unit: 'шт' },
          ],
        },
        coordinatorA,
      );

      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        initiativeId,
        organizationId: orgA,
        title: 'Теплий одяг для Кам’янського',
        goal: { amount: 2_500_000, currency: 'UAH' },
        currency: 'UAH',
        raised: 0,
        spent: 0,
        balance: 0,
        donors: 0,
        inKind: [
          { item: 'Ковдри', unit: 'шт', needed: 200, pledged: 0, received: 0 },
          { item: 'Павербанки', unit: 'шт', needed: 50, pledged: 0, received: 0 },
        ],
        ledger: { entries: 0, headHash: '0'.repeat(64) },
        initiativeStatus: 'published',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(await getCampaign(created.id)).toEqual(created);
    });

    it('refuses unknown initiatives (404), other organizations (403), ended ones (409)', async () => {
      const unknown = await call(
        h.client,
        S.campaignCreate,
        { initiativeId: newId(), title: 'Кампанія', goal: { amount: 100 } },
        coordinatorA,
      );
      expectError(unknown, ErrorCode.NotFound);

      const theirs = await call(
        h.client,
        S.campaignCreate,
        { initiativeId: await publishedInitiative(), title: 'Кампанія', goal: { amount: 100 } },
        coordinatorB,
      );
      expectError(theirs, ErrorCode.Forbidden);

      const completed = newId();
      await announceInitiative(h, completed, orgA, 'published');
      await announceInitiative(h, completed, orgA, 'completed');
      const ended = await call(
        h.client,
        S.campaignCreate,
        { initiativeId: completed, title: 'Кампанія', goal: { amount: 100 } },
        coordinatorA,
      );
      expectError(ended, ErrorCode.Conflict);
    });

    it('refuses bad campaign bodies again in the service (400)', async () => {
      const initiativeId = await publishedInitiative();
      for (const body of [
        { goal: { amount: 10.5 } },
        { goal: { amount: 0 } },
        { goal: { amount: 100, currency: 'XYZ' } },
        { goal: { amount: 100 }, inKindNeeds: [{ item: 'Вода', quantity: 0, unit: 'л' }] },
        {
          goal: { amount: 100 },
          inKindNeeds: [
            { item: 'Вода', quantity: 1, unit: 'л' },
            { item: ' вода', quantity: 2, unit: 'л' },
          ],
        },
      ]) {
        const answer = await call(
          h.client,
          S.campaignCreate,
          { initiativeId, title: 'Кампанія', ...body },
          coordinatorA,
        );
        expectError(answer, ErrorCode.Validation);
      }
    });

    it('hides the campaigns of a cancelled initiative from the public, not from its org', async () => {
      const initiativeId = await publishedInitiative();
      const c = await campaign({ initiativeId });
      await announceInitiative(h, initiativeId, orgA, 'cancelled');

      expectError(
        await call(h.client, S.campaignGet, { campaignId: c.id }, anonymousDonor),
        ErrorCode.NotFound,
      );
      expect((await getCampaign(c.id, coordinatorA)).initiativeStatus).toBe('cancelled');
      expectError(await pledge(c.id, { amount: 100 }, coordinatorA), ErrorCode.Conflict);
    });
  });

  describe('money in', () => {
    it('takes a pledge from anyone, counted nowhere until confirmed', async () => {
      const c = await campaign();
      const answer = await pledge(
        c.id,
        { amount: 150_000, message: 'Слава Україні' },
        anonymousDonor,
      );

      expect(answer).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        campaignId: c.id,
        initiativeId: c.initiativeId,
        amount: 150_000,
        currency: 'UAH',
        anonymous: true,
        message: 'Слава Україні',
        status: 'pledged',
        externalRef: null,
        confirmedVia: null,
        createdAt: expect.any(String),
        confirmedAt: null,
        refundedAt: null,
        ledgerSeq: null,
        refundLedgerSeq: null,
      });
      expect(await getCampaign(c.id)).toMatchObject({ raised: 0, balance: 0, donors: 0 });
    });

    it('refuses floats, zero, negative, unknown currencies and bad keys (400)', async () => {
      const c = await campaign();
      for (const body of [
        { amount: 100.5 },
        { amount: 0 },
        { amount: -100 },
        { amount: '100' },
        { amount: 100, currency: 'ABC' },
        { amount: 100, currency: 'uah' },
        { amount: 100, idempotencyKey: '' },
        { amount: 100, idempotencyKey: 'x'.repeat(101) },
        { amount: 100, idempotencyKey: 'ключ' },
        { amount: 100, idempotencyKey: ' padded' },
      ]) {
        expectError(await pledge(c.id, body), ErrorCode.Validation);
      }
      const withoutKey = await call(
        h.client,
        S.donationPledge,
        { campaignId: c.id, amount: 100 },
        olena,
      );
      expectError(withoutKey, ErrorCode.Validation, 'data.idempotencyKey');
    });

    it("refuses another currency than the campaign's and amounts above the maximum (422)", async () => {
      const c = await campaign({ goal: { amount: 100_000, currency: 'EUR' } });

      expectError(await pledge(c.id, { amount: 100 }), ErrorCode.Unprocessable, 'currency');
      expectError(
        await pledge(c.id, { amount: 100, currency: 'USD' }),
        ErrorCode.Unprocessable,
        'currency',
      );
      expectError(
        await pledge(c.id, { amount: MAX_MINOR + 1, currency: 'EUR' }),
        ErrorCode.Unprocessable,
        'amount',
      );
      const atMax = await pledge(c.id, { amount: MAX_MINOR, currency: 'EUR' });
      expect(atMax).toMatchObject({ amount: MAX_MINOR, currency: 'EUR', status: 'pledged' });
    });

    it('replays the first answer for the same key and body, 422 for another body', async () => {
      const c = await campaign();
      const idempotencyKey = key();
      const body = { campaignId: c.id, amount: 20_000, idempotencyKey };
      const first = await ok<DonationView>(h.client, S.donationPledge, body, olena);
      const again = await ok<DonationView>(h.client, S.donationPledge, body, olena);
      const other = await call(h.client, S.donationPledge, { ...body, amount: 20_001 }, olena);
      // Keys are per caller: the same key from someone else is their own request.
      const someoneElse = await ok<DonationView>(h.client, S.donationPledge, body, citizen());

      await ok(h.client, S.donationConfirm, { donationId: first.id }, coordinatorA);
      const afterConfirmation = await ok<DonationView>(h.client, S.donationPledge, body, olena);

      expect(again).toEqual(first);
      expect(afterConfirmation).toEqual(first);
      expectError(other, ErrorCode.Unprocessable, 'Idempotency-Key');
      expect(someoneElse.id).not.toBe(first.id);
      const stored = await h.connection
        .collection('donations')
        .countDocuments({ campaignId: new Types.ObjectId(c.id) });
      expect(stored).toBe(2);
    });

    it('keeps keys 24 hours: an older key makes a new donation and expense', async () => {
      const c = await campaign();
      await received(c.id, 50_000);
      const idempotencyKey = key();
      const first = (await pledge(c.id, { amount: 1_000, idempotencyKey })) as DonationView;
      const spent = (await expense(c.id, 1_000, idempotencyKey)) as ExpenseView;
      const dayAgo = new Date(Date.now() - 24 * 3_600_000 - 1000);
      await h.connection
        .collection('donations')
        .updateOne({ _id: new Types.ObjectId(first.id) }, { $set: { 'idempotency.at': dayAgo } });
      await h.connection
        .collection('idempotency_records')
        .updateOne({ key: idempotencyKey }, { $set: { createdAt: dayAgo } });

      const second = await pledge(c.id, { amount: 2_000, idempotencyKey });
      const again = await expense(c.id, 2_000, idempotencyKey);

      expect(second).toMatchObject({ amount: 2_000, status: 'pledged' });
      expect((second as DonationView).id).not.toBe(first.id);
      expect(again).toMatchObject({ amount: 2_000 });
      expect((again as ExpenseView).id).not.toBe(spent.id);
    });

    it('makes exactly one donation of 30 simultaneous identical requests', async () => {
      const c = await campaign();
      const body = { campaignId: c.id, amount: 7_500, idempotencyKey: key() };
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => ok<DonationView>(h.client, S.donationPledge, body, olena)),
      );

      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
      const stored = await h.connection
        .collection('donations')
        .countDocuments({ campaignId: new Types.ObjectId(c.id) });
      expect(stored).toBe(1);
    });

    it('confirms a donation once: raised grows once, the ledger names the donor', async () => {
      const c = await campaign();
      const pledged = (await pledge(c.id, { amount: 300_000 })) as DonationView;
      const confirm = () =>
        ok<DonationView>(
          h.client,
          S.donationConfirm,
          { donationId: pledged.id, externalRef: 'PB-000123' },
          coordinatorA,
        );
      const [first, second] = await Promise.all([confirm(), confirm()]);
      const third = await confirm();

      expect(first).toMatchObject({
        status: 'received',
        externalRef: 'PB-000123',
        confirmedVia: 'manual',
        ledgerSeq: 1,
      });
      expect(second).toEqual(first);
      expect(third).toEqual(first);
      expect(await getCampaign(c.id)).toMatchObject({
        raised: 300_000,
        balance: 300_000,
        donors: 1,
      });
      const [entry] = await ledgerOf(c.id);
      expect(entry).toMatchObject({
        seq: 1,
        kind: 'donation',
        amount: 300_000,
        currency: 'UAH',
        donor: 'Олена Коваль',
      });
      expect(JSON.stringify(await ledgerOf(c.id))).not.toContain(olena.principal!.userId);
    });

    it('shows anonymous donors as "anonymous" and refuses a reused external reference', async () => {
      const c = await campaign();
      const named = (await pledge(c.id, { amount: 1_000, anonymous: true })) as DonationView;
      const other = (await pledge(c.id, { amount: 2_000 }, anonymousDonor)) as DonationView;
      await ok(
        h.client,
        S.donationConfirm,
        { donationId: named.id, externalRef: 'REF-1' },
        coordinatorA,
      );
      const reused = await call(
        h.client,
        S.donationConfirm,
        { donationId: other.id, externalRef: 'REF-1' },
        coordinatorA,
      );

      expectError(reused, ErrorCode.Conflict, 'externalRef');
      await ok(h.client, S.donationConfirm, { donationId: other.id }, coordinatorA);
      expect((await ledgerOf(c.id)).map((e) => e.donor)).toEqual(['anonymous', 'anonymous']);
    });

    it('lets only coordinators of the organization confirm (403), others not see it (404)', async () => {
      const c = await campaign();
      const pledged = (await pledge(c.id, { amount: 1_000 })) as DonationView;

      expectError(
        await call(h.client, S.donationConfirm, { donationId: pledged.id }, olena),
        ErrorCode.Forbidden,
      );
      expectError(
        await call(h.client, S.donationConfirm, { donationId: pledged.id }, coordinatorB),
        ErrorCode.NotFound,
      );
      expectError(
        await call(h.client, S.donationConfirm, { donationId: pledged.id }, anonymousDonor),
        ErrorCode.Unauthenticated,
      );
    });
  });

  describe('money out', () => {
    it('records expenses within the balance; 409 beyond it; replays by key', async () => {
      const c = await campaign();
      await received(c.id, 100_000);
      const idempotencyKey = key();
      const spent = (await expense(c.id, 60_000, idempotencyKey)) as ExpenseView;
      const replay = await expense(c.id, 60_000, idempotencyKey);
      const tooMuch = await expense(c.id, 40_001);

      expect(spent).toMatchObject({ amount: 60_000, currency: 'UAH', ledgerSeq: 2 });
      expect(replay).toEqual(spent);
      expectError(tooMuch, ErrorCode.Conflict);
      expect(await getCampaign(c.id)).toMatchObject({
        raised: 100_000,
        spent: 60_000,
        balance: 40_000,
      });
      expectError(
        await call(
          h.client,
          S.expenseCreate,
          { campaignId: c.id, amount: 1, description: 'x', idempotencyKey: key() },
          coordinatorB,
        ),
        ErrorCode.Forbidden,
      );
    });

    it('lets exactly one of two simultaneous expenses exceeding the balance together succeed', async () => {
      for (let round = 0; round < 3; round++) {
        const c = await campaign();
        await received(c.id, 100_000);
        const answers = await Promise.all([expense(c.id, 70_000), expense(c.id, 60_000)]);

        const succeeded = answers.filter((a) => !(a instanceof DomainError));
        const refused = answers.filter((a) => a instanceof DomainError) as DomainError[];
        expect({ succeeded: succeeded.length, refused: refused.map((e) => e.code) }).toEqual({
          succeeded: 1,
          refused: [ErrorCode.Conflict],
        });
        const after = await getCampaign(c.id);
        expect(after.balance).toBe(100_000 - (succeeded[0] as ExpenseView).amount);
        expect(after.balance).toBeGreaterThanOrEqual(0);
      }
    });

    it('refunds a received donation: raised goes down; never below a zero balance', async () => {
      const c = await campaign();
      const kept = await received(c.id, 50_000);
      const refunded = await received(c.id, 30_000);
      const pledged = (await pledge(c.id, { amount: 5_000 })) as DonationView;

      const answer = await ok<DonationView>(
        h.client,
        S.donationRefund,
        { donationId: refunded.id, reason: 'Помилковий переказ' },
        coordinatorA,
      );
      const again = await ok<DonationView>(
        h.client,
        S.donationRefund,
        { donationId: refunded.id },
        coordinatorA,
      );

      expect(answer).toMatchObject({ status: 'refunded', refundLedgerSeq: 3 });
      expect(again).toEqual(answer);
      expect(await getCampaign(c.id)).toMatchObject({ raised: 50_000, balance: 50_000, donors: 1 });
      expectError(
        await call(h.client, S.donationRefund, { donationId: pledged.id }, coordinatorA),
        ErrorCode.Conflict,
      );
      await expense(c.id, 45_000);
      expectError(
        await call(h.client, S.donationRefund, { donationId: kept.id }, coordinatorA),
        ErrorCode.Conflict,
      );
      expect(await getCampaign(c.id)).toMatchObject({
        raised: 50_000,
        spent: 45_000,
        balance: 5_000,
      });
      const refundEntry = (await ledgerOf(c.id))[2];
      expect(refundEntry).toMatchObject({
        seq: 3,
        kind: 'refund',
        amount: 30_000,
        refundOf: 2,
        description: 'Помилковий переказ',
        donor: null,
      });
    });
  });

  describe('in kind', () => {
    it('counts pledged and received goods per need', async () => {
      const c = await campaign({
        inKindNeeds: [
          { item: 'Ковдри', quantity: 200, unit: 'шт' },
          { item: 'Вода', quantity: 1000, unit: 'л' },
        ],
      });
      const mine = await ok<InKindPledgeView>(
        h.client,
        S.inKindPledgeCreate,
        { campaignId: c.id, item: 'КОВДРИ ', quantity: 40 },
        olena,
      );
      await ok(
        h.client,
        S.inKindPledgeCreate,
        { campaignId: c.id, item: 'вода', quantity: 300 },
        citizen(),
      );
      const unknown = await call(
        h.client,
        S.inKindPledgeCreate,
        { campaignId: c.id, item: 'Цвяхи', quantity: 1 },
        olena,
      );
      const tooMany = await call(
        h.client,
        S.inKindPledgeReceive,
        { pledgeId: mine.id, quantity: 41 },
        coordinatorA,
      );
      const byOthers = await call(h.client, S.inKindPledgeReceive, { pledgeId: mine.id }, olena);
      const got = await ok<InKindPledgeView>(
        h.client,
        S.inKindPledgeReceive,
        { pledgeId: mine.id, quantity: 35 },
        coordinatorA,
      );
      const twice = await call(
        h.client,
        S.inKindPledgeReceive,
        { pledgeId: mine.id },
        coordinatorA,
      );

      expect(mine).toMatchObject({ item: 'Ковдри', unit: 'шт', quantity: 40, status: 'pledged' });
      expectError(unknown, ErrorCode.Unprocessable, 'item');
      expectError(tooMany, ErrorCode.Unprocessable, 'quantity');
      expectError(byOthers, ErrorCode.Forbidden);
      expect(got).toMatchObject({ status: 'received', receivedQuantity: 35 });
      expectError(twice, ErrorCode.Conflict);
      expect((await getCampaign(c.id)).inKind).toEqual([
        { item: 'Ковдри', unit: 'шт', needed: 200, pledged: 40, received: 35 },
        { item: 'Вода', unit: 'л', needed: 1000, pledged: 300, received: 0 },
      ]);
    });
  });

  describe('the ledger', () => {
    async function busyCampaign(): Promise<CampaignView> {
      const c = await campaign();
      const d1 = await received(c.id, 100_000);
      await received(c.id, 25_000, anonymousDonor);
      await expense(c.id, 20_000);
      await ok(h.client, S.donationRefund, { donationId: d1.id }, coordinatorA);
      await received(c.id, 70_000);
      return c;
    }

    it('pages entries by seq, and anyone can recompute every hash from them', async () => {
      const c = await busyCampaign();
      const entries = await ledgerOf(c.id);

      expect(entries.map((e) => [e.seq, e.kind, e.amount])).toEqual([
        [1, 'donation', 100_000],
        [2, 'donation', 25_000],
        [3, 'expense', 20_000],
        [4, 'refund', 100_000],
        [5, 'donation', 70_000],
      ]);
      // The README's encoding, written here from the README, not from the service's code.
      let prev = '0'.repeat(64);
      for (const e of entries) {
        const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
        if (e.kind === 'donation') {
          expect(sha(JSON.stringify(['spilno-donor-v1', e.donorSalt, e.donor]))).toBe(
            e.donorCommitment,
          );
        }
        const canonical = JSON.stringify([
          'spilno-ledger-v1',
          c.id,
          e.seq,
          e.kind,
          e.amount,
          e.currency,
          e.at,
          e.donorCommitment,
          e.description,
          e.receiptUrl,
          e.refundOf,
          prev,
        ]);
        expect(e.prevHash).toBe(prev);
        expect(sha(canonical)).toBe(e.hash);
        prev = e.hash;
      }
      expect(await verify(c.id)).toEqual({
        campaignId: c.id,
        intact: true,
        entries: 5,
        headHash: prev,
      });
      expect(await getCampaign(c.id)).toMatchObject({
        raised: 95_000,
        spent: 20_000,
        balance: 75_000,
        donors: 2,
        ledger: { entries: 5, headHash: prev },
      });
    });

    it('shows an edit made directly in the database at the entry edited', async () => {
      const ledger = h.connection.collection('ledger_entries');
      const edits: [string, Record<string, unknown>, number][] = [
        ['an amount', { amount: 1 }, 3],
        ['a donor name', { donor: 'Хтось інший' }, 2],
        ['a description', { description: 'Щось інше' }, 3],
        ['a time', { at: new Date('2020-01-01T00:00:00Z') }, 4],
        ['a name whose salt was dropped', { donorSalt: null }, 1],
      ];
      for (const [what, set, seq] of edits) {
        const c = await busyCampaign();
        expect((await verify(c.id)).intact).toBe(true);
        await ledger.updateOne({ campaignId: new Types.ObjectId(c.id), seq }, { $set: set });

        expect({ what, verification: await verify(c.id) }).toEqual({
          what,
          verification: expect.objectContaining({ intact: false, brokenAt: seq, entries: seq - 1 }),
        });
      }
    });

    it('shows a deleted entry, in the middle or at the end', async () => {
      const ledger = h.connection.collection('ledger_entries');
      for (const seq of [2, 5]) {
        const c = await busyCampaign();
        await ledger.deleteOne({ campaignId: new Types.ObjectId(c.id), seq });

        expect(await verify(c.id)).toMatchObject({ intact: false, brokenAt: seq });
      }
    });
  });

  describe('data-subject rights', () => {
    it('exports a donor’s donations; erasure anonymises the ledger and keeps it intact', async () => {
      const donor = citizen();
      await publishEvent(h.events, EventSubjects.users.userRegistered, 'users', {
        userId: donor.principal!.userId,
        displayName: 'Тарас Шевчук',
        locale: 'uk',
        registeredAt: new Date().toISOString(),
      });
      const people = h.connection.collection<{ _id: string }>('people');
      await waitFor(
        async () => (await people.findOne({ _id: donor.principal!.userId })) !== null,
        10_000,
        'the display name',
      );
      const c = await campaign();
      await received(c.id, 10_000, donor);
      await received(c.id, 20_000);
      const exported = await ok<SubjectExportSections>(
        h.client,
        Subjects.donations.subjectExport,
        {},
        donor,
      );
      expect(exported.donations).toEqual([
        expect.objectContaining({ amount: 10_000, status: 'received', campaignId: c.id }),
      ]);
      expect(exported.displayName).toEqual([{ displayName: 'Тарас Шевчук' }]);

      await publishEvent(h.events, EventSubjects.users.userErased, 'users', {
        userId: donor.principal!.userId,
        erasedAt: new Date().toISOString(),
      });
      const donations = h.connection.collection('donations');
      await waitFor(
        async () => (await donations.countDocuments({ userId: donor.principal!.userId })) === 0,
        10_000,
        'the erasure',
      );

      const entries = await ledgerOf(c.id);
      expect(entries.map((e) => [e.donor, e.donorSalt === null])).toEqual([
        ['anonymous', true],
        ['Олена Коваль', false],
      ]);
      expect(await verify(c.id)).toMatchObject({ intact: true, entries: 2 });
      expect(await getCampaign(c.id)).toMatchObject({ raised: 30_000, donors: 2 });
      expect(await people.findOne({ _id: donor.principal!.userId })).toBeNull();
    });
  });

  describe('the initiative’s funding', () => {
    it('sums campaigns per currency and values volunteer hours apart from money', async () => {
      const initiativeId = await publishedInitiative();
      const uah = await campaign({ initiativeId });
      const eur = await campaign({ initiativeId, goal: { amount: 10_000, currency: 'EUR' } });
      await received(uah.id, 40_000);
      const euros = (await pledge(eur.id, { amount: 500, currency: 'EUR' })) as DonationView;
      await ok(h.client, S.donationConfirm, { donationId: euros.id }, coordinatorA);
      for (const hours of [4, 2.5]) {
        await publishEvent(
          h.events,
          EventSubjects.initiatives.applicationCompleted,
          'initiatives',
          {
            applicationId: newId(),
            taskId: newId(),
            initiativeId,
            organizationId: orgA,
            userId: newId(),
            status: 'completed',
            previousStatus: 'checked_in',
            hours,
            slots: 5,
            filled: 1,
            changedAt: new Date().toISOString(),
          },
        );
      }
      const initiatives = h.connection.collection('initiatives');
      await waitFor(
        async () =>
          (await initiatives.findOne({ _id: new Types.ObjectId(initiativeId) }))?.volunteerHours ===
          6.5,
        10_000,
        'the hours',
      );

      const funding = await ok<InitiativeFundingView>(
        h.client,
        S.fundingGet,
        { initiativeId },
        anonymousDonor,
      );
      expect(funding).toEqual({
        initiativeId,
        campaigns: 2,
        money: [
          { currency: 'EUR', raised: 500, spent: 0, balance: 500, donors: 1 },
          { currency: 'UAH', raised: 40_000, spent: 0, balance: 40_000, donors: 1 },
        ],
        inKindValue: {
          label: 'in-kind value',
          kind: 'volunteer_hours',
          hours: 6.5,
          ratePerHour: { amount: 4810, currency: 'UAH' },
          value: { amount: 31_265, currency: 'UAH' },
        },
      });
    });
  });
});
