import { applyRoleChange, lostRoles, roleChangeProblems, sameRoles } from './role-change';

describe('role changes', () => {
  it('adds and removes grantable roles, keeping citizen and a canonical order', () => {
    expect(applyRoleChange(['admin', 'citizen'], { add: ['researcher'], remove: [] })).toEqual([
      'citizen',
      'researcher',
      'admin',
    ]);
    expect(applyRoleChange(['citizen', 'admin'], { add: [], remove: ['admin'] })).toEqual([
      'citizen',
    ]);
  });

  it('restores citizen on an account stored without it', () => {
    expect(applyRoleChange(['admin'], { add: [], remove: [] })).toEqual(['citizen', 'admin']);
  });

  it('refuses an empty change and a role both added and removed', () => {
    expect(roleChangeProblems({ add: [], remove: [] })).toEqual([
      { field: 'add', message: 'add or remove at least one role' },
    ]);
    expect(roleChangeProblems({ add: ['admin'], remove: ['admin'] })).toEqual([
      { field: 'remove', message: 'admin cannot be both added and removed' },
    ]);
    expect(roleChangeProblems({ add: ['admin'], remove: ['researcher'] })).toEqual([]);
  });

  it('names the roles lost and compares role sets regardless of order', () => {
    expect(lostRoles(['citizen', 'researcher', 'admin'], ['citizen', 'admin'])).toEqual([
      'researcher',
    ]);
    expect(sameRoles(['admin', 'citizen'], ['citizen', 'admin'])).toBe(true);
    expect(sameRoles(['citizen'], ['citizen', 'admin'])).toBe(false);
  });
});
