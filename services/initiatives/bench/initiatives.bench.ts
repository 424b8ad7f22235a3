/**
 * `npm run bench:initiatives`: 10,000 published initiatives and 100,000 tasks in the embedded
 * MongoDB (its own process), the initiatives service and the gateway as child processes, and
 * through the gateway at 20 connections: a filtered page (mode + region + skill), a full-text
 * search and a distance search, each as a ratio to GET /health/live measured in the same run.
 * Target: each search within 4x the health call (its p99, and its rate at least a quarter).
 */
import autocannon from 'autocannon';
import mongoose, { Types } from 'mongoose';
import { INITIATIVE_CATEGORIES, INITIATIVE_MODES, REGIONS } from '@spilno/contracts';
import {
  BenchProcesses,
  formatNumber as fmt,
  freePort,
  startNatsServer,
  waitForHttp,
} from '@spilno/testing';
import { toGeoJson } from '../src/common/geo';
import { searchTextOf } from '../src/common/search-text';
import { InitiativeSchema } from '../src/initiatives/schemas/initiative.schema';
import { TaskSchema } from '../src/tasks/schemas/task.schema';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = 20;
const INITIATIVES = Number(process.env.BENCH_INITIATIVES ?? 10_000);
const TASKS_PER_INITIATIVE = 10;
const TARGET_RATIO = 4;
const SKILLS = ['first_aid', 'driving_licence_b', 'window_glazing', 'field_kitchen', 'it_support'];
const SKILLS_PER_TASK = 2;
const WORDS = ['укриття', 'вода', 'обіди', 'вікна', 'школа', 'допомога', 'генератор', 'ліки'];
const processes = new BenchProcesses();

interface Load {
  rps: number;
  p50: number;
  p99: number;
  bad: number;
}

async function load(base: string, paths: string[]): Promise<Load> {
  const r = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: paths.map((path) => ({ method: 'GET' as const, path })),
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    bad: r.non2xx + r.errors,
  };
}

/** Deterministic pseudo-random numbers, so every run seeds the same data. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

async function seed(uri: string): Promise<void> {
  const connection = await mongoose.createConnection(uri).asPromise();
  const initiatives = connection.model('Initiative', InitiativeSchema);
  const tasks = connection.model('Task', TaskSchema);
  await initiatives.createIndexes();
  await tasks.createIndexes();
  const rnd = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const now = Date.now();
  const BATCH = 500;
  for (let start = 0; start < INITIATIVES; start += BATCH) {
    const initiativeDocs = [];
    const taskDocs = [];
    for (let i = start; i < Math.min(INITIATIVES, start + BATCH); i++) {
      const region = pick(REGIONS);
      const point = {
        lat: region.centroid.lat + (rnd() - 0.5) * 0.6,
        lng: region.centroid.lng + (rnd() - 0.5) * 0.9,
      };
      const mode = pick(INITIATIVE_MODES);
      const title = `${pick(WORDS)} ${pick(WORDS)} №${i}`;
      const description = `Ініціатива ${i}: ${pick(WORDS)}, ${pick(WORDS)} і ${pick(WORDS)}.`;
      const id = new Types.ObjectId();
      const at = new Date(now - i * 60_000);
      const skills = new Set<string>();
      const delivery = mode !== 'co-design';
      for (let t = 0; delivery && t < TASKS_PER_INITIATIVE; t++) {
        const required = [pick(SKILLS), pick(SKILLS)].slice(0, SKILLS_PER_TASK);
        required.forEach((s) => skills.add(s));
        const startsAt = new Date(now + (1 + t) * 86_400_000);
        taskDocs.push({
          initiativeId: id,
          organizationId: new Types.ObjectId(),
          region: region.code,
          initiativeStatus: 'published',
          title: `Зміна ${t + 1}`,
          requiredSkills: [...new Set(required)],
          slots: 5,
          filled: 0,
          openSlots: 5,
          startsAt,
          endsAt: new Date(startsAt.getTime() + 4 * 3_600_000),
          location: toGeoJson(point),
          urgency: 'normal',
          createdAt: at,
          updatedAt: at,
        });
      }
      initiativeDocs.push({
        _id: id,
        organizationId: new Types.ObjectId(),
        title,
        description,
        mode,
        category: pick(INITIATIVE_CATEGORIES),
        region: region.code,
        location: toGeoJson(point),
        tags: [pick(WORDS)],
        status: 'published',
        visibility: 'public',
        rankedAt: at,
        publishedAt: at,
        createdAt: at,
        updatedAt: at,
        skills: [...skills].sort(),
        searchText: searchTextOf({ title, description, tags: [] }),
        stats: { tasks: delivery ? TASKS_PER_INITIATIVE : 0, openSlots: delivery ? 50 : 0 },
      });
    }
    // Documents as the schema completes them (defaults), inserted without per-document
    // validation round trips: the data is generated to the schema.
    const complete = <T>(model: mongoose.Model<T>, docs: object[]) =>
      docs.map((d) => new model(d).toObject({ depopulate: true }));
    await initiatives.insertMany(complete(initiatives, initiativeDocs), { lean: true });
    if (taskDocs.length) await tasks.insertMany(complete(tasks, taskDocs), { lean: true });
  }
  await connection.close();
}

async function main(): Promise<void> {
  const hardStop = setTimeout(() => {
    process.stderr.write('bench: hard time limit reached\n');
    void processes.stopAll().finally(() => process.exit(0));
  }, 300_000);
  hardStop.unref();
  const nats = await startNatsServer();
  try {
    const mongoPort = await processes.startEmbeddedMongo();
    const uri = `mongodb://127.0.0.1:${mongoPort}/initiatives?directConnection=true`;
    const seeding = performance.now();
    await seed(uri);
    const seededIn = (performance.now() - seeding) / 1000;
    const gatewayPort = await freePort();
    processes.start('services/initiatives/src/main.ts', { NATS_URL: nats.url, MONGODB_URI: uri });
    processes.start('gateway/src/main.ts', {
      NATS_URL: nats.url,
      PORT: String(gatewayPort),
      HOST: '127.0.0.1',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_BURST: '1000000',
    });
    const base = `http://127.0.0.1:${gatewayPort}`;
    await waitForHttp(`${base}/api/v1/initiatives?limit=1`);

    const api = '/api/v1/initiatives?limit=20';
    const regions = REGIONS.slice(0, 8);
    const runs: [string, string[]][] = [
      ['GET /health/live (baseline)', ['/health/live']],
      [
        'filtered page: mode + region + skill',
        regions.map((r, i) => `${api}&mode=co-delivery&region=${r.code}&skills=${SKILLS[i % 5]}`),
      ],
      ['full text (q, Ukrainian)', WORDS.map((w) => `${api}&q=${encodeURIComponent(w)}`)],
      [
        'distance: near + radiusKm 50',
        regions.map((r) => `${api}&near=${r.centroid.lat},${r.centroid.lng}&radiusKm=50`),
      ],
    ];
    console.log(
      `initiatives bench: ${fmt(INITIATIVES)} published initiatives and ` +
        `${fmt(INITIATIVES * TASKS_PER_INITIATIVE * (2 / 3), 0)} tasks (about) seeded in ` +
        `${fmt(seededIn, 1)} s; ${CONNECTIONS} connections, ${SECONDS} s per run, node ${process.version}\n`,
    );
    for (const [, paths] of runs) await load(base, paths.slice(0, 2)); // warm-up, not counted
    const results: [string, Load][] = [];
    for (const [name, paths] of runs) results.push([name, await load(base, paths)]);

    console.log(
      `${'request'.padEnd(38)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'non-2xx'.padStart(8)}  ratio to health (rate, p99)`,
    );
    const health = results[0]![1];
    console.log('');
    const checks: [boolean, string][] = [];
    for (const [name, r] of results) {
      const rateRatio = health.rps / r.rps;
      const p99Ratio = r.p99 / Math.max(health.p99, 1);
      console.log(
        `${name.padEnd(38)} ${fmt(r.rps).padStart(8)} ${fmt(r.p50, 1).padStart(7)} ${fmt(r.p99, 1).padStart(7)} ${String(r.bad).padStart(8)}  ${fmt(rateRatio, 2)}x, ${fmt(p99Ratio, 2)}x`,
      );
      if (r === health) continue;
      checks.push([
        rateRatio <= TARGET_RATIO && p99Ratio <= TARGET_RATIO && r.bad === 0,
        `${name}: within ${TARGET_RATIO}x the health call (rate ${fmt(rateRatio, 2)}x, p99 ${fmt(p99Ratio, 2)}x; p99 floor 1 ms), no non-2xx`,
      ]);
    }
    console.log('\ntargets');
    for (const [ok, text] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
  } finally {
    await processes.stopAll();
    await nats.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error('bench failed:', e);
    void processes.stopAll().finally(() => process.exit(1));
  },
);
