/**
 * Capped exponential backoff with full jitter: retries after an outage spread out instead of
 * stampeding the server the moment it is back, and no wait grows beyond `maxMs`.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export function backoffDelay(attempt: number, { initialMs, maxMs }: BackoffOptions): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** A sleep that `wake()` cuts short, so a stopping loop or a new record need not wait it out. */
export class Sleeper {
  private pending: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  private woken = false;

  sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending = null;
        resolve();
      }, ms);
      this.pending = { timer, resolve };
    });
  }

  /** Ends the current sleep, or makes the next one return at once. */
  wake(): void {
    const pending = this.pending;
    if (!pending) {
      this.woken = true;
      return;
    }
    this.pending = null;
    clearTimeout(pending.timer);
    pending.resolve();
  }
}
