/**
 * Opaque page cursors: the sort key of the last item of a page (a number: a time in ms or a
 * distance in metres) and its `_id`, packed into 21 bytes and base64url-encoded. The first byte
 * says which order the cursor belongs to, so a cursor of one list is refused by another.
 *
 * Pages continue strictly after `(value, _id)` in their order, so an item inserted between two
 * requests shows up only if it sorts after the cursor, and no item repeats or goes missing.
 */
import { Types } from 'mongoose';

export enum CursorKind {
  /** Initiatives, newest first: `rankedAt` descending, then `_id` descending. */
  Ranked = 1,
  /** Initiatives near a point: distance in metres ascending, then `_id` ascending. */
  Distance = 2,
  /** Tasks of an initiative: `startsAt` ascending, then `_id` ascending. */
  Schedule = 3,
  /** Applications of a task, the queue: `createdAt` ascending, then `_id` ascending. */
  ApplicationQueue = 4,
  /** The caller's applications, newest first: `createdAt` descending, then `_id` descending. */
  MyApplications = 5,
  /** Proposals, newest first: `createdAt` descending, then `_id` descending. */
  ProposalsNew = 6,
  /** Proposals, most voted first: `votes` descending, then `_id` descending. */
  ProposalsVotes = 7,
  /** Reports, newest first: `createdAt` descending, then `_id` descending. */
  Reports = 8,
}

export interface CursorPosition {
  value: number;
  id: Types.ObjectId;
}

const LENGTH = 1 + 8 + 12;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(kind: CursorKind, position: CursorPosition): string {
  const bytes = Buffer.alloc(LENGTH);
  bytes.writeUInt8(kind, 0);
  bytes.writeDoubleBE(position.value, 1);
  Buffer.from(position.id.id).copy(bytes, 9);
  return bytes.toString('base64url');
}

/** The position a cursor stands for; null when it is not a cursor of this kind. */
export function decodeCursor(kind: CursorKind, cursor: string): CursorPosition | null {
  if (!BASE64URL.test(cursor)) return null;
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length !== LENGTH || bytes.readUInt8(0) !== kind) return null;
  // Re-encoding must give the same text: no trailing bits or padding variants pass.
  if (bytes.toString('base64url') !== cursor) return null;
  const value = bytes.readDoubleBE(1);
  if (!Number.isFinite(value) || (kind === CursorKind.Distance && value < 0)) return null;
  return { value, id: new Types.ObjectId(bytes.subarray(9)) };
}
