import type { IncomingMessage } from 'node:http';
import { requestIdFor } from './request-id';

const withHeader = (value?: string | string[]) =>
  ({ headers: value === undefined ? {} : { 'x-request-id': value } }) as IncomingMessage;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFor', () => {
  it('echoes a sane client id', () => {
    expect(requestIdFor(withHeader('client-123_abc.def:9'))).toBe('client-123_abc.def:9');
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'a b'],
    ['with a line break', 'a\nfake log line'],
    ['non-ASCII', 'запит-1'],
    ['repeated header', ['a', 'b']],
  ])('generates a UUID when the client id is %s', (_case, value) => {
    expect(requestIdFor(withHeader(value))).toMatch(UUID);
  });
});
