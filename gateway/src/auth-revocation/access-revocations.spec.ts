import type { ExecutionContext } from '@nestjs/common';
import {
  AccessTokenVerifier,
  AuthConfig,
  AuthenticatedRequest,
  AuthenticationGuard,
  signAccessToken,
} from '@spilno/auth';
import { DomainError, ErrorCode, EventSubjects, Principal } from '@spilno/contracts';
import { loadConfig } from '@spilno/config';
import { AccessRevocations } from './access-revocations';
import { revocationIn } from './revocation-feed';

const REVOKED_AT = new Date('2025-03-01T10:00:00.400Z');
const AT = REVOKED_AT.getTime();

describe('AccessRevocations', () => {
  it('refuses tokens issued up to the revocation, to the millisecond; accepts later ones', () => {
    const revocations = new AccessRevocations();
    revocations.revoke('u1', REVOKED_AT, 'access-changed');

    expect(revocations.revocationOf('u1', AT - 1000)).toMatch(/refresh/);
    expect(revocations.revocationOf('u1', AT)).toMatch(/refresh/);
    // Refreshed a millisecond after the change, in the same second: a good token.
    expect(revocations.revocationOf('u1', AT + 1)).toBeNull();
    expect(revocations.revocationOf('someone-else', AT - 1000)).toBeNull();
  });

  it('keeps the latest revocation, and an erasure outranks a later change', () => {
    const revocations = new AccessRevocations();
    revocations.revoke('u1', REVOKED_AT, 'erased');
    revocations.revoke('u1', new Date(REVOKED_AT.getTime() - 60_000), 'access-changed');
    revocations.revoke('u1', new Date(REVOKED_AT.getTime() + 5000), 'access-changed');

    expect(revocations.revocationOf('u1', AT + 4000)).toMatch(/deleted/);
    expect(revocations.revocationOf('u1', AT + 5001)).toBeNull();
  });

  it('forgets revocations older than every live token', () => {
    const revocations = new AccessRevocations();
    revocations.revoke('old', new Date(REVOKED_AT.getTime() - 10_000), 'erased');
    revocations.revoke('new', REVOKED_AT, 'erased');

    revocations.forgetBefore(new Date(REVOKED_AT.getTime() - 1000));

    expect(revocations.size).toBe(1);
    expect(revocations.revocationOf('new', AT)).not.toBeNull();
  });
});

describe('revocationIn', () => {
  const message = (subject: string, body: unknown) => ({
    subject,
    data: new TextEncoder().encode(JSON.stringify(body)),
  });

  it('reads who and since when, the later of the event’s times', () => {
    const revocation = revocationIn(
      message(EventSubjects.users.userErased, {
        occurredAt: '2025-03-01T10:00:00.500Z',
        data: { userId: 'u1', erasedAt: '2025-03-01T10:00:00.400Z' },
      }),
    );

    expect(revocation).toEqual({
      userId: 'u1',
      at: new Date('2025-03-01T10:00:00.500Z'),
      reason: 'erased',
    });
  });

  it('ignores events of other subjects, without a user, or that do not parse', () => {
    const data = { occurredAt: REVOKED_AT.toISOString(), data: { userId: 'u1' } };

    expect(revocationIn(message(EventSubjects.users.userRegistered, data))).toBeNull();
    expect(revocationIn(message(EventSubjects.users.rolesChanged, { data: {} }))).toBeNull();
    expect(
      revocationIn({ subject: EventSubjects.users.membershipRemoved, data: new Uint8Array([1]) }),
    ).toBeNull();
  });
});

describe('AuthenticationGuard with access revocation', () => {
  const config = loadConfig(AuthConfig, { JWT_SECRET: 'revocation-spec-secret-long-enough-hs256' });
  const principal: Principal = { userId: 'u1', roles: ['citizen'], memberships: [] };

  function contextWith(token: string): {
    context: ExecutionContext;
    request: AuthenticatedRequest;
  } {
    const request: AuthenticatedRequest = { headers: { authorization: `Bearer ${token}` } };
    const context = {
      switchToHttp: () => ({ getRequest: () => request }),
    } as unknown as ExecutionContext;
    return { context, request };
  }

  it('refuses a valid token issued before the revocation with 401 and the reason', async () => {
    const revocations = new AccessRevocations();
    const guard = new AuthenticationGuard(new AccessTokenVerifier(config), revocations);
    const issued = new Date();
    const { context, request } = contextWith(await signAccessToken(principal, config, issued));
    revocations.revoke('u1', new Date(issued.getTime() + 1), 'erased');

    const error = await guard.canActivate(context).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: ErrorCode.Unauthenticated, message: /deleted/ });
    expect(request.principal).toBeUndefined();
  });

  it('admits tokens of people nobody revoked', async () => {
    const guard = new AuthenticationGuard(new AccessTokenVerifier(config), new AccessRevocations());
    const { context, request } = contextWith(await signAccessToken(principal, config));

    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.principal).toEqual(principal);
  });
});
