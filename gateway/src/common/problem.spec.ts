import { ErrorCode } from '@spilno/contracts';
import { errorCodeForStatus, httpMappingFor } from './problem';

describe('httpMappingFor', () => {
  it('maps every error code to a distinct HTTP status', () => {
    const statuses = Object.values(ErrorCode).map((code) => httpMappingFor(code).status);
    expect(new Set(statuses).size).toBe(statuses.length);
  });

  it.each([
    [ErrorCode.Validation, 400],
    [ErrorCode.Unauthenticated, 401],
    [ErrorCode.Forbidden, 403],
    [ErrorCode.NotFound, 404],
    [ErrorCode.Conflict, 409],
    [ErrorCode.PayloadTooLarge, 413],
    [ErrorCode.UnsupportedMediaType, 415],
    [ErrorCode.Unprocessable, 422],
    [ErrorCode.RateLimited, 429],
    [ErrorCode.Internal, 500],
    [ErrorCode.Unavailable, 503],
  ])('%s is %i, and back', (code, status) => {
    expect(httpMappingFor(code).status).toBe(status);
    expect(errorCodeForStatus(status)).toBe(code);
  });

  it('throws on a value outside the enum rather than guessing', () => {
    expect(() => httpMappingFor('teapot' as ErrorCode)).toThrow(/unmapped/);
  });
});
