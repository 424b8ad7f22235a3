/**
 * `npm start` end to end: from nothing to a gateway whose /health/ready answers 200 with all
 * four services, then a clean stop on Ctrl-C; and a child that dies stops everything.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startNatsServer, stopTestMongo, testMongo } from '@spilno/testing';
import { natsAnswers, portIsFree } from '../local/supervisor';

const root = path.resolve(__dirname, '../..');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves with the output once it matches, rejects if the process exits first. */
  until: (pattern: RegExp, withinMs: number) => Promise<string>;
}

function npmStart(env: NodeJS.ProcessEnv, args: string[] = []): Started {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'deploy/local/start.ts', ...args],
    { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const until = (pattern: RegExp, withinMs: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        if (pattern.test(output)) done(() => resolve(output));
      }, 50);
      const deadline = setTimeout(
        () => done(() => reject(new Error(`no ${pattern} within ${withinMs} ms:\n${output}`))),
        withinMs,
      );
      void exited.then(() =>
        setTimeout(() => {
          if (pattern.test(output)) done(() => resolve(output));
          else done(() => reject(new Error(`exited before ${pattern}:\n${output}`)));
        }, 100),
      );
      const done = (settle: () => void) => {
        clearInterval(timer);
        clearTimeout(deadline);
        settle();
      };
    });
  return { child, output: () => output, exited, until };
}

describe('npm start (deploy/local/start.ts)', () => {
  const dataDirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spilno-start-'));
    dataDirs.push(dir);
    return dir;
  };

  afterAll(async () => {
    dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
    await stopTestMongo();
  });

  it('starts NATS, MongoDB, four services and the gateway, ready within 20 s; seeds; stops on Ctrl-C', async () => {
    const port = await freePort();
    const natsPort = await freePort();
    const start = npmStart(
      {
        // Nothing listens there, so start.ts starts its own nats-server.
        NATS_URL: `nats://127.0.0.1:${natsPort}`,
        MONGODB_URI: '',
        JWT_SECRET: '',
        PORT: String(port),
        SPILNO_DATA_DIR: dataDir(),
      },
      ['--seed'],
    );

    const output = await start.until(/Spilno is ready in ([\d.]+) s/, 20_000);
    const readyAfter = Number(/Spilno is ready in ([\d.]+) s/.exec(output)?.[1]);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    const natsUrl = /starting nats-server on (\d+)/.exec(output);

    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    expect(readyAfter).toBeLessThan(20);
    expect(natsUrl).not.toBeNull();

    // --seed loads the demo data through the API once the system is ready.
    const seeded = await start.until(/--seed: (loaded .*|failed: .*)/, 60_000);
    expect(/--seed: (loaded .*|failed: .*)/.exec(seeded)?.[1]).toMatch(
      /^loaded 5 organizations, 8 initiatives, \d+ tasks, 6 applications, 4 proposals, 7 votes, 3 reports/,
    );
    const page = (await (
      await fetch(`http://127.0.0.1:${port}/api/v1/initiatives?limit=100`)
    ).json()) as { items: { mode: string; region: string }[] };
    expect(new Set(page.items.map((i) => i.mode))).toEqual(
      new Set(['co-design', 'co-delivery', 'co-monitoring']),
    );
    expect(new Set(page.items.map((i) => i.region)).size).toBeGreaterThanOrEqual(4);

    start.child.kill('SIGINT');

    expect(await start.exited).toBe(0);
    expect(start.output()).toMatch(/\[start\] stopped/);
    expect(await portIsFree(port)).toBe(true);
    expect(await natsAnswers('127.0.0.1', Number(natsUrl?.[1]))).toBe(false);
  }, 120_000);

  it('stops everything with exit code 1 when a child dies', async () => {
    const nats = await startNatsServer();
    const mongo = await testMongo('start');
    const start = npmStart({
      NATS_URL: nats.url,
      MONGODB_URI: mongo.uri,
      PORT: String(await freePort()),
      SPILNO_DATA_DIR: dataDir(),
      // Every service and the gateway refuse this at boot.
      LOG_LEVEL: 'loud',
    });

    const code = await start.exited;
    await nats.stop();

    expect(code).toBe(1);
    expect(start.output()).toMatch(/exited unexpectedly \(code 1\); stopping everything/);
    expect(start.output()).toMatch(/LOG_LEVEL="loud"/);
  });
});
