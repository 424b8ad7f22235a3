/**
 * Which access tokens the gateway refuses although they are valid: per person, the latest
 * moment their tokens stopped telling the truth (erased; roles or memberships changed). Held
 * in memory, fed from the event stream (`revocation-feed.ts`), and forgotten once every token
 * issued before it has expired anyway.
 *
 * Tokens carry their issue time in milliseconds (`iat_ms`; `iat` has whole seconds, which
 * would refuse a token refreshed in the same second as the change). A token is accepted only
 * when issued strictly after the revocation; the revocation time is taken inside the
 * transaction that made the change, and a token is signed after reading committed data.
 */
import { Injectable } from '@nestjs/common';
import type { AccessRevocation } from '@spilno/auth';

export type RevocationReason = 'erased' | 'access-changed';

interface Revocation {
  /** Milliseconds since the epoch. */
  at: number;
  reason: RevocationReason;
}

const MESSAGES: Record<RevocationReason, string> = {
  erased: 'the account was deleted; this access token is no longer valid',
  'access-changed':
    'your roles or memberships changed since this access token was issued; refresh it',
};

@Injectable()
export class AccessRevocations implements AccessRevocation {
  private readonly revoked = new Map<string, Revocation>();

  get size(): number {
    return this.revoked.size;
  }

  /** Tokens of `userId` issued up to `at` are refused; an erasure outranks a change. */
  revoke(userId: string, at: Date, reason: RevocationReason): void {
    const previous = this.revoked.get(userId);
    const latest = Math.max(previous?.at ?? 0, at.getTime());
    const strongest = previous?.reason === 'erased' ? 'erased' : reason;
    this.revoked.set(userId, { at: latest, reason: strongest });
  }

  revocationOf(userId: string, issuedAtMs: number): string | null {
    const revocation = this.revoked.get(userId);
    if (!revocation || issuedAtMs > revocation.at) return null;
    return MESSAGES[revocation.reason];
  }

  /** Forgets revocations older than `before`: every token issued before them has expired. */
  forgetBefore(before: Date): void {
    for (const [userId, { at }] of this.revoked) {
      if (at < before.getTime()) this.revoked.delete(userId);
    }
  }
}
