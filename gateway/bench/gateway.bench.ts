/**
 * `npm run bench:gateway`: in one run, on loopback, bounded in time,
 *  1. a bare Fastify handler returning a small JSON (the baseline), and the same JSON through
 *     gateway -> NATS -> the users service (GET /health/services/users), each in its own
 *     process, loaded by autocannon with 50 connections: requests/s, p50, p99, and the ratio;
 *  2. serial NATS request latency: raw nats.js, the typed RpcClient, and the RpcClient to a
 *     NestJS @MessagePattern handler.
 * Targets (printed as PASS/FAIL; the process exits 0, it is a measurement): the gateway path
 * keeps >= 25% of the bare rate with p99 < 20 ms; the typed client's p50 within 150 µs of raw.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, startNatsServer } from '@spilno/testing';
import { measureRpcLatency } from './rpc-latency';

const ROOT = path.join(__dirname, '..', '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 50;
// Tokens are issued by users and verified by the gateway: both need the same secret.
const BENCH_JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const children: ChildProcess[] = [];

function start(script: string, env: Record<string, string>, args: string[] = []): ChildProcess {
  // BENCH_CPU_PROF=DIR writes a V8 CPU profile of each server process there, for analysis.
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const child = spawn(
    process.execPath,
    [...profile, '-r', '@swc-node/register', path.join(ROOT, script), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  return child;
}

async function waitFor(url: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return await res.text();
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(url: string): Promise<Load> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

const fmt = (n: number, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<void> {
  const hardStop = setTimeout(() => {
    process.stderr.write('bench: hard time limit reached\n');
    void shutdown().finally(() => process.exit(0));
  }, 240_000);
  hardStop.unref();

  const nats = await startNatsServer();
  // The embedded MongoDB runs in its own process too: autocannon saturates this one.
  const mongoPort = await freePort();
  const mongoProcess = start('libs/embedded-mongo/src/cli.ts', {}, [
    '--port',
    String(mongoPort),
    '--quiet',
  ]);
  await new Promise<void>((resolve, reject) => {
    mongoProcess.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('mongodb://')) resolve();
    });
    mongoProcess.once('exit', (code) => reject(new Error(`embedded MongoDB exited with ${code}`)));
  });
  const gatewayPort = await freePort();
  const barePort = await freePort();
  const shutdownAll = async () => {
    await shutdown();
    await nats.stop();
  };
  try {
    start('services/users/src/main.ts', {
      NATS_URL: nats.url,
      JWT_SECRET: BENCH_JWT_SECRET,
      MONGODB_URI: `mongodb://127.0.0.1:${mongoPort}/users?directConnection=true`,
    });
    start('gateway/src/main.ts', {
      NATS_URL: nats.url,
      PORT: String(gatewayPort),
      HOST: '127.0.0.1',
      JWT_SECRET: BENCH_JWT_SECRET,
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_BURST: '1000000',
    });
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}/health/services/users`;
    const body = await waitFor(gatewayUrl);
    start('gateway/bench/bare-server.ts', { PORT: String(barePort), BENCH_BODY: body });
    const bareUrl = `http://127.0.0.1:${barePort}/json`;
    await waitFor(bareUrl);

    console.log(
      `gateway bench: ${CONNECTIONS} connections, ${SECONDS} s per run, node ${process.version}`,
    );
    console.log(`body (${body.length} bytes): ${body}\n`);
    await load(bareUrl); // warm-up of both paths, not counted
    await load(gatewayUrl);
    const bare = await load(bareUrl);
    const gw = await load(gatewayUrl);
    const row = (name: string, r: Load) =>
      `${name.padEnd(34)} ${fmt(r.rps).padStart(8)} ${fmt(r.p50, 1).padStart(8)} ${fmt(r.p99, 1).padStart(8)} ${String(r.errors + r.non2xx).padStart(7)}`;
    console.log(
      `${'path'.padEnd(34)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}`,
    );
    console.log(row('bare Fastify', bare));
    console.log(row('gateway -> NATS -> users service', gw));
    const ratio = gw.rps / bare.rps;
    console.log(`\nratio gateway/bare: ${fmt(ratio * 100, 1)}% of the bare rate`);

    const rows = await measureRpcLatency(nats.url, 3000);
    console.log('\nserial NATS request latency (µs)');
    for (const r of rows) {
      console.log(
        `  ${r.name.padEnd(56)} p50 ${fmt(r.p50).padStart(5)}  p99 ${fmt(r.p99).padStart(6)}  n ${r.n}`,
      );
    }
    const extra = rows[1].p50 - rows[0].p50;

    console.log('\ntargets');
    const check = (ok: boolean, text: string) => console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
    check(ratio >= 0.25, `gateway path keeps >= 25% of the bare rate (${fmt(ratio * 100, 1)}%)`);
    check(gw.p99 < 20, `gateway p99 < 20 ms at ${CONNECTIONS} connections (${fmt(gw.p99, 1)} ms)`);
    check(gw.errors + gw.non2xx === 0, `no errors or non-2xx answers on the gateway path`);
    check(
      extra <= 150,
      `typed client p50 within 150 µs of raw nats.js (${extra >= 0 ? '+' : ''}${fmt(extra)} µs)`,
    );
  } finally {
    await shutdownAll();
  }
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
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error('bench failed:', e);
    void shutdown().finally(() => process.exit(1));
  },
);
