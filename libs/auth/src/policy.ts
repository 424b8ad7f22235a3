/**
 * The coarse per-route policy the gateway checks before calling a service: who may call this
 * route at all. A route without a `@Policy` is refused (default deny), so forgetting one fails
 * closed. Whether the caller may touch a particular document is the owning service's check.
 */
import { SetMetadata } from '@nestjs/common';
import { Principal, Role } from '@spilno/contracts';
import type { Action, AppAbility, SubjectName } from './ability';

export type PolicyCheck = (ability: AppAbility, principal: Principal | null) => boolean;

export const POLICY_KEY = 'spilno:policy';

/** All checks must pass. A failure is 401 for an anonymous caller and 403 for a signed-in one. */
export const Policy = (...checks: [PolicyCheck, ...PolicyCheck[]]) =>
  SetMetadata(POLICY_KEY, checks);

/** Anyone, signed in or not. */
export const anyone: PolicyCheck = () => true;

/** Any signed-in person. */
export const authenticated: PolicyCheck = (_ability, principal) => principal !== null;

/** The caller may perform `action` on at least some `subject` (conditions are the service's). */
export const can =
  (action: Action, subject: SubjectName): PolicyCheck =>
  (ability) =>
    ability.can(action, subject);

export const hasRole =
  (role: Role): PolicyCheck =>
  (_ability, principal) =>
    principal?.roles.includes(role) ?? false;
