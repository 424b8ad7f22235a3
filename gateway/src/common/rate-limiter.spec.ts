import { TokenBucketLimiter } from './rate-limiter';

describe('TokenBucketLimiter', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 0;
  });

  it('allows a burst, then refuses with the wait until the next token', () => {
    const limiter = new TokenBucketLimiter(3, 60, 100, now);
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('refills at the per-minute rate', () => {
    const limiter = new TokenBucketLimiter(1, 6, 100, now);
    expect(limiter.take('a').allowed).toBe(true);
    const refused = limiter.take('a');
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 10 });
    clock += 9_000;
    expect(limiter.take('a').allowed).toBe(false);
    clock += 1_000;
    expect(limiter.take('a').allowed).toBe(true);
  });

  it('keeps clients apart', () => {
    const limiter = new TokenBucketLimiter(1, 60, 100, now);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('bounds memory: evicts the least recently seen key, sweeps full buckets', () => {
    const limiter = new TokenBucketLimiter(2, 60, 2, now);
    limiter.take('a');
    limiter.take('b');
    limiter.take('a');
    limiter.take('c');
    expect(limiter.size).toBe(2);
    clock += 60_000;
    limiter.sweep();
    expect(limiter.size).toBe(0);
  });
});
