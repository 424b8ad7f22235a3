/**
 * Opaque page cursors: the `_id` of the last item of a page, versioned and base64url-encoded.
 * Pages are ordered by `_id`, so a cursor stays valid, and no item repeats or goes missing,
 * when items are inserted between two requests.
 */
import { Types } from 'mongoose';
import { OrganizationsError, OrganizationsErrorCode } from './organizations.errors';

const VERSION = 'c1';
const DECODED = /^c1:([0-9a-f]{24})$/;

export function encodeCursor(lastId: Types.ObjectId): string {
  return Buffer.from(`${VERSION}:${lastId.toHexString()}`).toString('base64url');
}

/** The `_id` a cursor stands for; null when it is not one of ours. */
export function decodeCursor(cursor: string): Types.ObjectId | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const match = DECODED.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  return match?.[1] ? new Types.ObjectId(match[1]) : null;
}

/** Where a page starts: after the cursor's id, or at the beginning; `invalid_cursor` if bad. */
export function pageStart(cursor: string | undefined): Types.ObjectId | null {
  if (cursor === undefined) return null;
  const after = decodeCursor(cursor);
  if (!after) throw new OrganizationsError(OrganizationsErrorCode.InvalidCursor);
  return after;
}

/** Splits a `limit + 1` fetch into the page and the cursor of the next one. */
export function toPage<T extends { _id: Types.ObjectId }>(
  rows: T[],
  limit: number,
): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(last._id) : null };
}
