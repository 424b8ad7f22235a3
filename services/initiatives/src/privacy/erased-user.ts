/**
 * What replaces a person's user id when their account is erased, in the records that stay for
 * aggregates (applications and their hours, votes, proposals, reports): a random pseudonym, the
 * same for all of one person's records in one erasure (so their votes stay one per proposal and
 * their applications one volunteer), and linked to nothing else.
 */
import { randomBytes } from 'node:crypto';
import type { ErasureContext } from '@spilno/messaging';

export const ERASED_USER_PREFIX = 'erased:';

const pseudonyms = new WeakMap<object, string>();

/** One pseudonym per erasure: the registry passes the same subject to every declaration. */
export function erasedUserId(context: ErasureContext): string {
  let pseudonym = pseudonyms.get(context.subject);
  if (!pseudonym) {
    pseudonym = `${ERASED_USER_PREFIX}${randomBytes(12).toString('hex')}`;
    pseudonyms.set(context.subject, pseudonym);
  }
  return pseudonym;
}

export function isErasedUserId(userId: string): boolean {
  return userId.startsWith(ERASED_USER_PREFIX);
}
