import { Sleeper, backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 2000 };

  it('grows exponentially from the initial delay', () => {
    for (let i = 0; i < 50; i++) {
      expect(backoffDelay(0, options)).toBeGreaterThanOrEqual(50);
      expect(backoffDelay(0, options)).toBeLessThanOrEqual(100);
      expect(backoffDelay(3, options)).toBeGreaterThanOrEqual(400);
      expect(backoffDelay(3, options)).toBeLessThanOrEqual(800);
    }
  });

  it('never exceeds the cap, even after very many attempts', () => {
    for (const attempt of [5, 10, 100, 10_000]) {
      expect(backoffDelay(attempt, options)).toBeLessThanOrEqual(2000);
      expect(backoffDelay(attempt, options)).toBeGreaterThanOrEqual(1000);
    }
  });
});

describe('Sleeper', () => {
  it('ends a sleep early when woken', async () => {
    const sleeper = new Sleeper();
    const started = Date.now();
    const sleeping = sleeper.sleep(10_000);
    sleeper.wake();
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('remembers a wake that came before the sleep', async () => {
    const sleeper = new Sleeper();
    sleeper.wake();
    const started = Date.now();
    await sleeper.sleep(10_000);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
