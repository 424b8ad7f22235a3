import { Types } from 'mongoose';
import { OBJECT_ID_PATTERN } from '@spilno/contracts';

/**
 * A client-supplied id as an ObjectId; null when it cannot be one (then it names nothing).
 * `ObjectId.isValid` also accepts any 12-character string; ids here are 24 hex digits.
 */
export function parseObjectId(id: string): Types.ObjectId | null {
  return OBJECT_ID_PATTERN.test(id) ? new Types.ObjectId(id) : null;
}
