import {
  hashRefreshToken,
  newRefreshToken,
  openSuccessor,
  sealSuccessor,
} from './refresh-token-crypto';

describe('refresh token crypto', () => {
  it('makes 256-bit base64url tokens, different each time', () => {
    const a = newRefreshToken();

    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newRefreshToken()).not.toBe(a);
    expect(hashRefreshToken(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('opens a sealed successor only with the spent token it was sealed under', () => {
    const spent = newRefreshToken();
    const successor = newRefreshToken();
    const sealed = sealSuccessor(spent, successor);

    expect(sealed).not.toContain(successor);
    expect(openSuccessor(spent, sealed)).toBe(successor);
    expect(openSuccessor(newRefreshToken(), sealed)).toBeNull();
    expect(openSuccessor(spent, 'garbage')).toBeNull();
  });
});
