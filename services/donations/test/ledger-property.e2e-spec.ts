/**
 * Property (fast-check), end to end over NATS and MongoDB: whatever sequence of operations
 * runs against a campaign, several at once at each step (pledges and confirmations, repeated
 * confirmations, expenses, replayed expenses, refunds), the campaign's totals equal the sums of
 * its ledger, the balance never goes negative, the chain verifies, and the ledger holds exactly
 * one entry per confirmed donation, per refund and per expense that was answered with success.
 */
import fc from 'fast-check';
import {
  DomainError,
  Subjects,
  type CampaignView,
  type DonationView,
  type ExpenseView,
  type LedgerEntryView,
  type LedgerPage,
  type LedgerVerification,
} from '@spilno/contracts';
import {
  announceInitiative,
  anonymousDonor,
  call,
  citizen,
  coordinatorOf,
  Harness,
  newId,
  ok,
  startDonations,
} from './support';

const S = Subjects.donations;
const RUNS = Number(process.env.LEDGER_PROPERTY_RUNS ?? 12);

type Operation =
  | { op: 'donate'; amount: number; confirm: boolean }
  | { op: 'confirm'; pick: number }
  | { op: 'expense'; amount: number }
  | { op: 'replayExpense'; pick: number }
  | { op: 'refund'; pick: number };

// prettier-ignore
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('donate' as const), amount: fc.integer({ min: 1, max: 50_000 }), confirm: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('confirm' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('expense' as const), amount: fc.integer({ min: 1, max: 60_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('replayExpense' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('refund' as const), pick: fc.nat() }) },
);

/** Steps of 1..4 operations run at once. */
const steps = fc.array(fc.array(operation, { minLength: 1, maxLength: 4 }), {
  minLength: 1,
  maxLength: 8,
});

describe('the ledger under random operations (fast-check, e2e)', () => {
  let h: Harness;
  const organizationId = newId();
  const coordinator = coordinatorOf(organizationId);
  let keys = 0;
  const key = () => `property-${++keys}`;

  beforeAll(async () => {
    h = await startDonations();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('keeps totals equal to the sums of the ledger, which verifies', async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (plan) => {
        const initiativeId = newId();
        await announceInitiative(h, initiativeId, organizationId, 'published');
        const campaign = await ok<CampaignView>(
          h.client,
          S.campaignCreate,
          { initiativeId, title: 'Властивість', goal: { amount: 1_000_000 } },
          coordinator,
        );
        const donations: string[] = [];
        const expenses: { key: string; amount: number }[] = [];
        const succeededExpenses = new Map<string, ExpenseView>();
        const confirmed = new Set<string>();
        const refunded = new Set<string>();

        const run = async (o: Operation): Promise<void> => {
          switch (o.op) {
            case 'donate': {
              const pledged = await ok<DonationView>(
                h.client,
                S.donationPledge,
                { campaignId: campaign.id, amount: o.amount, idempotencyKey: key() },
                o.amount % 2 ? citizen() : anonymousDonor,
              );
              donations.push(pledged.id);
              if (o.confirm) await confirm(pledged.id);
              return;
            }
            case 'confirm':
              if (donations.length) await confirm(donations[o.pick % donations.length]!);
              return;
            case 'expense': {
              const e = { key: key(), amount: o.amount };
              expenses.push(e);
              await spend(e);
              return;
            }
            case 'replayExpense':
              if (expenses.length) await spend(expenses[o.pick % expenses.length]!);
              return;
            case 'refund': {
              if (!donations.length) return;
              const id = donations[o.pick % donations.length]!;
              const answer = await call<DonationView>(
                h.client,
                S.donationRefund,
                { donationId: id },
                coordinator,
              );
              if (!(answer instanceof DomainError)) refunded.add(answer.id);
              else expect(answer.code).toBe('conflict');
              return;
            }
          }
        };
        const confirm = async (id: string) => {
          const answer = await call<DonationView>(
            h.client,
            S.donationConfirm,
            { donationId: id },
            coordinator,
          );
          if (!(answer instanceof DomainError)) confirmed.add(answer.id);
          else expect(answer.code).toBe('conflict'); // refunded meanwhile
        };
        const spend = async (e: { key: string; amount: number }) => {
          const answer = await call<ExpenseView>(
            h.client,
            S.expenseCreate,
            {
              campaignId: campaign.id,
              amount: e.amount,
              description: 'Витрата',
              idempotencyKey: e.key,
            },
            coordinator,
          );
          if (answer instanceof DomainError) {
            expect(answer.code).toBe('conflict'); // not covered by the balance
          } else {
            const earlier = succeededExpenses.get(e.key);
            if (earlier) expect(answer).toEqual(earlier);
            succeededExpenses.set(e.key, answer);
          }
        };

        for (const step of plan) {
          await Promise.all(step.map(run));
          const now = await ok<CampaignView>(
            h.client,
            S.campaignGet,
            { campaignId: campaign.id },
            anonymousDonor,
          );
          expect(now.balance).toBeGreaterThanOrEqual(0);
        }

        const after = await ok<CampaignView>(
          h.client,
          S.campaignGet,
          { campaignId: campaign.id },
          anonymousDonor,
        );
        const ledger = await wholeLedger(h, campaign.id);
        const sum = (kind: string) =>
          ledger.filter((e) => e.kind === kind).reduce((total, e) => total + e.amount, 0);
        const count = (kind: string) => ledger.filter((e) => e.kind === kind).length;
        const raised = sum('donation') - sum('refund');
        expect({
          raised: after.raised,
          spent: after.spent,
          balance: after.balance,
          donors: after.donors,
          entries: after.ledger.entries,
        }).toEqual({
          raised,
          spent: sum('expense'),
          balance: raised - sum('expense'),
          donors: count('donation') - count('refund'),
          entries: ledger.length,
        });
        // Exactly once: one entry per confirmed donation, refund and successful expense key.
        expect(count('donation')).toBe(confirmed.size);
        expect(count('refund')).toBe(refunded.size);
        expect(count('expense')).toBe(succeededExpenses.size);
        expect(ledger.map((e) => e.seq)).toEqual(ledger.map((_e, i) => i + 1));
        const verification = await ok<LedgerVerification>(
          h.client,
          S.ledgerVerify,
          { campaignId: campaign.id },
          anonymousDonor,
        );
        expect(verification).toMatchObject({ intact: true, entries: ledger.length });
      }),
      { numRuns: RUNS },
    );
  }, 240_000);
});

async function wholeLedger(h: Harness, campaignId: string): Promise<LedgerEntryView[]> {
  const entries: LedgerEntryView[] = [];
  let cursor: string | undefined;
  do {
    const page: LedgerPage = await ok<LedgerPage>(
      h.client,
      S.ledgerList,
      { campaignId, limit: 100, ...(cursor ? { cursor } : {}) },
      anonymousDonor,
    );
    entries.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return entries;
}
