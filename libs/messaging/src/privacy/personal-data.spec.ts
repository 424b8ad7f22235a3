import { Types } from 'mongoose';
import {
  pathsToRemove,
  pseudonymisingUpdate,
  subjectFilter,
  userIdValues,
  type StoredDocument,
} from './personal-data';

const USER_ID = '665f1c2e9b1d4a3f8c7e6d5b';
const context = { subject: { userId: USER_ID }, erasedAt: new Date('2025-03-01T10:00:00Z') };

describe('subjectFilter', () => {
  it('matches a user id stored as an ObjectId or as its hex string', () => {
    const filter = subjectFilter({ path: 'donorId' }, { userId: USER_ID });

    expect(filter).toEqual({ donorId: { $in: [new Types.ObjectId(USER_ID), USER_ID] } });
  });

  it('matches any other id form as the string it is', () => {
    expect(userIdValues('not-an-object-id')).toEqual(['not-an-object-id']);
  });

  it('leaves a custom link to its declaration, which may find nothing', () => {
    const link = { filter: ({ email }: { email?: string }) => (email ? { key: email } : null) };

    expect(subjectFilter(link, { userId: USER_ID, email: 'a@b.org' })).toEqual({ key: 'a@b.org' });
    expect(subjectFilter(link, { userId: USER_ID })).toBeNull();
  });
});

describe('pathsToRemove', () => {
  const document = {
    _id: 1,
    donorName: 'Олена',
    amount: 100,
    envelope: { id: 'e1', data: { userId: USER_ID, displayName: 'Олена', profile: { a: 1 } } },
    tags: ['x'],
  };

  it('removes every path but the kept ones, descending into objects that hold kept paths', () => {
    const removed = pathsToRemove(document, ['amount', 'envelope.id', 'envelope.data.userId']);

    expect(removed.sort()).toEqual(
      ['donorName', 'envelope.data.displayName', 'envelope.data.profile', 'tags'].sort(),
    );
  });

  it('never removes _id, and keeps a whole subtree when its root is kept', () => {
    expect(pathsToRemove(document, ['envelope', 'tags', 'donorName', 'amount'])).toEqual([]);
  });

  it('removes a value in place of an object when a kept path expects one', () => {
    expect(pathsToRemove({ _id: 1, envelope: 'text' }, ['envelope.id'])).toEqual(['envelope']);
  });
});

describe('pseudonymisingUpdate', () => {
  const document: StoredDocument = { _id: 1, email: 'a@b.org', name: 'A', amount: 5 };

  it('sets the placeholders and unsets what is neither kept nor replaced', () => {
    const update = pseudonymisingUpdate(
      document,
      {
        action: 'pseudonymise',
        keep: ['amount'],
        replace: (_doc, { erasedAt }) => ({ email: 'erased@invalid', erasedAt }),
      },
      context,
    );

    expect(update).toEqual({
      $set: { email: 'erased@invalid', erasedAt: context.erasedAt },
      $unset: { name: '' },
    });
  });

  it('answers null when the document holds nothing to erase', () => {
    const kept = pseudonymisingUpdate(
      { _id: 1, amount: 5 },
      { action: 'pseudonymise', keep: ['amount'] },
      context,
    );

    expect(kept).toBeNull();
  });
});
