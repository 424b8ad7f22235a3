/**
 * Sign-in throttling, checked before any password hashing (argon2 costs ~50 ms of a core, so
 * unthrottled guessing burns the CPU). Fixed windows counted in MongoDB, so every replica of the
 * service shares the counts and a restart forgets nothing. Attempts are counted, not failures:
 * the count is taken atomically before hashing, so a burst of parallel guesses cannot slip
 * through before the first one fails. A successful sign-in clears the account's count.
 */
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@spilno/contracts';
import { UsersConfig } from '../config/users.config';
import { SignInAttemptsRepository } from './sign-in-attempts.repository';

export type ThrottleScope = 'account' | 'ip';

@Injectable()
export class SignInThrottle {
  constructor(
    private readonly attempts: SignInAttemptsRepository,
    private readonly config: UsersConfig,
  ) {}

  /** Counts an attempt for each key; throws `rate_limited` when any is over its limit. */
  async admit(keys: { scope: ThrottleScope; key: string }[], now = Date.now()): Promise<void> {
    const windowMs = this.config.LOGIN_WINDOW_SECONDS * 1000;
    const windowIndex = Math.floor(now / windowMs);
    const windowEnd = (windowIndex + 1) * windowMs;
    const counts = await Promise.all(
      keys.map(({ scope, key }) =>
        this.attempts.increment(counterId(scope, key, windowIndex), new Date(windowEnd)),
      ),
    );
    const over = keys.some(({ scope }, i) => counts[i] > this.limit(scope));
    if (over) {
      throw new DomainError(
        ErrorCode.RateLimited,
        'too many sign-in attempts; try again later',
        undefined,
        Math.max(1, Math.ceil((windowEnd - now) / 1000)),
      );
    }
  }

  /** Forgets the attempts of this window for a key (after a successful sign-in). */
  reset(scope: ThrottleScope, key: string, now = Date.now()): Promise<void> {
    const windowIndex = Math.floor(now / (this.config.LOGIN_WINDOW_SECONDS * 1000));
    return this.attempts.reset(counterId(scope, key, windowIndex));
  }

  private limit(scope: ThrottleScope): number {
    return scope === 'account'
      ? this.config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT
      : this.config.LOGIN_MAX_ATTEMPTS_PER_IP;
  }
}

/** `<scope>:<sha256 of the key>:`: every window's counter of one key starts with this. */
export function counterPrefix(scope: ThrottleScope, key: string): string {
  return `${scope}:${createHash('sha256').update(key).digest('hex')}:`;
}

function counterId(scope: ThrottleScope, key: string, windowIndex: number): string {
  return `${counterPrefix(scope, key)}${windowIndex}`;
}
