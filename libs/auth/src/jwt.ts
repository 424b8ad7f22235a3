/**
 * Access tokens: JWTs signed with HS256, the algorithm pinned on both sides, `typ: at+jwt`
 * (RFC 9068) so no other JWT of ours passes as an access token, `iss`, `aud`, `exp` and `iat`
 * required, small clock tolerance (RFC 8725). The claims carry the principal; anything that does
 * not parse into one is rejected, never partly trusted.
 */
import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { JWTPayload } from 'jose';
import { DomainError, ErrorCode, Membership, Principal, Role } from '@spilno/contracts';
import { AuthConfig } from './auth.config';

export const ACCESS_TOKEN_ALG = 'HS256';
export const ACCESS_TOKEN_TYP = 'at+jwt';

const ROLES: readonly Role[] = ['citizen', 'researcher', 'admin'];
const ORGANIZATION_ROLES: readonly Membership['role'][] = ['owner', 'coordinator'];

const encoder = new TextEncoder();

interface AccessTokenClaims extends JWTPayload {
  roles: Role[];
  memberships: Membership[];
  /**
   * When it was issued, in milliseconds: `iat` has whole seconds, too coarse to tell a token
   * issued just before a change of the person's roles from one issued just after it.
   */
  iat_ms: number;
}

/** Issues an access token for a principal. The users service signs with it; tests too. */
export async function signAccessToken(
  principal: Principal,
  config: AuthConfig,
  now: Date = new Date(),
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const claims: AccessTokenClaims = {
    iat_ms: now.getTime(),
    roles: principal.roles,
    memberships: principal.memberships.map(({ organizationId, role }) => ({
      organizationId,
      role,
    })),
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP })
    .setSubject(principal.userId)
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + config.ACCESS_TOKEN_TTL_SECONDS)
    .setJti(randomUUID())
    .sign(encoder.encode(config.JWT_SECRET));
}

/** A verified access token: its principal, and when it was issued (for revocation checks). */
export interface VerifiedAccessToken {
  principal: Principal;
  /** Milliseconds since the epoch: the `iat_ms` claim, or `iat` (whole seconds) without it. */
  issuedAtMs: number;
}

/** Verifies access tokens; every failure is `DomainError(unauthenticated)` with a safe reason. */
export class AccessTokenVerifier {
  private readonly key: Uint8Array;

  constructor(private readonly config: AuthConfig) {
    this.key = encoder.encode(config.JWT_SECRET);
  }

  async verify(token: string): Promise<Principal> {
    return (await this.verifyToken(token)).principal;
  }

  async verifyToken(token: string): Promise<VerifiedAccessToken> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: [ACCESS_TOKEN_ALG],
        typ: ACCESS_TOKEN_TYP,
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
        clockTolerance: this.config.JWT_CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'iat', 'exp'],
        // A token minted with a longer life than ours (a misconfigured issuer) is refused too.
        maxTokenAge: this.config.ACCESS_TOKEN_TTL_SECONDS + this.config.JWT_CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (e) {
      throw new DomainError(ErrorCode.Unauthenticated, reasonFor(e));
    }
    const principal = toPrincipal(payload);
    // jwtVerify has checked that `iat` is a number (requiredClaims).
    if (!principal || typeof payload.iat !== 'number') {
      throw new DomainError(ErrorCode.Unauthenticated, 'the access token is invalid');
    }
    const { iat_ms: issuedAtMs } = payload as Partial<AccessTokenClaims>;
    return {
      principal,
      issuedAtMs:
        typeof issuedAtMs === 'number' && Number.isFinite(issuedAtMs)
          ? issuedAtMs
          : payload.iat * 1000,
    };
  }
}

function reasonFor(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'the access token has expired';
  return 'the access token is invalid';
}

function toPrincipal(payload: JWTPayload): Principal | null {
  const { sub, roles, memberships } = payload as Partial<AccessTokenClaims>;
  if (typeof sub !== 'string' || sub.length === 0) return null;
  if (!Array.isArray(roles) || !roles.every((r) => ROLES.includes(r))) return null;
  if (!Array.isArray(memberships) || !memberships.every(isMembership)) return null;
  return {
    userId: sub,
    roles: [...roles],
    memberships: memberships.map(({ organizationId, role }) => ({ organizationId, role })),
  };
}

function isMembership(m: unknown): m is Membership {
  if (typeof m !== 'object' || m === null) return false;
  const { organizationId, role } = m as Partial<Membership>;
  return (
    typeof organizationId === 'string' &&
    organizationId.length > 0 &&
    role !== undefined &&
    ORGANIZATION_ROLES.includes(role)
  );
}
