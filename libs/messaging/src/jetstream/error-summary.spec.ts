import {
  errorKind,
  errorSummary,
  isDatabaseUnavailable,
  isTransactionConflict,
} from './error-summary';

function mongoError(name: string, labels: string[] = []): Error {
  return Object.assign(new Error('boom'), { name, errorLabels: labels });
}

describe('error classification', () => {
  it('summarises an error without the objects attached to it', () => {
    const e = Object.assign(new Error('cannot apply'), { code: 'E1', document: { email: 'x' } });

    expect(errorSummary(e)).toEqual({ name: 'Error', code: 'E1', message: 'cannot apply' });
    expect(errorKind(e)).toEqual({ name: 'Error', code: 'E1' });
    expect(errorSummary('text')).toEqual({ name: 'unknown', message: 'text' });
  });

  it('treats an unreachable database as not the event’s fault', () => {
    expect(isDatabaseUnavailable(mongoError('MongoNetworkError'))).toBe(true);
    expect(isDatabaseUnavailable(mongoError('MongoServerSelectionError'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('handler bug'))).toBe(false);
  });

  it('recognises write conflicts and unknown commit outcomes by their labels', () => {
    expect(
      isTransactionConflict(mongoError('MongoServerError', ['TransientTransactionError'])),
    ).toBe(true);
    expect(
      isTransactionConflict(mongoError('MongoServerError', ['UnknownTransactionCommitResult'])),
    ).toBe(true);
    expect(isTransactionConflict(mongoError('MongoServerError'))).toBe(false);
    expect(isTransactionConflict(null)).toBe(false);
  });
});
