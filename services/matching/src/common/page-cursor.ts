/**
 * Opaque page cursors of the notification inbox: the `createdAt` (ms) and `_id` of the last
 * item, packed into 20 bytes and base64url-encoded. Pages continue strictly after that
 * position (newest first), so a notification arriving between two requests never repeats an
 * item nor hides an older one.
 */
import { Types } from 'mongoose';

export interface CursorPosition {
  value: number;
  id: Types.ObjectId;
}

const LENGTH = 8 + 12;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(position: CursorPosition): string {
  const bytes = Buffer.alloc(LENGTH);
  bytes.writeDoubleBE(position.value, 0);
  Buffer.from(position.id.id).copy(bytes, 8);
  return bytes.toString('base64url');
}

/** The position a cursor stands for; null when it is not one of ours. */
export function decodeCursor(cursor: string): CursorPosition | null {
  if (!BASE64URL.test(cursor)) return null;
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length !== LENGTH || bytes.toString('base64url') !== cursor) return null;
  const value = bytes.readDoubleBE(0);
  if (!Number.isFinite(value)) return null;
  return { value, id: new Types.ObjectId(bytes.subarray(8)) };
}
