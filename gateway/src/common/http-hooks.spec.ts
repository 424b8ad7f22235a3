import { illFormedStringAt } from './http-hooks';

describe('illFormedStringAt', () => {
  it('accepts well-formed text, including astral characters and Ukrainian apostrophes', () => {
    expect(illFormedStringAt({ a: 'пʼять 😀', b: ['п’ять', { c: "п'ять" }], n: 1 })).toBeNull();
    expect(illFormedStringAt(null)).toBeNull();
  });

  it('names the first lone surrogate, in a value or a key', () => {
    expect(illFormedStringAt({ a: 'ok', b: ['x', { c: 'a\ud800' }] })).toBe('b.1.c');
    expect(illFormedStringAt({ ['k\udc00']: 'v' })).toBe('k\udc00');
    expect(illFormedStringAt('\ude00')).toBe('(body)');
  });
});
