/**
 * `npm start`: the whole system on one machine, with embedded defaults.
 *
 * 1. NATS: the server at NATS_URL if one answers, else a `nats-server` with JetStream in
 *    .data/nats (on 4222 when free).
 * 2. MongoDB: MONGODB_URI if set, else the embedded server persisting to .data/mongo.
 * 3. The four services and the gateway, each a child process running its entry point.
 * 4. Ready when the gateway's /health/ready answers 200; prints the URL.
 *
 * Ctrl-C or SIGTERM stops the children in reverse order and waits for them. A child that dies
 * on its own stops everything with exit code 1: a crash on a developer's machine should be
 * seen and read, not hidden by a restart loop (in production, the container runtime restarts).
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GATEWAY, nodeCommand, SERVICES, SWC_NODE_PROJECT, type Deployable } from './processes';
import { seedDemoData } from './seed';
import { ManagedProcess, natsAnswers, poll, preferredPort } from './supervisor';

const ROOT = path.resolve(__dirname, '../..');
/** Where NATS, MongoDB and the JWT secret keep their state between runs. */
const DATA = path.resolve(process.env.SPILNO_DATA_DIR ?? path.join(ROOT, '.data'));
const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
const READY_WITHIN_MS = 60_000;
/** Services wait up to 10 s for in-flight requests; a little more before SIGKILL. */
const STOP_GRACE_MS = 15_000;

const say = (line: string) => process.stdout.write(`[start] ${line}\n`);

class StartupError extends Error {}

const children: ManagedProcess[] = [];
let shuttingDown: Promise<never> | null = null;
let shutdownStartedAt = 0;
/** npm and the shell may relay one Ctrl-C a second time; only a later one means "hurry". */
const REPEAT_SIGNAL_MS = 1000;

async function main(): Promise<void> {
  const startedAt = performance.now();
  const { values } = parseArgs({
    options: {
      seed: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: npm start [-- --seed]\n' +
        'env: NATS_URL, MONGODB_URI, PORT, HOST, JWT_SECRET, LOG_LEVEL, SPILNO_DATA_DIR (all optional)\n' +
        // Reach the users service through the children's environment (a copy of this one).
        'ADMIN_EMAIL and ADMIN_PASSWORD (both or neither): the first admin account\n',
    );
    return;
  }
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  // Whatever happens to the supervisor, no child outlives it (except after a SIGKILL of it).
  process.on('exit', () => children.forEach((c) => c.kill()));

  mkdirSync(DATA, { recursive: true });
  const natsUrl = await ensureNats();
  const mongoUri = await ensureMongo();
  const port = await gatewayPort();
  const host = process.env.HOST ?? '127.0.0.1';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NATS_URL: natsUrl,
    MONGODB_URI: mongoUri,
    JWT_SECRET: jwtSecret(),
    ...adminCredentials(),
    PORT: String(port),
    HOST: host,
    SWC_NODE_PROJECT: path.join(ROOT, SWC_NODE_PROJECT),
  };

  // The services and the gateway start side by side: the gateway's readiness waits for them.
  for (const deployable of [...SERVICES, GATEWAY]) watch(launch(deployable, env));

  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const ready = await poll(() => answers200(`${url}/health/ready`), {
    everyMs: 200,
    withinMs: READY_WITHIN_MS,
  });
  if (!ready) {
    throw new StartupError(
      `the gateway was not ready within ${READY_WITHIN_MS / 1000} s; ` +
        `see ${url}/health/ready and the lines above`,
    );
  }
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  say(`Spilno is ready in ${seconds} s at ${url}  (API ${url}/api/v1, docs ${url}/api/docs)`);
  say(`admin: ${env.ADMIN_EMAIL} (password: ${adminPasswordHint()})`);
  if (values.seed) await seed(url, env);
  say('Ctrl-C stops everything');
}

async function ensureNats(): Promise<string> {
  const wanted = process.env.NATS_URL ?? DEFAULT_NATS_URL;
  const first = new URL(wanted.split(',')[0].trim());
  if (await natsAnswers(first.hostname, Number(first.port || 4222))) {
    say(`NATS: using the server at ${wanted}`);
    return wanted;
  }
  const binary = process.env.NATS_SERVER_BIN ?? 'nats-server';
  if (spawnSync(binary, ['--version'], { stdio: 'ignore' }).error) {
    throw new StartupError(
      `no NATS at ${wanted} and no nats-server installed: \`apt-get install nats-server\` ` +
        '(or https://github.com/nats-io/nats-server/releases), or set NATS_URL',
    );
  }
  const port = await preferredPort(4222);
  const storeDir = path.join(DATA, 'nats');
  say(`NATS: none at ${wanted}; starting nats-server on ${port} (JetStream in ${storeDir})`);
  const nats = new ManagedProcess(
    'nats',
    binary,
    ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port)],
    { cwd: ROOT, env: process.env },
  );
  watch(nats);
  const up = await poll(() => natsAnswers('127.0.0.1', port), {
    everyMs: 50,
    withinMs: 10_000,
    gaveUp: async () => !nats.running,
  });
  if (!up) throw new StartupError(`nats-server did not start on port ${port}`);
  return `nats://127.0.0.1:${port}`;
}

async function ensureMongo(): Promise<string> {
  const external = process.env.MONGODB_URI?.trim();
  if (external) {
    say('MongoDB: using MONGODB_URI');
    return external;
  }
  const port = await preferredPort(27017);
  const dbPath = path.join(DATA, 'mongo');
  say(`MongoDB: starting the embedded server on ${port} (data in ${dbPath})`);
  let uri: string | null = null;
  const mongo = new ManagedProcess(
    'mongo',
    process.execPath,
    [
      ...nodeCommand('libs/embedded-mongo/src/cli.ts').slice(1),
      '--port',
      String(port),
      '--dbpath',
      dbPath,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, SWC_NODE_PROJECT: path.join(ROOT, SWC_NODE_PROJECT) },
      onLine: (line) => {
        uri ??= /embedded MongoDB ready at (\S+)/.exec(line)?.[1] ?? null;
      },
    },
  );
  watch(mongo);
  const up = await poll(async () => uri !== null, {
    everyMs: 50,
    withinMs: 30_000,
    gaveUp: async () => !mongo.running,
  });
  if (!up || uri === null) throw new StartupError('the embedded MongoDB did not start');
  return uri;
}

async function gatewayPort(): Promise<number> {
  if (process.env.PORT) return Number(process.env.PORT);
  const port = await preferredPort(3000);
  if (port !== 3000) say(`port 3000 is taken; the gateway gets ${port}`);
  return port;
}

/** JWT_SECRET, or one generated once and kept in .data/, so tokens survive restarts. */
function jwtSecret(): string {
  return process.env.JWT_SECRET || secretFile('jwt-secret', 48);
}

/**
 * The first admin (api.md, Roles): ADMIN_EMAIL/ADMIN_PASSWORD when set; otherwise, on this
 * machine, admin@spilno.local with a password generated once and kept in .data/.
 */
function adminCredentials(): { ADMIN_EMAIL: string; ADMIN_PASSWORD: string } {
  if (process.env.ADMIN_EMAIL && process.env.ADMIN_PASSWORD) {
    return { ADMIN_EMAIL: process.env.ADMIN_EMAIL, ADMIN_PASSWORD: process.env.ADMIN_PASSWORD };
  }
  return { ADMIN_EMAIL: 'admin@spilno.local', ADMIN_PASSWORD: secretFile('admin-password', 18) };
}

function adminPasswordHint(): string {
  return process.env.ADMIN_PASSWORD ? 'ADMIN_PASSWORD' : path.join(DATA, 'admin-password');
}

/** A random secret generated once for this machine and kept, readable by its owner only. */
function secretFile(name: string, bytes: number): string {
  const file = path.join(DATA, name);
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(bytes).toString('base64url'), { mode: 0o600 });
    say(`generated ${file}`);
  }
  return readFileSync(file, 'utf8').trim();
}

async function seed(url: string, env: NodeJS.ProcessEnv): Promise<void> {
  const demoPassword = secretFile('demo-password', 12);
  try {
    const summary = await seedDemoData({
      baseUrl: url,
      admin: { email: env.ADMIN_EMAIL!, password: env.ADMIN_PASSWORD! },
      demoPassword,
      say,
    });
    if (summary.skipped) {
      say('--seed: the demo data is already there; nothing was added');
      return;
    }
    const { skipped: _skipped, ...counts } = summary;
    say(
      `--seed: loaded ${Object.entries(counts)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')}; demo accounts *@demo.spilno.local, password in ` +
        path.join(DATA, 'demo-password'),
    );
  } catch (e) {
    say(`--seed failed: ${(e as Error).message}`);
  }
}

function launch(deployable: Deployable, env: NodeJS.ProcessEnv): ManagedProcess {
  const [, ...args] = nodeCommand(deployable.entry);
  return new ManagedProcess(deployable.name, process.execPath, args, { cwd: ROOT, env });
}

/** Registers a child; if it dies while it should run, everything stops with exit code 1. */
function watch(child: ManagedProcess): void {
  children.push(child);
  void child.exited.then(({ code, signal }) => {
    if (!child.expectedToRun || shuttingDown) return;
    say(`${child.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
    void shutdown(null, 1);
  });
}

/** Reverse start order: gateway, then the services together, then MongoDB, then NATS. */
function shutdown(signal: NodeJS.Signals | null, exitCode: number): Promise<never> {
  if (shuttingDown) {
    if (signal && Date.now() - shutdownStartedAt > REPEAT_SIGNAL_MS) {
      say(`${signal} again: killing everything now`);
      children.forEach((c) => c.kill());
      process.exit(130);
    }
    return shuttingDown;
  }
  shutdownStartedAt = Date.now();
  shuttingDown = (async () => {
    if (signal) say(`${signal}: stopping`);
    const byName = (names: string[]) => children.filter((c) => names.includes(c.name));
    const waves = [
      byName([GATEWAY.name]),
      byName(SERVICES.map((s) => s.name)),
      byName(['mongo']),
      byName(['nats']),
    ];
    for (const wave of waves) await Promise.all(wave.map((c) => c.stop(STOP_GRACE_MS)));
    say('stopped');
    process.exit(exitCode);
  })();
  return shuttingDown;
}

function answers200(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

main().catch((e: unknown) => {
  say(
    e instanceof StartupError ? e.message : `failed: ${e instanceof Error ? e.stack : String(e)}`,
  );
  void shutdown(null, 1);
});
