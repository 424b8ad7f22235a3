/**
 * The child processes of `npm run bench:auth`: the embedded MongoDB, the users service and the
 * gateway, each in its own process (loaded with @swc-node/register) so that the client's work,
 * the hashing and the database are not billed to one event loop.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@spilno/testing';

const ROOT = path.join(__dirname, '..', '..', '..');
/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Inherited variables that would change the limits under test; each phase sets the ones it
 * means to, and the rest keep their production defaults whatever the caller's shell holds.
 */
const LIMIT_VARIABLES = [
  'LOGIN_MAX_ATTEMPTS_PER_ACCOUNT',
  'LOGIN_MAX_ATTEMPTS_PER_IP',
  'LOGIN_WINDOW_SECONDS',
  'PASSWORD_HASH_QUEUE_PER_CLIENT',
  'PASSWORD_HASH_CONCURRENCY',
  'RATE_LIMIT_PER_MINUTE',
  'RATE_LIMIT_BURST',
  'TRUST_PROXY_HOPS',
];

export class BenchProcesses {
  private readonly children = new Map<ChildProcess, string>();

  /** Starts `script` as the process called `name` (in reports). */
  start(name: string, script: string, env: Record<string, string>): ChildProcess {
    const inherited = { ...process.env };
    for (const variable of LIMIT_VARIABLES) delete inherited[variable];
    // BENCH_LOG_DIR=DIR keeps each process's info log (a line per request) in DIR/<name>.log;
    // otherwise errors only, as a line per request would drown the report.
    const logDir = process.env.BENCH_LOG_DIR;
    if (logDir) mkdirSync(logDir, { recursive: true });
    const stdout = logDir ? openSync(path.join(logDir, `${name}.log`), 'a') : 'inherit';
    const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, script)], {
      cwd: ROOT,
      env: { ...inherited, LOG_LEVEL: logDir ? 'info' : 'error', ...env },
      stdio: ['ignore', stdout, 'inherit'],
    });
    this.track(name, child);
    return child;
  }

  /** Starts the embedded MongoDB (in memory) and answers its URI once it accepts connections. */
  async startMongo(): Promise<string> {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        path.join(ROOT, 'libs/embedded-mongo/src/cli.ts'),
        '--port',
        String(port),
        '--quiet',
      ],
      { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.track('embedded MongoDB', child);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('mongodb://')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`embedded MongoDB exited with ${code}`)));
    });
    return `mongodb://127.0.0.1:${port}/users?directConnection=true`;
  }

  /** SIGTERM (a draining stop), then waits for the exit. */
  stop(child: ChildProcess): Promise<void> {
    return new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children.keys()].map((c) => this.stop(c)));
  }

  /**
   * CPU seconds (user and system) each running child has used so far, in all its threads and
   * in its main (JavaScript) thread alone; empty off Linux.
   */
  cpuSeconds(): Map<string, CpuSeconds> {
    const used = new Map<string, CpuSeconds>();
    for (const [child, name] of this.children) {
      try {
        used.set(name, {
          total: ticks(`/proc/${child.pid}/stat`),
          main: ticks(`/proc/${child.pid}/task/${child.pid}/stat`),
        });
      } catch {
        // no /proc here, or the process just exited
      }
    }
    return used;
  }

  private track(name: string, child: ChildProcess): void {
    this.children.set(child, name);
    child.once('exit', () => this.children.delete(child));
  }
}

export interface CpuSeconds {
  total: number;
  main: number;
}

function ticks(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Polls `url` until it answers 200 with a body that `accept` approves; answers the body. */
export async function waitFor(
  url: string,
  accept: (body: string) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      const body = await res.text();
      if (res.ok && accept(body)) return body;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become ready in ${timeoutMs} ms`);
    await sleep(200);
  }
}
