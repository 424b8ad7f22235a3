/**
 * Embedded MongoDB benchmark (`npm run bench:mongo`).
 *
 * Starts the embedded server (or uses MONGODB_URI), connects mongoose, and measures, in one
 * run, sequentially and with 8 concurrent callers: a driver `ping` round trip (the baseline),
 * Model.create, findById().lean(), findOne on a unique field, updateOne with $inc, a filtered
 * sorted page of 20 out of 100,000 documents (with a supporting index), insertMany of 1,000,
 * and a small transaction (withTransaction with two writes).
 *
 * Prints ops/s, mean/p50/p99 latency and the ratio to ping, and checks the targets:
 *   - an indexed page of 20 within 3x a ping;
 *   - updateOne $inc within 2x a findById.
 * It is a measurement: it always exits 0. Bounded runtime (well under 3 minutes).
 *
 * The embedded server runs as its own process (the command-line server), as a real mongod
 * would, so that the client's and the server's work are not billed to one event loop;
 * BENCH_IN_PROCESS=1 runs it inside the benchmark's process instead.
 *
 * Environment: MONGODB_URI (use that server), BENCH_SECONDS (time per measurement, default 1.5),
 * BENCH_DOCS (documents for the page query, default 100000), BENCH_IN_PROCESS.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose, { Schema, Types } from 'mongoose';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1.5);
const DOCS = Number(process.env.BENCH_DOCS ?? 100_000);
const CATEGORIES = 50;
const CONCURRENCY = 8;
const HARD_LIMIT_MS = 170_000;

interface Result {
  op: string;
  mode: 'seq' | 'x8';
  ops: number;
  wallMs: number;
  lat: number[]; // microseconds
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function measure(
  op: string,
  mode: 'seq' | 'x8',
  fn: (i: number) => Promise<unknown>,
  opts: { maxOps?: number; seconds?: number; warmup?: number } = {},
): Promise<Result> {
  const seconds = opts.seconds ?? SECONDS;
  const maxOps = opts.maxOps ?? Number.POSITIVE_INFINITY;
  const workers = mode === 'seq' ? 1 : CONCURRENCY;
  let counter = 0;
  for (let i = 0; i < (opts.warmup ?? 20); i++) await fn(counter++);
  const lat: number[] = [];
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let started = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline && started < maxOps) {
        started++;
        const t0 = performance.now();
        await fn(counter++);
        lat.push((performance.now() - t0) * 1000);
      }
    }),
  );
  const wallMs = performance.now() - start;
  return { op, mode, ops: lat.length, wallMs, lat };
}

function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

/** Starts `src/cli.ts` on a free port and waits for the line with its URI. */
async function spawnServer(): Promise<{ uri: string; stop: () => Promise<void> }> {
  const cli = path.join(__dirname, '..', 'src', 'cli.ts');
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', cli, '--port', '0', '--quiet'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const uri = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /mongodb:\/\/\S+/.exec(out);
      if (m) resolve(m[0]);
    });
    child.once('exit', (code) => reject(new Error(`embedded server exited with ${code}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { uri, stop };
}

async function main(): Promise<void> {
  const hardStop = setTimeout(() => {
    console.error(`bench: hard time limit of ${HARD_LIMIT_MS / 1000} s reached, exiting`);
    process.exit(0);
  }, HARD_LIMIT_MS);
  hardStop.unref();

  const t0 = performance.now();
  let uri = process.env.MONGODB_URI?.trim();
  let stop: (() => Promise<void>) | undefined;
  const inProcess = process.env.BENCH_IN_PROCESS === '1';
  const lane = uri ? 'MONGODB_URI' : inProcess ? 'embedded (in process)' : 'embedded (own process)';
  if (!uri && inProcess) {
    const { startEmbeddedMongo } = await import('../src');
    const server = await startEmbeddedMongo({ port: 0 });
    uri = server.uri;
    stop = () => server.stop();
  } else if (!uri) {
    const server = await spawnServer();
    uri = server.uri;
    stop = server.stop;
  }
  const dbName = `bench_${process.pid}`;
  console.log(
    `embedded-mongo bench: lane=${lane} uri=${uri.replace(/\/\/[^@/]*@/, '//***@')} db=${dbName}`,
  );
  console.log(
    `node ${process.version}, ${SECONDS}s per measurement, ${CONCURRENCY} concurrent callers for x8 rows\n`,
  );

  const conn = mongoose.createConnection(uri, { dbName, autoIndex: false, maxPoolSize: 16 });
  await conn.asPromise();
  const db = conn.db!;

  const Item = conn.model(
    'Item',
    new Schema({
      sku: { type: String, required: true },
      name: String,
      category: Number,
      price: Number,
      n: { type: Number, default: 0 },
    }),
    'items',
  );
  const Created = conn.model(
    'Created',
    new Schema({ sku: String, name: String, price: Number }),
    'created',
  );
  const Batch = conn.model('Batch', new Schema({ i: Number, name: String }), 'batches');
  const Account = conn.model('Account', new Schema({ _id: Number, bal: Number }), 'accounts');
  const Ledger = conn.model(
    'Ledger',
    new Schema({ from: Number, amount: Number, at: Date }),
    'ledger',
  );

  // Load 100,000 documents with insertMany in batches, then build the indexes.
  await Item.createCollection();
  await Item.collection.createIndex({ sku: 1 }, { unique: true });
  await Item.collection.createIndex({ category: 1, price: -1 });
  const ids: Types.ObjectId[] = [];
  const loadStart = performance.now();
  const BATCH = 5000;
  for (let i = 0; i < DOCS; i += BATCH) {
    const docs = [];
    for (let j = i; j < Math.min(DOCS, i + BATCH); j++) {
      const _id = new Types.ObjectId();
      if (j % 10 === 0) ids.push(_id);
      docs.push({
        _id,
        sku: `sku-${j}`,
        name: `item ${j}`,
        category: j % CATEGORIES,
        price: (j * 7919) % 10_000,
        n: 0,
      });
    }
    await Item.insertMany(docs, { lean: true });
  }
  const loadMs = performance.now() - loadStart;
  console.log(
    `loaded ${fmt(DOCS)} documents in ${fmt(loadMs / 1000, 1)} s (${fmt(DOCS / (loadMs / 1000))} docs/s)\n`,
  );
  await Account.insertMany(Array.from({ length: 64 }, (_, i) => ({ _id: i, bal: 1_000_000 })));
  await Ledger.createCollection();
  await Created.createCollection();
  await Batch.createCollection();

  const pick = (i: number) => ids[(i * 2654435761) % ids.length];
  const skuOf = (i: number) => `sku-${((i * 2654435761) % DOCS) >>> 0}`;
  let created = 0;

  const ops: [
    string,
    (i: number) => Promise<unknown>,
    { maxOps?: number; seconds?: number; warmup?: number }?,
  ][] = [
    ['ping (driver)', () => db.admin().command({ ping: 1 })],
    ['Model.create', () => Created.create({ sku: `c-${created++}`, name: 'created', price: 1 })],
    ['findById().lean()', (i) => Item.findById(pick(i)).lean()],
    ['findOne unique field', (i) => Item.findOne({ sku: skuOf(i) }).lean()],
    ['updateOne $inc', (i) => Item.updateOne({ _id: pick(i) }, { $inc: { n: 1 } })],
    [
      'page of 20 (indexed)',
      (i) =>
        Item.find({ category: i % CATEGORIES })
          .sort({ price: -1 })
          .skip((i % 5) * 20)
          .limit(20)
          .lean(),
    ],
    [
      'insertMany 1,000',
      (i) =>
        Batch.insertMany(
          Array.from({ length: 1000 }, (_, k) => ({ i: i * 1000 + k, name: 'b' })),
          { lean: true },
        ),
      { maxOps: 400, warmup: 2 },
    ],
    [
      'transaction (2 writes)',
      (i) =>
        conn.transaction(async (session) => {
          await Account.updateOne({ _id: i % 64 }, { $inc: { bal: -1 } }, { session });
          await Ledger.create([{ from: i % 64, amount: 1, at: new Date() }], { session });
        }),
      { warmup: 5 },
    ],
  ];

  const results: Result[] = [];
  for (const mode of ['seq', 'x8'] as const) {
    for (const [name, fn, opts] of ops) {
      // Transactions from 8 callers on 64 accounts conflict now and then; withTransaction retries.
      results.push(await measure(name, mode, fn, opts));
    }
  }

  const pingOf = (mode: 'seq' | 'x8') =>
    mean(results.find((r) => r.op.startsWith('ping') && r.mode === mode)!.lat);
  const rows = results.map((r) => {
    const sorted = [...r.lat].sort((a, b) => a - b);
    const m = mean(r.lat);
    return {
      op: r.op,
      mode: r.mode,
      opsPerSec: r.ops / (r.wallMs / 1000),
      mean: m,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      ratio: m / pingOf(r.mode),
      n: r.ops,
    };
  });

  const header = ['op', 'mode', 'ops/s', 'mean µs', 'p50 µs', 'p99 µs', 'x ping', 'n'];
  const table = rows.map((r) => [
    r.op,
    r.mode,
    fmt(r.opsPerSec),
    fmt(r.mean),
    fmt(r.p50),
    fmt(r.p99),
    fmt(r.ratio, 2),
    fmt(r.n),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table) console.log(line(row));
  console.log('\n"x ping" = mean latency / mean ping latency of the same mode (seq or x8).');
  console.log('insertMany rows count one call of 1,000 documents as one op.\n');

  const get = (op: string, mode: 'seq' | 'x8') => rows.find((r) => r.op === op && r.mode === mode)!;
  const targets: [string, number, number, number][] = [];
  for (const mode of ['seq', 'x8'] as const) {
    const page = get('page of 20 (indexed)', mode);
    const ping = get('ping (driver)', mode);
    targets.push([
      `[${mode}] indexed page of 20 within 3x a ping`,
      page.mean,
      ping.mean * 3,
      page.mean / ping.mean,
    ]);
    const upd = get('updateOne $inc', mode);
    const byId = get('findById().lean()', mode);
    targets.push([
      `[${mode}] updateOne $inc within 2x findById`,
      upd.mean,
      byId.mean * 2,
      upd.mean / byId.mean,
    ]);
  }
  console.log('targets (mean latency):');
  for (const [name, value, limit, ratio] of targets) {
    const ok = value <= limit;
    console.log(
      `  ${ok ? 'PASS' : 'FAIL'}  ${name}: ${fmt(value)} µs vs limit ${fmt(limit)} µs (ratio ${fmt(ratio, 2)})`,
    );
  }

  await conn.dropDatabase().catch(() => undefined);
  await conn.close();
  if (stop) await stop();
  console.log(`\ntotal ${fmt((performance.now() - t0) / 1000, 1)} s`);
  clearTimeout(hardStop);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error('bench failed:', e);
    process.exit(0);
  },
);
