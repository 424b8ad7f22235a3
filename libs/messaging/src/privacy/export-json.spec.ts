import mongoose, { Types } from 'mongoose';
import { exportable, exportRecord } from './export-json';

describe('exportable', () => {
  it('turns stored values into plain JSON', () => {
    const id = new Types.ObjectId();

    const json = exportable({
      _id: id,
      at: new Date('2025-03-01T10:00:00Z'),
      raw: new mongoose.mongo.Binary(Buffer.from('hi')),
      amount: Types.Decimal128.fromString('12.50'),
      nested: [{ ref: id, missing: undefined }],
    });

    expect(json).toEqual({
      _id: id.toHexString(),
      at: '2025-03-01T10:00:00.000Z',
      raw: Buffer.from('hi').toString('base64'),
      amount: '12.50',
      nested: [{ ref: id.toHexString(), missing: null }],
    });
  });
});

describe('exportRecord', () => {
  const document = {
    _id: new Types.ObjectId(),
    email: 'a@b.org',
    passwordHash: '$argon2id$...',
    sessions: { tokenHash: 'abc', createdAt: new Date(0) },
  };

  it('drops the declared secrets, also nested ones, and leaves the document untouched', () => {
    const record = exportRecord(document, { secrets: ['passwordHash', 'sessions.tokenHash'] });

    expect(record).toEqual({
      _id: document._id.toHexString(),
      email: 'a@b.org',
      sessions: { createdAt: '1970-01-01T00:00:00.000Z' },
    });
    expect(document.sessions.tokenHash).toBe('abc');
  });

  it('exports only the listed paths when told to', () => {
    expect(exportRecord(document, { only: ['email', 'sessions.createdAt', 'absent'] })).toEqual({
      email: 'a@b.org',
      sessions: { createdAt: '1970-01-01T00:00:00.000Z' },
    });
  });
});
