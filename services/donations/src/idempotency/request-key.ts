import { IDEMPOTENCY_WINDOW_MS, type Principal } from '@spilno/contracts';
import { sha256Hex } from '../common/sha256';

/**
 * Whose an `Idempotency-Key` is: the user id for signed-in callers; one shared `anonymous`
 * scope for callers without an account (an IP changes between a request and its retry, which
 * is when a key matters, and nothing else identifies them). Keys should therefore be
 * unguessable (a UUID): an anonymous client replaying another's key gets that pledge's answer,
 * which names no one.
 */
export function idempotencyScope(principal: Principal | null): string {
  return principal ? `user:${principal.userId}` : 'anonymous';
}

/** What "the same body" means: the request as normalised (defaults applied), hashed. */
export function requestHashOf(operation: string, request: readonly unknown[]): string {
  return sha256Hex(JSON.stringify([operation, ...request]));
}

/** Whether a key used at `at` is still answered with its first answer (24 hours). */
export function isKeyFresh(at: Date, now = Date.now()): boolean {
  return now - at.getTime() < IDEMPOTENCY_WINDOW_MS;
}
