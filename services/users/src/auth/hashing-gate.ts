/**
 * Password hashing is the expensive step of sign-in and registration (argon2id: milliseconds
 * of a core and 19 MiB each). The throttle bounds how many attempts a client gets per window,
 * but admits them as fast as they arrive: 50 guesses from one address in the same second
 * would fill the hashing threads, and a legitimate sign-in would queue behind all of them.
 * This gate runs at most `concurrency` hashes at once and, when they are busy, serves the
 * waiting clients round-robin (one hash per client address in turn), so a flood from one
 * address delays anyone else by at most one hash per flooding address; and it refuses a
 * client's request outright when that client already has `maxQueuedPerClient` waiting.
 */
import { DomainError, ErrorCode } from '@spilno/contracts';

export class FairHashingGate {
  private running = 0;
  /** Waiting clients in turn order (a Map keeps insertion order); each with its own queue. */
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(
    private readonly concurrency: number,
    private readonly maxQueuedPerClient: number,
  ) {}

  /** Runs `task` when it is `client`'s turn; `rate_limited` if the client queues too much. */
  async run<T>(client: string, task: () => Promise<T>): Promise<T> {
    await this.turn(client);
    try {
      return await task();
    } finally {
      this.next();
    }
  }

  /** Hashes running now and requests waiting, for tests and metrics. */
  get load(): { running: number; waiting: number } {
    let waiting = 0;
    for (const queue of this.waiting.values()) waiting += queue.length;
    return { running: this.running, waiting };
  }

  private turn(client: string): Promise<void> {
    if (this.running < this.concurrency && this.waiting.size === 0) {
      this.running++;
      return Promise.resolve();
    }
    const queue = this.waiting.get(client) ?? [];
    if (queue.length >= this.maxQueuedPerClient) {
      return Promise.reject(
        new DomainError(
          ErrorCode.RateLimited,
          'too many sign-in attempts at once from this address; try again in a moment',
          undefined,
          1,
        ),
      );
    }
    this.waiting.set(client, queue);
    return new Promise((resolve) => queue.push(resolve));
  }

  /** A hash finished: the first client in turn order gets the slot, then goes to the back. */
  private next(): void {
    this.running--;
    const first = this.waiting.entries().next();
    if (first.done) return;
    const [client, queue] = first.value;
    const resume = queue.shift()!;
    this.waiting.delete(client);
    if (queue.length > 0) this.waiting.set(client, queue);
    this.running++;
    resume();
  }
}
