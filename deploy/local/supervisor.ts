/**
 * Child processes for `npm start`: each in its own process group (so a terminal's Ctrl-C
 * reaches only the supervisor, which then stops them in order), output prefixed with its name,
 * stopped with SIGTERM and, after a grace period, SIGKILL.
 */
import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import readline from 'node:readline';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ManagedProcess {
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private stopping = false;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv; onLine?: (line: string) => void },
  ) {
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const prefix = `[${name}] `;
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (!stream) continue;
      readline.createInterface({ input: stream }).on('line', (line) => {
        process.stdout.write(prefix + line + '\n');
        options.onLine?.(line);
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
      this.child.once('error', () => resolve({ code: 127, signal: null }));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether it exited without being asked to. */
  get expectedToRun(): boolean {
    return !this.stopping;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs: number): Promise<Exit> {
    this.stopping = true;
    if (!this.running) return this.exited;
    this.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        process.stdout.write(`[start] ${this.name} did not stop in ${graceMs} ms: SIGKILL\n`);
        this.signal('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    return this.exited;
  }

  /** For the supervisor's own exit: no waiting, nothing left behind. */
  kill(): void {
    this.stopping = true;
    if (this.running) this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // Already gone between the check and the signal.
    }
  }
}

/** Whether a NATS server answers at host:port (it greets every connection with INFO). */
export function natsAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.toString('utf8').startsWith('INFO ')));
  });
}

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The preferred port when it is free, else any free one. */
export async function preferredPort(preferred: number, host = '127.0.0.1'): Promise<number> {
  return (await portIsFree(preferred, host)) ? preferred : freePort(host);
}

export async function poll(
  check: () => Promise<boolean>,
  options: { everyMs: number; withinMs: number; gaveUp?: () => Promise<boolean> },
): Promise<boolean> {
  const deadline = Date.now() + options.withinMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    if (options.gaveUp && (await options.gaveUp())) return false;
    await new Promise((resolve) => setTimeout(resolve, options.everyMs));
  }
  return false;
}
