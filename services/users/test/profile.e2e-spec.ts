/**
 * The users service's profile and skills subjects over a real NATS and MongoDB wire server:
 * what the gateway cannot show (the `user.updated` event in the outbox, field rules for
 * organizers, whose memberships the tokens do not carry yet) and the service's own validation
 * of payloads that did not come through the gateway.
 */
import { INestMicroservice } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import {
  AuthSession,
  DomainError,
  ErrorCode,
  EventSubjects,
  Principal,
  ProfileView,
  RequestMeta,
  SkillView,
  Subjects,
  UpdateProfilePayload,
  UserView,
} from '@spilno/contracts';
import { createLogger } from '@spilno/config';
import { createServiceApp, outboxModel, RpcClient } from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
import { AppModule } from '../src/app.module';
import { loadUsersConfig } from '../src/config/users.config';

const anonymous: RequestMeta = { requestId: 'users-profile-e2e', principal: null };

const FULL_PROFILE: UpdateProfilePayload = {
  displayName: '  Мар’яна Ґалаґан-Їжакевич  ',
  locale: 'en',
  region: 'UA-12',
  district: "Кам'янська громада",
  birthYear: 1990,
  languages: ['uk', 'en', 'pl'],
  skills: [
    { code: 'first_aid', level: 3 },
    { code: 'driving_licence_c', level: 2 },
  ],
  availability: [
    { day: 'sat', from: '10:00', to: '14:00' },
    { day: 'mon', from: '18:00', to: '21:00' },
  ],
  maxHoursPerWeek: 8,
  contactable: true,
  researchConsent: true,
  location: { lat: 48.464717, lng: 35.046183 },
};

describe('users profile subjects (e2e, real NATS and MongoDB wire server)', () => {
  let nats: TestNatsServer;
  let app: INestMicroservice;
  let client: RpcClient;
  let connection: Connection;

  beforeAll(async () => {
    nats = await startNatsServer();
    const mongo = await testMongo('users');
    app = await createServiceApp({
      service: 'users',
      module: AppModule,
      config: loadUsersConfig({
        NATS_URL: nats.url,
        MONGODB_URI: mongo.uri,
        JWT_SECRET: 'users-service-tests-secret-at-least-32-chars',
        LOGIN_MAX_ATTEMPTS_PER_IP: '1000',
      }),
      logger: createLogger('users', 'silent'),
    });
    client = await RpcClient.connect([nats.url], 'users-profile-e2e', 10_000);
    connection = app.get<Connection>(getConnectionToken());
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  let registered = 0;
  /** A new citizen; answers the principal the gateway would build from their token. */
  async function newCitizen(displayName = 'Олена'): Promise<Principal> {
    const session = await client.send<AuthSession>(
      Subjects.users.register,
      {
        email: `person-${++registered}@example.org`,
        password: 'a long enough passphrase',
        displayName,
        clientIp: '10.0.0.1',
      },
      { meta: anonymous },
    );
    return { userId: session.user.id, roles: ['citizen'], memberships: [] };
  }

  const metaOf = (principal: Principal | null): RequestMeta => ({
    requestId: 'users-profile-e2e',
    principal,
  });

  function update(principal: Principal, data: unknown): Promise<ProfileView> {
    return client.send<ProfileView>(Subjects.users.profileUpdate, data, {
      meta: metaOf(principal),
    });
  }

  function failureOf(promise: Promise<unknown>): Promise<DomainError> {
    return promise.then(
      () => {
        throw new Error('expected the request to fail');
      },
      (e: DomainError) => e,
    );
  }

  async function eventsOf(subject: string, userId: string) {
    const records = await outboxModel(connection)
      .find({ subject, 'envelope.data.userId': userId })
      .sort({ position: 1 })
      .lean();
    return records.map((r) => r.envelope);
  }

  it('answers a new account with the profile defaults, and its registered event carries them', async () => {
    const olena = await newCitizen();

    const profile = await client.send<ProfileView>(
      Subjects.users.profileGet,
      {},
      { meta: metaOf(olena) },
    );

    expect(profile).toMatchObject({
      id: olena.userId,
      displayName: 'Олена',
      locale: 'uk',
      region: null,
      district: null,
      birthYear: null,
      languages: [],
      skills: [],
      availability: [],
      maxHoursPerWeek: null,
      contactable: false,
      researchConsent: false,
      location: null,
    });
    expect(JSON.stringify(profile)).not.toMatch(/argon2|passwordHash/);
    const [registeredEvent] = await eventsOf(EventSubjects.users.userRegistered, olena.userId);
    expect(registeredEvent.data).toMatchObject({
      userId: olena.userId,
      displayName: 'Олена',
      languages: [],
      contactable: false,
      location: null,
      registeredAt: expect.any(String),
    });
  });

  it('updates the profile and writes the whole new profile, without the email, as user.updated', async () => {
    const person = await newCitizen();

    const updated = await update(person, FULL_PROFILE);

    const expected = {
      displayName: 'Мар’яна Ґалаґан-Їжакевич',
      locale: 'en',
      region: 'UA-12',
      district: "Кам'янська громада",
      birthYear: 1990,
      languages: ['uk', 'en', 'pl'],
      skills: FULL_PROFILE.skills,
      availability: [
        { day: 'mon', from: '18:00', to: '21:00' },
        { day: 'sat', from: '10:00', to: '14:00' },
      ],
      maxHoursPerWeek: 8,
      contactable: true,
      researchConsent: true,
      location: { lat: 48.46, lng: 35.05 },
    };
    expect(updated).toMatchObject({ id: person.userId, ...expected });
    const again = await client.send<ProfileView>(
      Subjects.users.profileGet,
      {},
      { meta: metaOf(person) },
    );
    expect(again).toEqual(updated);

    const events = await eventsOf(EventSubjects.users.userUpdated, person.userId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: EventSubjects.users.userUpdated, source: 'users' });
    expect(events[0].data).toEqual({
      userId: person.userId,
      ...expected,
      updatedAt: updated.updatedAt,
    });
    expect(JSON.stringify(events[0])).not.toMatch(/@example\.org|roles|passwordHash/);
  });

  it('clears nullable fields with null, keeps absent ones, and emits one event per change', async () => {
    const person = await newCitizen();
    await update(person, FULL_PROFILE);

    const cleared = await update(person, { region: null, location: null, birthYear: null });

    expect(cleared).toMatchObject({
      region: null,
      location: null,
      birthYear: null,
      district: "Кам'янська громада",
      languages: ['uk', 'en', 'pl'],
    });
    const events = await eventsOf(EventSubjects.users.userUpdated, person.userId);
    expect(events.map((e) => (e.data as { region: unknown }).region)).toEqual(['UA-12', null]);
  });

  it('answers an empty update with the profile unchanged, and emits nothing', async () => {
    const person = await newCitizen();

    const unchanged = await update(person, {});

    expect(unchanged).toMatchObject({ id: person.userId, displayName: 'Олена' });
    expect(await eventsOf(EventSubjects.users.userUpdated, person.userId)).toEqual([]);
  });

  it('refuses a skill code outside the taxonomy, naming the entry, and changes nothing', async () => {
    const person = await newCitizen();

    const failure = await failureOf(
      update(person, {
        displayName: 'Не збережеться',
        skills: [
          { code: 'first_aid', level: 1 },
          { code: 'plumbing', level: 2 },
          { code: 'juggling', level: 3 },
        ],
      }),
    );

    expect(failure).toMatchObject({
      code: ErrorCode.Validation,
      errors: [{ field: 'skills.2.code', message: expect.stringContaining('taxonomy') }],
    });
    const profile = await client.send<ProfileView>(
      Subjects.users.profileGet,
      {},
      { meta: metaOf(person) },
    );
    expect(profile.displayName).toBe('Олена');
    expect(await eventsOf(EventSubjects.users.userUpdated, person.userId)).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['roles', { roles: ['admin'] }, 'roles'],
    ['email', { email: 'other@example.org' }, 'email'],
    ['an operator object for a string', { displayName: { $ne: null } }, 'displayName'],
    ['an operator object for a region', { region: { $gt: '' } }, 'region'],
    ['a name over 80 characters', { displayName: 'я'.repeat(81) }, 'displayName'],
    ['a blank name', { displayName: '   ' }, 'displayName'],
    ['null for a field that cannot be cleared', { displayName: null }, 'displayName'],
    ['a region not on the list', { region: 'UA-99' }, 'region'],
    [
      'a birth year under 14 years ago',
      { birthYear: new Date().getUTCFullYear() - 13 },
      'birthYear',
    ],
    ['a birth year before 1900', { birthYear: 1899 }, 'birthYear'],
    ['a language that is not ISO 639-1', { languages: ['uk', 'ua'] }, 'languages'],
    ['a repeated language', { languages: ['uk', 'uk'] }, 'languages'],
    [
      'a repeated skill',
      {
        skills: [
          { code: 'plumbing', level: 1 },
          { code: 'plumbing', level: 2 },
        ],
      },
      'skills',
    ],
    ['a skill level of 4', { skills: [{ code: 'plumbing', level: 4 }] }, 'skills.0.level'],
    [
      'overlapping availability',
      {
        availability: [
          { day: 'mon', from: '09:00', to: '12:00' },
          { day: 'mon', from: '11:00', to: '13:00' },
        ],
      },
      'availability',
    ],
    [
      'a window ending before it starts',
      { availability: [{ day: 'tue', from: '12:00', to: '09:00' }] },
      'availability',
    ],
    ['a location outside Ukraine', { location: { lat: 35.05, lng: 48.46 } }, 'location.lat'],
    ['a string number of hours', { maxHoursPerWeek: '8' }, 'maxHoursPerWeek'],
  ])('refuses %s with a validation error naming the field', async (_case, data, field) => {
    const person = await newCitizen();

    const failure = await failureOf(update(person, data));

    expect(failure.code).toBe(ErrorCode.Validation);
    // The service validates the whole envelope, so its field names start with `data.`.
    expect(failure.errors?.map((e) => e.field)).toContain(`data.${field}`);
  });

  it("drops a payload's own __proto__ key without touching prototypes or roles", async () => {
    const person = await newCitizen();
    const data = JSON.parse('{"__proto__": {"roles": ["admin"]}, "displayName": "Х"}') as unknown;

    const updated = await update(person, data);

    expect(updated).toMatchObject({ displayName: 'Х', roles: ['citizen'] });
    expect(({} as { roles?: unknown }).roles).toBeUndefined();
  });

  it('refuses profile changes from an anonymous caller', async () => {
    const failure = await failureOf(
      client.send(Subjects.users.profileUpdate, { displayName: 'Х' }, { meta: anonymous }),
    );
    expect(failure.code).toBe(ErrorCode.Unauthenticated);
  });

  describe('users.user.get.v1', () => {
    let volunteer: Principal;
    let shy: Principal;

    beforeAll(async () => {
      volunteer = await newCitizen('Волонтерка');
      await update(volunteer, FULL_PROFILE);
      shy = await newCitizen('Тихий');
      await update(shy, { ...FULL_PROFILE, displayName: 'Тихий', contactable: false });
    });

    const read = (principal: Principal | null, id: string) =>
      client.send<UserView>(Subjects.users.userGet, { id }, { meta: metaOf(principal) });

    it('shows another person to a citizen as id and display name only', async () => {
      const citizen = await newCitizen();
      expect(await read(citizen, volunteer.userId)).toEqual({
        id: volunteer.userId,
        displayName: 'Мар’яна Ґалаґан-Їжакевич',
      });
    });

    it('shows an organizer more of a contactable volunteer, and not of others', async () => {
      const organizer: Principal = {
        ...(await newCitizen()),
        memberships: [{ organizationId: 'org-1', role: 'coordinator' }],
      };

      expect(await read(organizer, volunteer.userId)).toEqual({
        id: volunteer.userId,
        displayName: 'Мар’яна Ґалаґан-Їжакевич',
        region: 'UA-12',
        district: "Кам'янська громада",
        languages: ['uk', 'en', 'pl'],
        skills: FULL_PROFILE.skills,
        availability: [
          { day: 'mon', from: '18:00', to: '21:00' },
          { day: 'sat', from: '10:00', to: '14:00' },
        ],
      });
      expect(await read(organizer, shy.userId)).toEqual({ id: shy.userId, displayName: 'Тихий' });
    });

    it('shows the person themself and admins the whole profile, never secrets', async () => {
      const admin: Principal = { ...(await newCitizen()), roles: ['citizen', 'admin'] };

      const own = await read(volunteer, volunteer.userId);
      const byAdmin = await read(admin, volunteer.userId);

      expect(own).toMatchObject({ email: expect.any(String), birthYear: 1990 });
      expect(byAdmin).toEqual(own);
      expect(JSON.stringify(own)).not.toMatch(/argon2|passwordHash/);
    });

    it.each([
      ['an unknown id', '0123456789abcdef01234567'],
      ['an id that is not 24 hex digits', 'not-an-id'],
      ['12 characters ObjectId.isValid accepts', 'abcdefghijkl'],
    ])('answers not found for %s', async (_case, id) => {
      const citizen = await newCitizen();
      expect((await failureOf(read(citizen, id))).code).toBe(ErrorCode.NotFound);
    });

    it('refuses an operator object for the id', async () => {
      const citizen = await newCitizen();
      const failure = await failureOf(read(citizen, { $ne: null } as unknown as string));
      expect(failure.code).toBe(ErrorCode.Validation);
    });

    it('refuses anonymous callers', async () => {
      expect((await failureOf(read(null, volunteer.userId))).code).toBe(ErrorCode.Unauthenticated);
    });
  });

  it('answers the skills taxonomy to anyone', async () => {
    const skills = await client.send<SkillView[]>(
      Subjects.users.skillsList,
      {},
      { meta: anonymous },
    );

    expect(skills.length).toBeGreaterThanOrEqual(35);
    expect(skills).toContainEqual({
      code: 'psychological_first_aid',
      name: { uk: 'Перша психологічна допомога', en: 'Psychological first aid' },
      group: 'psychological_support',
      groupName: { uk: 'Психологічна підтримка', en: 'Psychological support' },
    });
  });
});
