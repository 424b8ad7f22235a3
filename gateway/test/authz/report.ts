/**
 * What the table run saw, and the compact routes × roles summaries printed when it fails.
 */
import { ROLES, type RoleName } from './fixtures';
import type { Owners } from './table';

export interface Observation {
  route: string;
  case: string;
  owners: Owners;
  role: RoleName;
  expected: number;
  status: number;
}

const SHORT: Record<RoleName, string> = {
  anonymous: 'anon',
  citizen: 'cit',
  coordinatorA: 'crdA',
  coordinatorB: 'crdB',
  ownerA: 'ownA',
  ownerB: 'ownB',
  researcher: 'res',
  admin: 'adm',
};

const is2xx = (status: number) => status >= 200 && status < 300;

/**
 * BOLA: a 2xx on another's object. Only routes with a path parameter and cases that name the
 * object's owners count; admins may act on anything.
 */
export function bolaViolations(observations: readonly Observation[]): Observation[] {
  return observations.filter(
    (o) =>
      o.route.includes('{') &&
      Array.isArray(o.owners) &&
      is2xx(o.status) &&
      o.role !== 'admin' &&
      !o.owners.includes(o.role),
  );
}

/**
 * One line a case: the status each role saw, `!` after a BOLA and `*` after a status other
 * than the table's.
 */
export function grid(observations: readonly Observation[], flagged: readonly Observation[]) {
  const rows = new Map<string, Map<RoleName, string>>();
  for (const o of observations) {
    const key = `${o.route} [${o.case}]`;
    const cells = rows.get(key) ?? new Map<RoleName, string>();
    const mark = flagged.includes(o) ? '!' : o.status !== o.expected ? '*' : ' ';
    cells.set(o.role, `${o.status}${mark}`);
    rows.set(key, cells);
  }
  const width = Math.max(...[...rows.keys()].map((k) => k.length));
  const header = `${''.padEnd(width)}  ${ROLES.map((r) => SHORT[r].padEnd(5)).join('')}`;
  const lines = [...rows].map(
    ([key, cells]) =>
      `${key.padEnd(width)}  ${ROLES.map((r) => (cells.get(r) ?? '-').padEnd(5)).join('')}`,
  );
  return [header, ...lines].join('\n');
}
