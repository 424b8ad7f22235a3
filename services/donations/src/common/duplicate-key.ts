/**
 * Whether an error is MongoDB's duplicate key (E11000) on a unique index over `field`: how a
 * second use of an idempotency key or of an external reference is decided, by the index rather
 * than by a read before the insert. Both servers name the index's key pattern (`keyPattern`);
 * the message names the index too, for errors that lost it on the way (a commit's error).
 */
export function isDuplicateKeyOn(error: unknown, field: string): boolean {
  const e = error as { code?: unknown; keyPattern?: Record<string, unknown>; message?: unknown };
  if (typeof e !== 'object' || e === null || e.code !== 11000) return false;
  if (e.keyPattern) return field in e.keyPattern;
  return typeof e.message === 'string' && e.message.includes(field);
}
