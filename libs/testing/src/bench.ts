/**
 * What benchmarks share: the system's processes started as children (each in its own
 * process, as deployed, so the load generator does not share their event loop), waiting for
 * HTTP readiness, the embedded MongoDB as a child, and a stop that leaves nothing behind.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from './nats-server';

const ROOT = path.join(__dirname, '..', '..', '..');

export class BenchProcesses {
  private readonly children: ChildProcess[] = [];

  /**
   * Starts `script` (a path from the repository root) under @swc-node/register.
   * BENCH_CPU_PROF=DIR writes a V8 CPU profile of each process there.
   */
  start(script: string, env: Record<string, string>, args: string[] = []): ChildProcess {
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
    // Drained, so a chatty child never blocks on a full pipe; listeners may still read it.
    child.stdout?.resume();
    this.children.push(child);
    return child;
  }

  /** The embedded MongoDB in its own process; resolves with its port once it listens. */
  async startEmbeddedMongo(): Promise<number> {
    const port = await freePort();
    const child = this.start('libs/embedded-mongo/src/cli.ts', {}, [
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
    return port;
  }

  /** SIGTERM to every child, waiting for each to exit. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
  }
}

/** Polls `url` until it answers 200; its body. */
export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    try {
      const res = await fetch(url);
      const body = await res.text();
      if (res.ok) return body;
      last = `${res.status} ${body.slice(0, 300)}`;
    } catch (e) {
      last = (e as Error).message; // not up yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${url} did not answer 200 in ${timeoutMs} ms (last: ${last})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Numbers with thousands separators, as benchmarks print them. */
export const formatNumber = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
