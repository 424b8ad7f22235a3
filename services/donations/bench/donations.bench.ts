/**
 * `npm run bench:donations`: in one run, on loopback, bounded in time (hard stop at 170 s):
 *  1. through the real path (HTTP gateway -> NATS -> donations service -> MongoDB), each in
 *     its own process, autocannon at 20 connections: GET /health/live (the baseline of this
 *     run), POST /campaigns/:id/donations (anonymous pledges, a distinct Idempotency-Key per
 *     request), then POST /donations/:id/confirm of those pledges (one campaign: each
 *     confirmation appends to its one hash chain, so they serialise by design);
 *     requests/s, p50, p99, and each as a ratio to the baseline;
 *  2. ledger verification of 100,000 entries, seeded directly into the database (a valid
 *     chain), timed through the API (GET /campaigns/:id/ledger/verify) and in this process
 *     (the service's LedgerService over its own connection).
 * Targets (printed as PASS/FAIL; the process exits 0, it is a measurement, and 1 only when it
 * could not run): verification of 100,000 entries under 2 s; pledge p99 under 50 ms.
 * Environment: BENCH_SECONDS (each load phase, default 8, 2..20), BENCH_LEDGER_ENTRIES
 * (default 100000).
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import mongoose, { Types } from 'mongoose';
import { connect } from 'nats';
import { AuthConfig, signAccessToken } from '@spilno/auth';
import { loadConfig } from '@spilno/config';
import {
  EventSubjects,
  LEDGER_GENESIS_HASH,
  type CampaignView,
  type LedgerVerification,
  type Principal,
} from '@spilno/contracts';
import { ensureEventStream, natsConnectionOptions, newEvent } from '@spilno/messaging';
import { freePort, startNatsServer, TestNatsServer } from '@spilno/testing';
import { CampaignAccess } from '../src/campaigns/campaign-access';
import { CampaignsRepository } from '../src/campaigns/campaigns.repository';
import { Campaign, CampaignSchema } from '../src/campaigns/schemas/campaign.schema';
import { committedDonor, entryHash } from '../src/ledger/ledger-hash';
import { LedgerRepository } from '../src/ledger/ledger.repository';
import { LedgerService } from '../src/ledger/ledger.service';
import { LedgerEntry, LedgerEntrySchema } from '../src/ledger/schemas/ledger-entry.schema';

const ROOT = path.join(__dirname, '..', '..', '..');
const SECONDS = Math.min(20, Math.max(2, Number(process.env.BENCH_SECONDS ?? 8)));
const ENTRIES = Math.max(1000, Number(process.env.BENCH_LEDGER_ENTRIES ?? 100_000));
const CONNECTIONS = 20;
const HARD_LIMIT_MS = 170_000;
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const VERIFY_TARGET_MS = 2000;
const PLEDGE_P99_TARGET_MS = 50;

const children: ChildProcess[] = [];
const names = new Map<ChildProcess, string>();
let nats: TestNatsServer | null = null;
const fmt = (n: number, d = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
    : 'n/a';

function start(name: string, script: string, env: Record<string, string>, args: string[] = []) {
  // BENCH_CPU_PROF=DIR writes a V8 CPU profile of each server process there, for analysis.
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const child = spawn(
    process.execPath,
    [...profile, '-r', '@swc-node/register', path.join(ROOT, script), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'error', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  child.once('exit', (code, signal) => {
    if (code && !signal) process.stderr.write(`bench: ${name} exited with ${code}\n`);
  });
  children.push(child);
  names.set(child, name);
  return child;
}

async function startMongo(): Promise<string> {
  const port = await freePort();
  const child = start('embedded MongoDB', 'libs/embedded-mongo/src/cli.ts', {}, [
    '--port',
    String(port),
    '--quiet',
  ]);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('mongodb://')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`embedded MongoDB exited with ${code}`)));
  });
  return `mongodb://127.0.0.1:${port}/donations?directConnection=true`;
}

async function waitFor(url: string, accept: (status: number) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.text();
      if (accept(res.status)) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become ready in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function json<T>(
  url: string,
  init: { method?: string; token?: string; body?: unknown; key?: string } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.key) headers['idempotency-key'] = init.key;
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** CPU seconds (user + system) each child has used so far; empty off Linux. */
function cpuSeconds(): Map<string, number> {
  const used = new Map<string, number>();
  for (const child of children) {
    try {
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      used.set(
        names.get(child) ?? String(child.pid),
        (Number(fields[11]) + Number(fields[12])) / 100,
      );
    } catch {
      // no /proc here, or the process exited
    }
  }
  return used;
}

/** Runs a load phase; answers its result and the CPU seconds each process spent on it. */
async function measured<T>(phase: () => Promise<T>): Promise<{ result: T; cpu: string }> {
  const before = cpuSeconds();
  const own = process.cpuUsage();
  const t0 = performance.now();
  const result = await phase();
  const wall = (performance.now() - t0) / 1000;
  const spent = [...cpuSeconds()]
    .map(([name, total]) => `${name} ${fmt(total - (before.get(name) ?? total), 1)}`)
    .concat(
      `autocannon ${fmt((process.cpuUsage(own).user + process.cpuUsage(own).system) / 1e6, 1)}`,
    );
  return { result, cpu: `CPU s in ${fmt(wall, 1)} s: ${spent.join(', ')}` };
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
}

function loadOf(r: autocannon.Result): Load {
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

async function main(): Promise<void> {
  const hardStop = setTimeout(() => {
    process.stderr.write('bench: hard time limit reached\n');
    void shutdown().finally(() => process.exit(1));
  }, HARD_LIMIT_MS);
  hardStop.unref();
  const started = performance.now();

  nats = await startNatsServer();
  const mongoUri = await startMongo();
  const gatewayPort = await freePort();
  start('donations service', 'services/donations/src/main.ts', {
    NATS_URL: nats.url,
    MONGODB_URI: mongoUri,
  });
  start('gateway', 'gateway/src/main.ts', {
    NATS_URL: nats.url,
    PORT: String(gatewayPort),
    HOST: '127.0.0.1',
    JWT_SECRET,
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_BURST: '1000000',
    RPC_TIMEOUT_MS: '30000',
  });
  const base = `http://127.0.0.1:${gatewayPort}`;
  await waitFor(`${base}/health/live`, (s) => s === 200);
  await waitFor(`${base}/health/services/donations`, (s) => s === 200);

  // A published initiative, announced as the initiatives service would, and a campaign.
  const organizationId = new Types.ObjectId().toHexString();
  const initiativeId = new Types.ObjectId().toHexString();
  const coordinator: Principal = {
    userId: new Types.ObjectId().toHexString(),
    roles: ['citizen'],
    memberships: [{ organizationId, role: 'coordinator' }],
  };
  const token = await signAccessToken(coordinator, loadConfig(AuthConfig, { JWT_SECRET }));
  const nc = await connect(natsConnectionOptions([nats.url], 'donations-bench'));
  await ensureEventStream(nc);
  const now = new Date().toISOString();
  const announced = newEvent(EventSubjects.initiatives.initiativePublished, 'initiatives', {
    initiativeId,
    organizationId,
    title: 'Бенчмарк',
    status: 'published',
    changedAt: now,
  });
  await nc.jetstream().publish(announced.type, JSON.stringify(announced), { msgID: announced.id });
  await nc.close();
  const campaignOf = async (title: string): Promise<CampaignView> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await json<CampaignView>(`${base}/api/v1/initiatives/${initiativeId}/campaigns`, {
        method: 'POST',
        token,
        body: { title, goal: { amount: 1_000_000_000 } },
      });
      if (res.status === 201) return res.body;
      if (res.status !== 404 || Date.now() > deadline) {
        throw new Error(`creating a campaign answered ${res.status}: ${JSON.stringify(res.body)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const campaign = await campaignOf('Навантаження');
  const verified = await campaignOf('Перевірка');

  console.log(
    `donations bench: ${CONNECTIONS} connections, ${SECONDS} s per load phase, node ${process.version}`,
  );
  const live = () =>
    autocannon({ url: `${base}/health/live`, connections: CONNECTIONS, duration: SECONDS });
  let serial = 0;
  const pledged: string[] = [];
  const pledges = (seconds: number, keep: boolean) =>
    autocannon({
      url: `${base}/api/v1/campaigns/${campaign.id}/donations`,
      connections: CONNECTIONS,
      duration: seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            headers: { ...request.headers, 'idempotency-key': `bench-${process.pid}-${++serial}` },
            body: JSON.stringify({ amount: 10_000 + (serial % 1000), anonymous: true }),
          }),
          onResponse: (status, body) => {
            if (keep && status === 201) pledged.push((JSON.parse(body) as { id: string }).id);
          },
        },
      ],
    });
  let confirmedIndex = 0;
  const confirms = (seconds: number) =>
    autocannon({
      url: `${base}/api/v1/donations/x/confirm`,
      connections: CONNECTIONS,
      duration: seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            path: `/api/v1/donations/${pledged[confirmedIndex++ % pledged.length]}/confirm`,
            body: '{}',
          }),
        },
      ],
    });

  await live(); // warm-up, not counted
  await pledges(2, false);
  const liveRun = await measured(live);
  const pledgeRun = await measured(() => pledges(SECONDS, true));
  const uniquePledges = pledged.length;
  const confirmRun = await measured(() => confirms(SECONDS));
  const baseline = loadOf(liveRun.result);
  const pledge = loadOf(pledgeRun.result);
  const confirm = loadOf(confirmRun.result);

  const header = `${'phase'.padEnd(44)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'n'.padStart(7)} ${'errors'.padStart(6)} ${'vs live'.padStart(8)}`;
  const row = (name: string, r: Load) =>
    `${name.padEnd(44)} ${fmt(r.rps).padStart(8)} ${fmt(r.p50, 1).padStart(7)} ${fmt(r.p99, 1).padStart(7)} ${String(r.requests).padStart(7)} ${String(r.errors + r.non2xx).padStart(6)} ${`${fmt((r.rps / baseline.rps) * 100, 1)}%`.padStart(8)}`;
  console.log(`\n${header}`);
  console.log(row('GET /health/live (baseline)', baseline));
  console.log(row('POST /campaigns/:id/donations (pledge)', pledge));
  console.log(row('POST /donations/:id/confirm (one campaign)', confirm));
  console.log(
    `\n  live:    ${liveRun.cpu}\n  pledge:  ${pledgeRun.cpu}\n  confirm: ${confirmRun.cpu}`,
  );
  console.log(
    `  cores: ${availableParallelism()}, load average at the end: ${loadavg()
      .map((l) => fmt(l, 2))
      .join(' ')}`,
  );
  const after = await json<CampaignView>(`${base}/api/v1/campaigns/${campaign.id}`);
  console.log(
    `\nafter the load: ${uniquePledges} pledges answered 201; the campaign holds ` +
      `${after.body.donors} confirmed donations, raised ${after.body.raised}, ledger ` +
      `${after.body.ledger.entries} entries`,
  );

  // --- 100,000 ledger entries, seeded directly as a valid chain --------------------------
  const db = await mongoose.createConnection(mongoUri).asPromise();
  const ledgerModel = db.model(LedgerEntry.name, LedgerEntrySchema);
  const campaignModel = db.model(Campaign.name, CampaignSchema);
  const seedStarted = performance.now();
  const campaignId = new Types.ObjectId(verified.id);
  let prevHash = LEDGER_GENESIS_HASH;
  let raised = 0;
  const at0 = Date.now() - ENTRIES * 1000;
  for (let seq = 1; seq <= ENTRIES;) {
    const batch: Record<string, unknown>[] = [];
    for (; batch.length < 5000 && seq <= ENTRIES; seq++) {
      const amount = 100 + (seq % 997);
      const donor = committedDonor(seq % 3 === 0 ? 'anonymous' : `Донор ${seq % 500}`);
      const at = new Date(at0 + seq * 1000);
      const fields = {
        campaignId: verified.id,
        seq,
        kind: 'donation' as const,
        amount,
        currency: 'UAH',
        at: at.toISOString(),
        donorCommitment: donor.donorCommitment,
        description: null,
        receiptUrl: null,
        refundOf: null,
        prevHash,
      };
      const hash = entryHash(fields);
      const { prevHash: _chained, ...stored } = fields;
      batch.push({
        ...stored,
        campaignId,
        at,
        ...donor,
        donorUserId: null,
        sourceId: new Types.ObjectId(),
        hash,
      });
      prevHash = hash;
      raised += amount;
    }
    await ledgerModel.collection.insertMany(batch, { ordered: false });
  }
  await campaignModel.collection.updateOne(
    { _id: campaignId },
    {
      $set: {
        raised,
        balance: raised,
        donors: ENTRIES,
        'ledger.seq': ENTRIES,
        'ledger.hash': prevHash,
      },
    },
  );
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  console.log(`\nledger: seeded ${fmt(ENTRIES)} entries in ${fmt(seedSeconds, 1)} s`);

  const viaApi: number[] = [];
  const apiRun = await measured(async () => {
    let answer: LedgerVerification | null = null;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const res = await json<LedgerVerification>(
        `${base}/api/v1/campaigns/${verified.id}/ledger/verify`,
      );
      viaApi.push(performance.now() - t0);
      answer = res.body;
    }
    return answer;
  });
  const apiAnswer = apiRun.result;
  const service = new LedgerService(
    new LedgerRepository(ledgerModel),
    new CampaignAccess(new CampaignsRepository(campaignModel)),
  );
  const inProcess: number[] = [];
  const localRun = await measured(async () => {
    let answer: LedgerVerification | null = null;
    for (let i = 0; i < 3; i++) {
      const stored = await campaignModel.findById(campaignId).lean<Campaign>().exec();
      const t0 = performance.now();
      answer = await service.verifyCampaign(stored!);
      inProcess.push(performance.now() - t0);
    }
    return answer;
  });
  const localAnswer = localRun.result;
  await db.close();
  const best = (samples: number[]) => Math.min(...samples);
  console.log(
    `verify via the API (GET /campaigns/:id/ledger/verify): ${samplesText(viaApi)} ms ` +
      `(intact ${apiAnswer?.intact}, entries ${apiAnswer?.entries})`,
  );
  console.log(
    `verify in this process (LedgerService.verifyCampaign): ${samplesText(inProcess)} ms ` +
      `(intact ${localAnswer?.intact}, entries ${localAnswer?.entries})`,
  );
  console.log(`  3 verifications via the API, ${apiRun.cpu.replace('autocannon', 'this process')}`);
  console.log(
    `  3 verifications in process, ${localRun.cpu.replace('autocannon', 'this process')}`,
  );

  console.log('\ntargets');
  const check = (ok: boolean, text: string) => console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
  check(
    best(viaApi) < VERIFY_TARGET_MS && apiAnswer?.intact === true && apiAnswer.entries === ENTRIES,
    `verify ${fmt(ENTRIES)} entries via the API under 2 s (best ${fmt(best(viaApi))} ms, worst ${fmt(Math.max(...viaApi))} ms)`,
  );
  check(
    best(inProcess) < VERIFY_TARGET_MS && localAnswer?.intact === true,
    `verify ${fmt(ENTRIES)} entries in process under 2 s (best ${fmt(best(inProcess))} ms)`,
  );
  check(
    pledge.p99 < PLEDGE_P99_TARGET_MS,
    `pledge p99 under 50 ms at ${CONNECTIONS} connections (${fmt(pledge.p99, 1)} ms)`,
  );
  check(pledge.errors + pledge.non2xx === 0, 'no errors or non-2xx answers to pledges');
  check(confirm.errors + confirm.non2xx === 0, 'no errors or non-2xx answers to confirmations');
  console.log(`\ntotal ${fmt((performance.now() - started) / 1000, 1)} s`);
}

function samplesText(samples: number[]): string {
  return samples.map((s) => fmt(s)).join(', ');
}

async function shutdown(): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
  await nats?.stop();
  nats = null;
}

main().then(
  () => shutdown().then(() => process.exit(0)),
  (e: unknown) => {
    console.error('bench failed:', e);
    void shutdown().finally(() => process.exit(1));
  },
);
