/**
 * Two global guards, in this order: `AuthenticationGuard` turns `Authorization: Bearer` into a
 * principal (or none: anonymous), `PoliciesGuard` checks the route's `@Policy`. Both leave what
 * they learned on the request for `@CurrentPrincipal()` and later handlers.
 */
import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Inject,
  Injectable,
  Optional,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, ErrorCode, Principal } from '@spilno/contracts';
import { AppAbility, defineAbilityFor } from './ability';
import { AccessTokenVerifier } from './jwt';
import { POLICY_KEY, PolicyCheck } from './policy';

/** What the guards add to the HTTP request object. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal | null;
  ability?: AppAbility;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * Refuses valid tokens that no longer tell the truth (the person was erased, their roles or
 * memberships changed). Provide it under `ACCESS_REVOCATION`; without one, every valid token
 * passes until it expires.
 */
export interface AccessRevocation {
  /** Why a token of `userId` issued at `issuedAtMs` must be refused, or null. */
  revocationOf(userId: string, issuedAtMs: number): string | null;
}

export const ACCESS_REVOCATION = Symbol('ACCESS_REVOCATION');

@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    @Optional()
    @Inject(ACCESS_REVOCATION)
    private readonly revocation: AccessRevocation | null = null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (header === undefined) {
      request.principal = null;
      return true;
    }
    // A token that is sent but bad is an error even on public routes: the client must refresh
    // it, not silently be treated as anonymous.
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match?.[1]) {
      throw new DomainError(ErrorCode.Unauthenticated, 'expected "Authorization: Bearer <token>"');
    }
    const { principal, issuedAtMs } = await this.verifier.verifyToken(match[1]);
    const revoked = this.revocation?.revocationOf(principal.userId, issuedAtMs) ?? null;
    if (revoked) throw new DomainError(ErrorCode.Unauthenticated, revoked);
    request.principal = principal;
    return true;
  }
}

@Injectable()
export class PoliciesGuard implements CanActivate {
  /** Routes' policies never change at run time: read once per handler, not per request. */
  private readonly policies = new WeakMap<object, PolicyCheck[] | undefined>();

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const checks = this.policiesOf(context);
    if (!checks?.length) {
      throw new DomainError(ErrorCode.Forbidden, 'this route declares no access policy');
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = request.principal ?? null;
    const ability = principal ? defineAbilityFor(principal) : anonymousAbility();
    request.ability = ability;
    if (checks.every((check) => check(ability, principal))) return true;
    if (!principal) throw new DomainError(ErrorCode.Unauthenticated, 'sign in to do this');
    throw new DomainError(ErrorCode.Forbidden, 'you are not allowed to do this');
  }

  private policiesOf(context: ExecutionContext): PolicyCheck[] | undefined {
    const handler = context.getHandler();
    if (this.policies.has(handler)) return this.policies.get(handler);
    const checks = this.reflector.getAllAndOverride<PolicyCheck[] | undefined>(POLICY_KEY, [
      handler,
      context.getClass(),
    ]);
    this.policies.set(handler, checks);
    return checks;
  }
}

let anonymous: AppAbility | undefined;

/** An anonymous caller's rules never change: built once, not on every public request. */
function anonymousAbility(): AppAbility {
  return (anonymous ??= defineAbilityFor(null));
}

/** The verified principal of the request, or null for an anonymous caller. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | null =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal ?? null,
);
