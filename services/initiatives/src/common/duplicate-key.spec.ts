import { isDuplicateKeyOn } from './duplicate-key';

describe('isDuplicateKeyOn', () => {
  it('recognises E11000 on an index over the field, by key pattern or message', () => {
    expect(isDuplicateKeyOn({ code: 11000, keyPattern: { taskId: 1, userId: 1 } }, 'taskId')).toBe(
      true,
    );
    expect(
      isDuplicateKeyOn(
        { code: 11000, message: 'E11000 duplicate key error index: proposalId_1_userId_1' },
        'proposalId',
      ),
    ).toBe(true);
  });

  it('refuses other indexes, other errors and non-errors', () => {
    expect(isDuplicateKeyOn({ code: 11000, keyPattern: { userId: 1, key: 1 } }, 'taskId')).toBe(
      false,
    );
    expect(isDuplicateKeyOn({ code: 112, keyPattern: { taskId: 1 } }, 'taskId')).toBe(false);
    expect(isDuplicateKeyOn(null, 'taskId')).toBe(false);
    expect(isDuplicateKeyOn('E11000', 'taskId')).toBe(false);
  });
});
