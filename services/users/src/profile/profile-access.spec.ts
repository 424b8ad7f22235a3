import type { Principal, ProfileView } from '@spilno/contracts';
import { readableUserView, refusedProfileFields } from './profile-access';

const citizen: Principal = { userId: 'u-citizen', roles: ['citizen'], memberships: [] };
const organizer: Principal = {
  userId: 'u-organizer',
  roles: ['citizen'],
  memberships: [{ organizationId: 'org-1', role: 'coordinator' }],
};
const admin: Principal = { userId: 'u-admin', roles: ['citizen', 'admin'], memberships: [] };

function volunteer(overrides: Partial<ProfileView> = {}): ProfileView {
  return {
    id: 'u-volunteer',
    email: 'volunteer@example.org',
    displayName: 'Марʼяна',
    locale: 'uk',
    roles: ['citizen'],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-02T00:00:00.000Z',
    region: 'UA-12',
    district: 'Камʼянська громада',
    birthYear: 1990,
    languages: ['uk', 'en'],
    skills: [{ code: 'first_aid', level: 2 }],
    availability: [{ day: 'sat', from: '10:00', to: '14:00' }],
    maxHoursPerWeek: 6,
    contactable: true,
    researchConsent: false,
    location: { lat: 48.46, lng: 35.05 },
    ...overrides,
  };
}

describe('refusedProfileFields', () => {
  it('lets a person change their own profile fields, location included', () => {
    expect(
      refusedProfileFields(citizen, citizen.userId, ['displayName', 'skills', 'location']),
    ).toEqual([]);
  });

  it('refuses roles, email and password hash even when a payload names them', () => {
    expect(
      refusedProfileFields(citizen, citizen.userId, [
        'displayName',
        'roles',
        'email',
        'passwordHash',
      ]),
    ).toEqual(['roles', 'email', 'passwordHash']);
  });

  it("refuses every field of someone else's profile", () => {
    expect(refusedProfileFields(citizen, 'u-other', ['displayName'])).toEqual(['displayName']);
  });

  it('lets admins change profile fields of anyone, but not fields outside the profile', () => {
    expect(refusedProfileFields(admin, 'u-other', ['displayName', 'roles'])).toEqual(['roles']);
  });
});

describe('readableUserView', () => {
  it('shows another person to a citizen as id and display name only', () => {
    expect(readableUserView(citizen, volunteer())).toEqual({
      id: 'u-volunteer',
      displayName: 'Марʼяна',
    });
  });

  it('shows an organizer more of a contactable volunteer, never email, age or location', () => {
    expect(readableUserView(organizer, volunteer())).toEqual({
      id: 'u-volunteer',
      displayName: 'Марʼяна',
      region: 'UA-12',
      district: 'Камʼянська громада',
      languages: ['uk', 'en'],
      skills: [{ code: 'first_aid', level: 2 }],
      availability: [{ day: 'sat', from: '10:00', to: '14:00' }],
    });
  });

  it('shows an organizer only id and display name of a volunteer who is not contactable', () => {
    expect(readableUserView(organizer, volunteer({ contactable: false }))).toEqual({
      id: 'u-volunteer',
      displayName: 'Марʼяна',
    });
  });

  it('shows the person themself and admins the whole profile', () => {
    const self = volunteer({ id: citizen.userId });
    expect(readableUserView(citizen, self)).toEqual(self);
    expect(readableUserView(admin, volunteer())).toEqual(volunteer());
  });
});
