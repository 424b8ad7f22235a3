/**
 * Opaque page cursors, base64url: the kind of list (first byte, so a cursor of one list is
 * refused by another), the sort value of the last item of a page (a double: a `seq`, or a time
 * in ms), and for time-ordered lists the last item's `_id` (ties). Pages continue strictly
 * after the position, so items inserted between two requests neither repeat nor skip older ones.
 */
import { Types } from 'mongoose';

export enum CursorKind {
  /** A campaign's ledger: `seq` ascending (unique per campaign: no id needed). */
  Ledger = 1,
  /** An initiative's campaigns: `createdAt` ascending, then `_id` ascending. */
  Campaigns = 2,
  /** A campaign's donations, newest first: `createdAt` descending, then `_id` descending. */
  Donations = 3,
  /** A campaign's in-kind pledges, newest first: `createdAt` descending, `_id` descending. */
  InKindPledges = 4,
}

export interface CursorPosition {
  value: number;
  id: Types.ObjectId | null;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const SHORT = 1 + 8;
const LONG = 1 + 8 + 12;

export function encodeCursor(kind: CursorKind, position: CursorPosition): string {
  const bytes = Buffer.alloc(position.id ? LONG : SHORT);
  bytes.writeUInt8(kind, 0);
  bytes.writeDoubleBE(position.value, 1);
  if (position.id) Buffer.from(position.id.id).copy(bytes, 9);
  return bytes.toString('base64url');
}

/** The position a cursor stands for; null when it is not a cursor of this kind. */
export function decodeCursor(kind: CursorKind, cursor: string): CursorPosition | null {
  if (!BASE64URL.test(cursor)) return null;
  const bytes = Buffer.from(cursor, 'base64url');
  const expected = kind === CursorKind.Ledger ? SHORT : LONG;
  if (bytes.length !== expected || bytes.readUInt8(0) !== kind) return null;
  // Re-encoding must give the same text: no trailing bits or padding variants pass.
  if (bytes.toString('base64url') !== cursor) return null;
  const value = bytes.readDoubleBE(1);
  if (!Number.isFinite(value) || value < 0) return null;
  if (kind === CursorKind.Ledger && !Number.isSafeInteger(value)) return null;
  return { value, id: expected === LONG ? new Types.ObjectId(bytes.subarray(9)) : null };
}
