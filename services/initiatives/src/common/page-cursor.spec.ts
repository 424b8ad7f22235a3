import { Types } from 'mongoose';
import { CursorKind, decodeCursor, encodeCursor } from './page-cursor';

describe('page cursors', () => {
  const id = new Types.ObjectId('665f1c2e9b1d4a3f8c7e6d5b');

  it('round-trips a time and an id, and a fractional distance exactly', () => {
    const ranked = encodeCursor(CursorKind.Ranked, { value: 1_750_000_000_123, id });
    const near = encodeCursor(CursorKind.Distance, { value: 1234.5678901234567, id });

    expect(decodeCursor(CursorKind.Ranked, ranked)).toEqual({ value: 1_750_000_000_123, id });
    expect(decodeCursor(CursorKind.Distance, near)?.value).toBe(1234.5678901234567);
    expect(ranked).toMatch(/^[A-Za-z0-9_-]{28}$/);
  });

  it('refuses a cursor of another list', () => {
    const ranked = encodeCursor(CursorKind.Ranked, { value: 1, id });

    expect(decodeCursor(CursorKind.Distance, ranked)).toBeNull();
    expect(decodeCursor(CursorKind.Schedule, ranked)).toBeNull();
  });

  it('refuses malformed cursors', () => {
    const valid = encodeCursor(CursorKind.Ranked, { value: 1, id });
    const nan = Buffer.alloc(21);
    nan.writeUInt8(CursorKind.Ranked, 0);
    nan.writeDoubleBE(Number.NaN, 1);
    const negative = Buffer.alloc(21);
    negative.writeUInt8(CursorKind.Distance, 0);
    negative.writeDoubleBE(-1, 1);

    for (const bad of [
      '',
      'abc',
      `${valid}A`,
      valid.slice(0, -1),
      `${valid.slice(0, -1)}=`,
      'not a cursor!',
      Buffer.from('{"$gt":1}').toString('base64url'),
      nan.toString('base64url'),
    ]) {
      expect(decodeCursor(CursorKind.Ranked, bad)).toBeNull();
    }
    expect(decodeCursor(CursorKind.Distance, negative.toString('base64url'))).toBeNull();
  });
});
