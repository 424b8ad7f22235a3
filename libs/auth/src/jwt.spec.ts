import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { DomainError, ErrorCode, Principal } from '@spilno/contracts';
import { loadConfig } from '@spilno/config';
import { AuthConfig } from './auth.config';
import { AccessTokenVerifier, signAccessToken } from './jwt';

const config = loadConfig(AuthConfig, {
  JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256!',
  JWT_ISSUER: 'spilno-users',
  JWT_AUDIENCE: 'spilno-api',
});
const key = new TextEncoder().encode(config.JWT_SECRET);

const principal: Principal = {
  userId: 'u1',
  roles: ['citizen'],
  memberships: [{ organizationId: 'orgA', role: 'coordinator' }],
};

function base64url(value: object | string): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Buffer.from(text).toString('base64url');
}

function validClaims(now = Math.floor(Date.now() / 1000)) {
  return {
    sub: 'u1',
    roles: ['citizen'],
    memberships: [],
    iss: config.JWT_ISSUER,
    aud: config.JWT_AUDIENCE,
    iat: now,
    exp: now + 900,
  };
}

async function rejection(token: string): Promise<DomainError> {
  const verifier = new AccessTokenVerifier(config);
  const error = await verifier.verify(token).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(ErrorCode.Unauthenticated);
  return error as DomainError;
}

describe('access tokens', () => {
  const verifier = new AccessTokenVerifier(config);

  it('round-trips a principal through sign and verify', async () => {
    const token = await signAccessToken(principal, config);
    await expect(verifier.verify(token)).resolves.toEqual(principal);
  });

  it('rejects a token signed with another secret', async () => {
    const other = { ...config, JWT_SECRET: 'another-secret-that-is-long-enough-for-hs256' };
    await rejection(await signAccessToken(principal, other));
  });

  it('rejects alg "none"', async () => {
    const token = `${base64url({ alg: 'none', typ: 'at+jwt' })}.${base64url(validClaims())}.`;
    await rejection(token);
  });

  it('rejects another algorithm even with the right key (HS512)', async () => {
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'HS512', typ: 'at+jwt' })
      .sign(key);
    await rejection(token);
  });

  it('rejects a hand-made HS256 token without the access-token type', async () => {
    const header = base64url({ alg: 'HS256', typ: 'JWT' });
    const body = base64url(validClaims());
    const signature = createHmac('sha256', config.JWT_SECRET)
      .update(`${header}.${body}`)
      .digest('base64url');
    await rejection(`${header}.${body}.${signature}`);
  });

  it('rejects a wrong issuer', async () => {
    await rejection(await signAccessToken(principal, { ...config, JWT_ISSUER: 'evil' }));
  });

  it('rejects a wrong audience', async () => {
    await rejection(await signAccessToken(principal, { ...config, JWT_AUDIENCE: 'other-api' }));
  });

  it('rejects an expired token, beyond the clock tolerance', async () => {
    const issued = new Date(Date.now() - (config.ACCESS_TOKEN_TTL_SECONDS + 10) * 1000);
    const error = await rejection(await signAccessToken(principal, config, issued));
    expect(error.message).toMatch(/expired/);
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    const issued = new Date(Date.now() - (config.ACCESS_TOKEN_TTL_SECONDS + 2) * 1000);
    await expect(
      verifier.verify(await signAccessToken(principal, config, issued)),
    ).resolves.toEqual(principal);
  });

  it('rejects a token that lives longer than the configured TTL', async () => {
    const longLived = { ...config, ACCESS_TOKEN_TTL_SECONDS: 86_400 };
    const issued = new Date(Date.now() - 3600 * 1000);
    await rejection(await signAccessToken(principal, longLived, issued));
  });

  it('rejects tokens without exp or sub', async () => {
    const { exp: _exp, ...noExp } = validClaims();
    const { sub: _sub, ...noSub } = validClaims();
    for (const claims of [noExp, noSub]) {
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .sign(key);
      await rejection(token);
    }
  });

  it('rejects claims that do not form a principal (unknown role, bad membership)', async () => {
    const bad = [
      { ...validClaims(), roles: ['superuser'] },
      { ...validClaims(), memberships: [{ organizationId: 'o', role: 'boss' }] },
      { ...validClaims(), memberships: 'orgA' },
    ];
    for (const claims of bad) {
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .sign(key);
      await rejection(token);
    }
  });

  it('refuses a secret shorter than 32 characters at boot', () => {
    expect(() => loadConfig(AuthConfig, { JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig(AuthConfig, {})).toThrow(/JWT_SECRET/);
  });
});
