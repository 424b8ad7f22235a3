import { subject } from '@casl/ability';
import { permittedFieldsOf } from '@casl/ability/extra';
import { Principal } from '@spilno/contracts';
import { Action, defineAbilityFor, SubjectDocument, SubjectFields, SubjectName } from './ability';

const citizen: Principal = { userId: 'u-citizen', roles: ['citizen'], memberships: [] };
const coordinatorOfA: Principal = {
  userId: 'u-coord',
  roles: ['citizen'],
  memberships: [{ organizationId: 'orgA', role: 'coordinator' }],
};
const ownerOfA: Principal = {
  userId: 'u-owner',
  roles: ['citizen'],
  memberships: [{ organizationId: 'orgA', role: 'owner' }],
};
const researcher: Principal = {
  userId: 'u-res',
  roles: ['citizen', 'researcher'],
  memberships: [],
};
const admin: Principal = { userId: 'u-admin', roles: ['citizen', 'admin'], memberships: [] };

type OrgDocumentName = Exclude<SubjectName, 'Organization' | 'User' | 'Notification' | 'Dataset'>;

/** A document of `name` belonging to `organizationId`, in a draft initiative, by someone. */
function orgDocument(name: OrgDocumentName, organizationId: string): SubjectDocument {
  const fields: SubjectFields[OrgDocumentName] = {
    organizationId,
    status: 'draft',
    initiativeStatus: 'draft',
    userId: 'someone',
  };
  return subject(name, fields) as SubjectDocument;
}

const ORG_DOCUMENTS: [OrgDocumentName, Action[]][] = [
  ['Initiative', ['read', 'update', 'publish', 'delete']],
  ['Task', ['read', 'update']],
  ['Campaign', ['read', 'update']],
  ['Application', ['read', 'review']],
  ['Proposal', ['read', 'review']],
  ['Report', ['read', 'review']],
  ['Donation', ['read', 'confirm']],
];

describe('defineAbilityFor', () => {
  describe('a coordinator of organization A', () => {
    const ability = defineAbilityFor(coordinatorOfA);

    it.each(ORG_DOCUMENTS)('may act on %s of org A', (name, actions) => {
      const doc = orgDocument(name, 'orgA');
      for (const action of actions) expect(ability.can(action, doc)).toBe(true);
    });

    it.each(ORG_DOCUMENTS)('may not act on %s of org B, even knowing its id', (name, actions) => {
      const doc = orgDocument(name, 'orgB');
      for (const action of actions) expect(ability.can(action, doc)).toBe(false);
    });

    it('may create an initiative for org A only', () => {
      expect(ability.can('create', orgDocument('Initiative', 'orgA'))).toBe(true);
      expect(ability.can('create', orgDocument('Initiative', 'orgB'))).toBe(false);
    });

    it('may read its own pending organization but not manage it (not an owner)', () => {
      const orgA = subject('Organization', { id: 'orgA', status: 'pending' });
      expect(ability.can('read', orgA)).toBe(true);
      expect(ability.can('update', orgA)).toBe(false);
      const orgB = subject('Organization', { id: 'orgB', status: 'pending' });
      expect(ability.can('read', orgB)).toBe(false);
    });

    it('may not verify organizations', () => {
      const orgA = subject('Organization', { id: 'orgA', status: 'pending' });
      expect(ability.can('verify', orgA)).toBe(false);
    });
  });

  it('lets an owner manage their organization, not another', () => {
    const ability = defineAbilityFor(ownerOfA);
    const org = (id: string) => subject('Organization', { id, status: 'verified' });
    expect(ability.can('update', org('orgA'))).toBe(true);
    expect(ability.can('update', org('orgB'))).toBe(false);
  });

  describe('a citizen', () => {
    const ability = defineAbilityFor(citizen);

    it('manages their own applications, not others', () => {
      const own = subject('Application', { userId: citizen.userId, organizationId: 'orgA' });
      const other = subject('Application', { userId: 'someone-else', organizationId: 'orgA' });
      expect(ability.can('withdraw', own)).toBe(true);
      expect(ability.can('read', own)).toBe(true);
      expect(ability.can('withdraw', other)).toBe(false);
      expect(ability.can('read', other)).toBe(false);
      expect(ability.can('review', own)).toBe(false);
    });

    it('sees drafts of nobody and public initiatives of everybody', () => {
      const initiative = (status: string) => subject('Initiative', { organizationId: 'o', status });
      expect(ability.can('read', initiative('published'))).toBe(true);
      expect(ability.can('read', initiative('draft'))).toBe(false);
      expect(ability.can('read', orgDocument('Task', 'orgA'))).toBe(false);
    });

    it('edits their own profile fields but never roles', () => {
      const self = subject('User', { id: citizen.userId });
      expect(ability.can('update', self, 'displayName')).toBe(true);
      expect(ability.can('update', self, 'roles')).toBe(false);
      expect(ability.can('update', subject('User', { id: 'other' }), 'displayName')).toBe(false);
      const fields = permittedFieldsOf(ability, 'update', self, {
        fieldsFrom: (rule) => rule.fields ?? [],
      });
      expect(fields).not.toContain('roles');
    });

    it('sees another person only as id and display name', () => {
      const other = subject('User', { id: 'other' });
      expect(ability.can('read', other, 'displayName')).toBe(true);
      expect(ability.can('read', other, 'email')).toBe(false);
      expect(ability.can('read', subject('User', { id: citizen.userId }), 'email')).toBe(true);
    });

    it('may not create initiatives or export datasets', () => {
      expect(ability.can('create', 'Initiative')).toBe(false);
      expect(ability.can('export', 'Dataset')).toBe(false);
    });
  });

  describe('an anonymous caller', () => {
    const ability = defineAbilityFor(null);

    it('reads public data and may donate', () => {
      expect(ability.can('read', subject('Organization', { id: 'o', status: 'verified' }))).toBe(
        true,
      );
      expect(ability.can('read', subject('Organization', { id: 'o', status: 'pending' }))).toBe(
        false,
      );
      expect(ability.can('create', 'Donation')).toBe(true);
    });

    it('sees only verified or resolved reports', () => {
      const report = (status: string) =>
        subject('Report', {
          organizationId: 'orgA',
          initiativeStatus: 'published',
          status,
          userId: 'someone',
        });
      expect(ability.can('read', report('verified'))).toBe(true);
      expect(ability.can('read', report('new'))).toBe(false);
    });

    it('may not write anything else', () => {
      for (const name of ['Organization', 'Initiative', 'Application', 'Proposal'] as const) {
        expect(ability.can('create', name)).toBe(false);
      }
      expect(ability.can('read', 'User')).toBe(false);
    });
  });

  it('lets researchers export datasets', () => {
    expect(defineAbilityFor(researcher).can('export', 'Dataset')).toBe(true);
  });

  it('lets admins do anything, including verifying organizations', () => {
    const ability = defineAbilityFor(admin);
    expect(ability.can('verify', subject('Organization', { id: 'orgB', status: 'pending' }))).toBe(
      true,
    );
    expect(ability.can('update', subject('User', { id: 'other' }), 'roles')).toBe(true);
  });
});

describe('field rules on User (profiles)', () => {
  const allFields = (rule: { fields?: string | string[] }) =>
    rule.fields ? [rule.fields].flat() : ['id', 'email', 'displayName', 'birthYear', 'location'];
  const readable = (principal: Principal, user: SubjectFields['User']) =>
    permittedFieldsOf(defineAbilityFor(principal), 'read', subject('User', user), {
      fieldsFrom: allFields,
    }).sort();

  it('lets a person edit their location, never their roles or email', () => {
    const ability = defineAbilityFor(citizen);
    const self = subject('User', { id: citizen.userId });
    expect(ability.can('update', self, 'location')).toBe(true);
    expect(ability.can('update', self, 'email')).toBe(false);
    expect(ability.can('update', self, 'roles')).toBe(false);
  });

  it('shows a contactable volunteer to an organizer with more fields, never email or location', () => {
    const fields = readable(coordinatorOfA, { id: 'volunteer', contactable: true });
    expect(fields).toEqual(
      ['availability', 'displayName', 'district', 'id', 'languages', 'region', 'skills'].sort(),
    );
  });

  it('shows a volunteer who is not contactable to an organizer as id and display name', () => {
    expect(readable(coordinatorOfA, { id: 'volunteer', contactable: false })).toEqual([
      'displayName',
      'id',
    ]);
    expect(readable(citizen, { id: 'volunteer', contactable: true })).toEqual([
      'displayName',
      'id',
    ]);
  });

  it('shows the person themself and admins every field', () => {
    const everything = ['birthYear', 'displayName', 'email', 'id', 'location'];
    expect(readable(citizen, { id: citizen.userId, contactable: false })).toEqual(everything);
    expect(readable(admin, { id: 'volunteer', contactable: false })).toEqual(everything);
  });
});
