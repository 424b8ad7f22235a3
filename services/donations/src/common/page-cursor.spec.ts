import { Types } from 'mongoose';
import { CursorKind, decodeCursor, encodeCursor } from './page-cursor';

describe('page cursors', () => {
  it('round-trips a seq and a time with an id, each only for its own list', () => {
    const id = new Types.ObjectId();
    const ledger = encodeCursor(CursorKind.Ledger, { value: 42, id: null });
    const donations = encodeCursor(CursorKind.Donations, { value: 1_700_000_000_000, id });

    expect(decodeCursor(CursorKind.Ledger, ledger)).toEqual({ value: 42, id: null });
    expect(decodeCursor(CursorKind.Donations, donations)).toEqual({ value: 1_700_000_000_000, id });
    expect(decodeCursor(CursorKind.Donations, ledger)).toBeNull();
    expect(decodeCursor(CursorKind.InKindPledges, donations)).toBeNull();
  });

  it.each([
    '',
    'abc',
    '!!!!',
    'AgAAAAAAAAAA',
    `${encodeCursor(CursorKind.Ledger, { value: 1, id: null })}A`,
  ])('refuses %p', (cursor) => {
    expect(decodeCursor(CursorKind.Ledger, cursor)).toBeNull();
  });

  it('refuses a seq that is not a whole number, and negative values', () => {
    expect(
      decodeCursor(CursorKind.Ledger, encodeCursor(CursorKind.Ledger, { value: 1.5, id: null })),
    ).toBeNull();
    expect(
      decodeCursor(CursorKind.Ledger, encodeCursor(CursorKind.Ledger, { value: -1, id: null })),
    ).toBeNull();
  });
});
