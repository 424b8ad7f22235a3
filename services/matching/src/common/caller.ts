/**
 * Who the caller is: the principal the gateway built from a verified access token, and the CASL
 * ability of libs/auth built from it.
 */
import { AppAbility, defineAbilityFor } from '@spilno/auth';
import { DomainError, ErrorCode, type Principal, type RequestMeta } from '@spilno/contracts';

export interface Caller {
  principal: Principal;
  ability: AppAbility;
}

/** Every matching request is personal: a signed-in caller, or `unauthenticated`. */
export function signedInCaller(meta: RequestMeta): Caller {
  const principal = meta.principal ?? null;
  if (principal === null) throw new DomainError(ErrorCode.Unauthenticated, 'sign in to do this');
  if (!isPrincipal(principal)) {
    throw new DomainError(ErrorCode.Unauthenticated, 'the caller is not a valid principal');
  }
  return { principal, ability: defineAbilityFor(principal) };
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
