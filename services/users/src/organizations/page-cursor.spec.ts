import { Types } from 'mongoose';
import { ErrorCode } from '@spilno/contracts';
import { decodeCursor, encodeCursor, pageStart, toPage } from './page-cursor';

describe('page cursors', () => {
  it('round-trips an id through an opaque base64url string', () => {
    const id = new Types.ObjectId();

    const cursor = encodeCursor(id);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(id.toHexString());
    expect(decodeCursor(cursor)?.equals(id)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['a raw id', new Types.ObjectId().toHexString()],
    ['not base64url', 'a+b/c='],
    ['another version', Buffer.from(`c2:${'a'.repeat(24)}`).toString('base64url')],
    ['an operator', '{"$gt":""}'],
  ])('refuses %s', (_case, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });

  it('answers a next cursor only when there is more than a page', () => {
    const rows = [1, 2, 3].map(() => ({ _id: new Types.ObjectId() }));

    expect(toPage(rows, 3)).toEqual({ rows, nextCursor: null });
    const page = toPage(rows, 2);
    expect(page.rows).toEqual(rows.slice(0, 2));
    expect(decodeCursor(page.nextCursor ?? '')?.equals(rows[1]._id)).toBe(true);
  });

  it('starts a page at the beginning without a cursor, and refuses a bad one as invalid input', () => {
    const id = new Types.ObjectId();

    expect(pageStart(undefined)).toBeNull();
    expect(pageStart(encodeCursor(id))?.equals(id)).toBe(true);
    expect(() => pageStart('bad')).toThrow(
      expect.objectContaining({
        code: ErrorCode.Validation,
        errors: [expect.objectContaining({ field: 'cursor' })],
      }),
    );
  });
});
