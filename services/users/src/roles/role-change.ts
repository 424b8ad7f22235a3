/** How a roles update applies to an account's roles: pure, so it is tested without a database. */
import type { GrantableRole, Role } from '@spilno/contracts';

/** Canonical order, so equal role sets compare equal and answers are stable. */
const ROLE_ORDER: readonly Role[] = ['citizen', 'researcher', 'admin'];

export interface RoleChange {
  add: readonly GrantableRole[];
  remove: readonly GrantableRole[];
}

/** Field problems of a change: it must change something and not contradict itself. */
export function roleChangeProblems(change: RoleChange): { field: string; message: string }[] {
  if (change.add.length === 0 && change.remove.length === 0) {
    return [{ field: 'add', message: 'add or remove at least one role' }];
  }
  const both = change.add.filter((role) => change.remove.includes(role));
  return both.map((role) => ({
    field: 'remove',
    message: `${role} cannot be both added and removed`,
  }));
}

/** The roles after the change; `citizen` stays whatever the change says. */
export function applyRoleChange(current: readonly Role[], change: RoleChange): Role[] {
  const next = new Set<Role>([...current, 'citizen', ...change.add]);
  for (const role of change.remove) next.delete(role);
  return ROLE_ORDER.filter((role) => next.has(role));
}

/** The roles present before and absent after. */
export function lostRoles(before: readonly Role[], after: readonly Role[]): Role[] {
  return before.filter((role) => !after.includes(role));
}

export function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}
