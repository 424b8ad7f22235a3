import { DomainError, ErrorCode } from '@spilno/contracts';
import { FairHashingGate } from './hashing-gate';

/** A task that finishes when the test says so, recording the order in which tasks started. */
function controllable(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    task: () => {
      started.push(name);
      return done;
    },
    finish: () => finish(),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('FairHashingGate', () => {
  it('runs up to its concurrency at once and queues the rest', async () => {
    const gate = new FairHashingGate(2, 10);
    const started: string[] = [];
    const tasks = ['a1', 'a2', 'a3'].map((n) => controllable(started, n));
    const runs = tasks.map((t) => gate.run('a', t.task));
    await tick();
    expect(started).toEqual(['a1', 'a2']);
    expect(gate.load).toEqual({ running: 2, waiting: 1 });
    tasks[0]!.finish();
    await tick();
    expect(started).toEqual(['a1', 'a2', 'a3']);
    tasks.slice(1).forEach((t) => t.finish());
    await Promise.all(runs);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('serves a second client before the rest of a flooding client', async () => {
    const gate = new FairHashingGate(1, 10);
    const started: string[] = [];
    const flood = ['x1', 'x2', 'x3', 'x4'].map((n) => controllable(started, n));
    const runs = flood.map((t) => gate.run('198.51.100.7', t.task));
    const legit = controllable(started, 'legit');
    runs.push(gate.run('203.0.113.10', legit.task));
    await tick();
    expect(started).toEqual(['x1']);
    flood[0]!.finish();
    await tick();
    flood[1]!.finish();
    await tick();
    // x1 ran first; then x2 (first in turn order); then the legitimate client, not x3.
    expect(started).toEqual(['x1', 'x2', 'legit']);
    legit.finish();
    flood.slice(2).forEach((t) => t.finish());
    await tick();
    await tick();
    await Promise.all(runs);
  });

  it('refuses a client that already has its maximum waiting, and keeps serving the rest', async () => {
    const gate = new FairHashingGate(1, 2);
    const started: string[] = [];
    const first = controllable(started, 'x1');
    const runs = [gate.run('x', first.task)];
    const queued = ['x2', 'x3'].map((n) => controllable(started, n));
    runs.push(...queued.map((t) => gate.run('x', t.task)));
    const refused = gate.run('x', () => Promise.resolve());
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: ErrorCode.RateLimited, retryAfter: 1 });
    first.finish();
    queued.forEach((t) => t.finish());
    await tick();
    await tick();
    await Promise.all(runs);
    expect(started).toEqual(['x1', 'x2', 'x3']);
  });

  it('frees the slot when a task fails', async () => {
    const gate = new FairHashingGate(1, 1);
    await expect(gate.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run('a', () => Promise.resolve(7))).resolves.toBe(7);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });
});
