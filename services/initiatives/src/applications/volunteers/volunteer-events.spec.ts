import { EventSubjects, type EventEnvelope } from '@spilno/contracts';
import { peopleChangeOf } from './volunteer-events';

const event = (type: string, data: unknown): EventEnvelope => ({
  id: 'e1',
  type,
  occurredAt: '2025-06-01T10:00:00.000Z',
  source: 'users',
  data,
});

const PROFILE = {
  userId: '665f1c2e9b1d4a3f8c7e6d5b',
  displayName: 'Олена',
  locale: 'uk',
  region: 'UA-12',
  district: 'Петриківка',
  birthYear: 1990,
  languages: ['uk', 'en'],
  skills: [{ code: 'first_aid', level: 2 }],
  availability: [{ day: 'sat', from: '09:00', to: '13:00' }],
  maxHoursPerWeek: 10,
  contactable: true,
  researchConsent: true,
  location: { lat: 48.5, lng: 34.6 },
  updatedAt: '2025-06-01T09:59:00.000Z',
};

describe('peopleChangeOf', () => {
  it('keeps the organizer-readable profile of registered and updated people, nothing more', () => {
    for (const type of [EventSubjects.users.userRegistered, EventSubjects.users.userUpdated]) {
      expect(peopleChangeOf(event(type, PROFILE))).toEqual({
        kind: 'profile',
        volunteer: {
          _id: PROFILE.userId,
          displayName: 'Олена',
          skills: [{ code: 'first_aid', level: 2 }],
          languages: ['uk', 'en'],
          region: 'UA-12',
          district: 'Петриківка',
          availability: [{ day: 'sat', from: '09:00', to: '13:00' }],
          contactable: true,
          profileUpdatedAt: new Date(PROFILE.updatedAt),
        },
      });
    }
  });

  it('drops malformed entries of lists, and unknown regions', () => {
    const change = peopleChangeOf(
      event(EventSubjects.users.userUpdated, {
        ...PROFILE,
        region: 'UA-99',
        skills: [{ code: 'First Aid', level: 2 }, { code: 'cooking', level: 7 }, null],
        availability: [{ day: 'someday', from: '09:00', to: '10:00' }],
      }),
    );
    expect(change).toMatchObject({
      kind: 'profile',
      volunteer: { region: null, skills: [], availability: [] },
    });
  });

  it('erases on user.erased, ignores other events, and refuses malformed ones', () => {
    const erased = { userId: PROFILE.userId, erasedAt: '2025-06-02T00:00:00.000Z' };
    expect(peopleChangeOf(event(EventSubjects.users.userErased, erased))).toEqual({
      kind: 'erased',
      userId: PROFILE.userId,
    });
    expect(peopleChangeOf(event(EventSubjects.users.rolesChanged, {}))).toEqual({
      kind: 'ignored',
    });
    expect(() => peopleChangeOf(event(EventSubjects.users.userUpdated, { userId: 'x' }))).toThrow();
    expect(() => peopleChangeOf(event(EventSubjects.users.userErased, null))).toThrow();
  });
});
