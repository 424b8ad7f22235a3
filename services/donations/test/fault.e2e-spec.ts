/**
 * Fault test: the donations service runs in a child process (its real main.ts) and is
 * SIGKILLed twice while confirmations and expenses stream at it (a kill lands inside a
 * transaction or between two); each time it is started again and the clients retry what got
 * no answer (confirmations as they
 * are, expenses with their Idempotency-Key). Afterwards nothing is lost and nothing counted
 * twice: every donation is confirmed with exactly one ledger entry, every expense key has at
 * most one entry, the campaign's totals equal the ledger's sums, the chain verifies, and each
 * entry's event is in the outbox.
 *
 * A kill inside an open transaction leaves it open on MongoDB until its 60 s lifetime ends
 * (MongoDB does the same: sessions outlive connections), and writes to the campaign conflict
 * with it until then: such a run takes over a minute per kill.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import mongoose, { Connection, Types } from 'mongoose';
import {
  DomainError,
  ErrorCode,
  EventSubjects,
  HEALTH_SUBJECTS,
  Subjects,
  type CampaignView,
  type DonationView,
  type ExpenseView,
  type LedgerVerification,
  type RequestMeta,
} from '@spilno/contracts';
import { ensureEventStream, natsConnectionOptions, RpcClient } from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
import { connect, NatsConnection } from 'nats';
import { coordinatorOf, initiativeEvent, newId, publishEvent, waitFor } from './support';

const ROOT = path.resolve(__dirname, '../../..');
const S = Subjects.donations;
const DONATIONS = 120;
const EXPENSES = 60;
const WORKERS = 8;
const DONATION_AMOUNT = 1_000;
const EXPENSE_AMOUNT = 1_500;

describe('the donations service killed mid-stream (e2e, SIGKILL)', () => {
  let nats: TestNatsServer;
  let mongoUri: string;
  let db: Connection;
  let client: RpcClient;
  let events: NatsConnection;
  let child: ChildProcess | null = null;
  const organizationId = newId();
  const coordinator = coordinatorOf(organizationId);
  let requests = 0;
  const meta = (): RequestMeta => ({
    requestId: `fault-${++requests}`,
    principal: coordinator.principal,
  });

  function startService(): ChildProcess {
    const proc = spawn(
      process.execPath,
      ['-r', '@swc-node/register', 'services/donations/src/main.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          SWC_NODE_PROJECT: path.join(ROOT, 'tsconfig.base.json'),
          NATS_URL: nats.url,
          MONGODB_URI: mongoUri,
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    child = proc;
    return proc;
  }

  async function untilHealthy(): Promise<void> {
    await waitFor(
      async () => {
        try {
          await client.send(HEALTH_SUBJECTS.donations, {}, { meta: meta(), timeoutMs: 500 });
          return true;
        } catch {
          return false;
        }
      },
      60_000,
      'the donations service to answer',
    );
  }

  function kill(proc: ChildProcess): Promise<void> {
    return new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  }

  /** Sends until the service gives a definitive answer (a value, or an error but unavailable). */
  async function definitive<T>(subject: string, data: unknown): Promise<T | DomainError> {
    for (;;) {
      try {
        return await client.send<T>(subject, data, { meta: meta() });
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        if (e.code !== ErrorCode.Unavailable) return e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  }

  beforeAll(async () => {
    nats = await startNatsServer();
    const mongo = await testMongo('donations_fault');
    mongoUri = mongo.uri;
    db = await mongoose.createConnection(mongoUri).asPromise();
    client = await RpcClient.connect([nats.url], 'donations-fault', 3_000);
    events = await connect(natsConnectionOptions([nats.url], 'donations-fault-events'));
    await ensureEventStream(events);
  });

  afterAll(async () => {
    if (child) await kill(child);
    await client?.close();
    await events?.close();
    await db?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  it('loses nothing and counts nothing twice across SIGKILLs and restarts', async () => {
    startService();
    await untilHealthy();
    const initiativeId = newId();
    await publishEvent(
      events,
      EventSubjects.initiatives.initiativePublished,
      'initiatives',
      initiativeEvent(initiativeId, organizationId, 'published'),
    );
    await waitFor(
      async () =>
        (await db.collection('initiatives').findOne({ _id: new Types.ObjectId(initiativeId) })) !==
        null,
      20_000,
      'the initiative',
    );
    const campaign = (await definitive<CampaignView>(S.campaignCreate, {
      initiativeId,
      title: 'Стійкість',
      goal: { amount: 1_000_000 },
    })) as CampaignView;
    expect(campaign.id).toMatch(/^[0-9a-f]{24}$/);
    const pledged: string[] = [];
    for (let i = 0; i < DONATIONS; i++) {
      const answer = await definitive<DonationView>(S.donationPledge, {
        campaignId: campaign.id,
        amount: DONATION_AMOUNT,
        idempotencyKey: `pledge-${i}`,
      });
      pledged.push((answer as DonationView).id);
    }

    // Confirmations and expenses interleaved, WORKERS at a time; the kill lands mid-stream.
    const work: (() => Promise<void>)[] = [];
    const expenseOutcomes = new Map<string, 'recorded' | 'refused'>();
    for (let i = 0; i < DONATIONS; i++) {
      work.push(async () => {
        const answer = await definitive<DonationView>(S.donationConfirm, {
          donationId: pledged[i],
        });
        expect(answer).toMatchObject({ status: 'received' });
      });
      if (i % 2 === 1) {
        const key = `expense-${i}`;
        work.push(async () => {
          const answer = await definitive<ExpenseView>(S.expenseCreate, {
            campaignId: campaign.id,
            amount: EXPENSE_AMOUNT,
            description: 'Пальне',
            idempotencyKey: key,
          });
          if (answer instanceof DomainError) {
            expect(answer.code).toBe(ErrorCode.Conflict);
            expenseOutcomes.set(key, 'refused');
          } else {
            expenseOutcomes.set(key, 'recorded');
          }
        });
      }
    }
    expect(work.length).toBe(DONATIONS + EXPENSES);
    let next = 0;
    let done = 0;
    const workers = Array.from({ length: WORKERS }, async () => {
      while (next < work.length) {
        await work[next++]!();
        done++;
      }
    });
    const kills: number[] = [];
    for (const share of [1 / 3, 2 / 3]) {
      await waitFor(() => done >= work.length * share, 120_000, `${share} of the stream`);
      await kill(child!);
      kills.push(done);
      startService();
      await untilHealthy();
    }
    const restartedAt = Date.now();
    await Promise.all(workers);
    expect(kills.every((answered) => answered < work.length)).toBe(true);
    const refused = [...expenseOutcomes.values()].filter((o) => o === 'refused').length;
    process.stdout.write(
      `fault: SIGKILLs after ${kills.join(' and ')} of ${work.length} answered operations; ` +
        `the last answered ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the last ` +
        `restart; expenses recorded ${EXPENSES - refused}, refused ${refused}\n`,
    );

    const ledger = await db
      .collection('ledger_entries')
      .find({ campaignId: new Types.ObjectId(campaign.id) })
      .sort({ seq: 1 })
      .toArray();
    const donations = ledger.filter((e) => e.kind === 'donation');
    const expenses = ledger.filter((e) => e.kind === 'expense');
    const received = await db
      .collection('donations')
      .countDocuments({ campaignId: new Types.ObjectId(campaign.id), status: 'received' });
    const recorded = [...expenseOutcomes.values()].filter((o) => o === 'recorded').length;
    const sourceIds = new Set(donations.map((e) => String(e.sourceId)));
    const after = (await definitive<CampaignView>(S.campaignGet, {
      campaignId: campaign.id,
    })) as CampaignView;
    const verification = (await definitive<LedgerVerification>(S.ledgerVerify, {
      campaignId: campaign.id,
    })) as LedgerVerification;
    const ledgerEvents = await db.collection('outbox').countDocuments({
      subject: {
        $in: [EventSubjects.donations.donationConfirmed, EventSubjects.donations.expenseRecorded],
      },
    });

    expect({
      donationEntries: donations.length,
      distinctDonations: sourceIds.size,
      receivedDonations: received,
      expenseEntries: expenses.length,
      expensesAnsweredRecorded: recorded,
      expenseDocuments: await db
        .collection('expenses')
        .countDocuments({ campaignId: new Types.ObjectId(campaign.id) }),
      seqs: ledger.map((e) => e.seq as number).join(','),
      events: ledgerEvents,
    }).toEqual({
      donationEntries: DONATIONS,
      distinctDonations: DONATIONS,
      receivedDonations: DONATIONS,
      expenseEntries: recorded,
      expensesAnsweredRecorded: recorded,
      expenseDocuments: recorded,
      seqs: ledger.map((_e, i) => i + 1).join(','),
      events: ledger.length,
    });
    expect(after).toMatchObject({
      raised: DONATIONS * DONATION_AMOUNT,
      spent: recorded * EXPENSE_AMOUNT,
      balance: DONATIONS * DONATION_AMOUNT - recorded * EXPENSE_AMOUNT,
      donors: DONATIONS,
      ledger: { entries: ledger.length, headHash: ledger[ledger.length - 1]!.hash },
    });
    expect(verification).toMatchObject({ intact: true, entries: ledger.length });
  }, 300_000);
});
