/**
 * Who the caller is: the principal the gateway built from a verified access token (or null for
 * an anonymous donor), and the CASL ability of libs/auth built from it. Memberships in the
 * token are of verified organizations only, so the ability decides who acts for an
 * organization.
 */
import { AppAbility, defineAbilityFor } from '@spilno/auth';
import { DomainError, ErrorCode, type Principal, type RequestMeta } from '@spilno/contracts';

export interface Caller {
  /** Null for an anonymous caller. */
  principal: Principal | null;
  ability: AppAbility;
}

export function callerOf(meta: RequestMeta): Caller {
  const principal = meta.principal ?? null;
  if (principal !== null && !isPrincipal(principal)) {
    throw new DomainError(ErrorCode.Unauthenticated, 'the caller is not a valid principal');
  }
  return { principal, ability: defineAbilityFor(principal) };
}

/** The signed-in caller; the gateway's policy already refused anonymous ones for these. */
export function signedIn(caller: Caller): Principal {
  if (!caller.principal) throw new DomainError(ErrorCode.Unauthenticated, 'sign in to do this');
  return caller.principal;
}

function isPrincipal(value: unknown): value is Principal {
  const p = value as Partial<Principal>;
  return (
    typeof p === 'object' &&
    typeof p.userId === 'string' &&
    Array.isArray(p.roles) &&
    p.roles.every((r) => typeof r === 'string') &&
    Array.isArray(p.memberships) &&
    p.memberships.every(
      (m) =>
        typeof m === 'object' &&
        m !== null &&
        typeof m.organizationId === 'string' &&
        typeof m.role === 'string',
    )
  );
}
