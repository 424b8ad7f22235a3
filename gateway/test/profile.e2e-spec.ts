/**
 * Profiles and the skills taxonomy end to end: HTTP through the real gateway, a real
 * nats-server, the users service in-process, the embedded MongoDB wire server.
 */
import { INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createServiceApp } from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
// The e2e test runs the real users service in-process; nothing in gateway/src may do this.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { AppModule as UsersAppModule } from '../../services/users/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadUsersConfig } from '../../services/users/src/config/users.config';
import { createGatewayApp } from '../src/app';
import { capturingLogger, testConfig, TEST_JWT_SECRET } from './support';

const PASSWORD = 'correct horse battery staple';
const PROBLEM_TYPE = /^application\/problem\+json/;

/** The three apostrophes Ukrainian text is typed with: ASCII, right quote, modifier letter. */
const PROFILE = {
  displayName: "Мар'яна Ґалаґан ʼЇжак’",
  locale: 'uk',
  region: 'UA-12',
  district: 'Кам’янська громада',
  birthYear: 1988,
  languages: ['uk', 'en'],
  skills: [
    { code: 'first_aid', level: 3 },
    { code: 'electrical_work', level: 1 },
  ],
  availability: [
    { day: 'mon', from: '18:00', to: '21:00' },
    { day: 'sat', from: '09:00', to: '13:00' },
  ],
  maxHoursPerWeek: 10,
  contactable: true,
  researchConsent: false,
  location: { lat: 48.4647, lng: 35.0462 },
};

describe('profiles and skills (e2e: gateway, NATS, users service, MongoDB)', () => {
  let nats: TestNatsServer;
  let users: INestMicroservice;
  let gateway: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    nats = await startNatsServer();
    const mongo = await testMongo('users');
    users = await createServiceApp({
      service: 'users',
      module: UsersAppModule,
      config: loadUsersConfig({
        NATS_URL: nats.url,
        MONGODB_URI: mongo.uri,
        JWT_SECRET: TEST_JWT_SECRET,
        LOGIN_MAX_ATTEMPTS_PER_IP: '1000',
      }),
      logger: capturingLogger().logger,
    });
    gateway = await createGatewayApp(testConfig(nats.url, { RPC_TIMEOUT_MS: '10000' }), {
      logger: capturingLogger().logger,
    });
    http = request(gateway.getHttpServer());
  });

  afterAll(async () => {
    await gateway?.close();
    await users?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  let registered = 0;
  /** Registers a citizen; answers their id and access token. */
  async function citizen(displayName = 'Олена'): Promise<{ id: string; token: string }> {
    const res = await http
      .post('/api/v1/auth/register')
      .send({ email: `profile-${++registered}@example.org`, password: PASSWORD, displayName });
    expect(res.status).toBe(201);
    return { id: res.body.user.id, token: res.body.accessToken };
  }

  const patchMe = (token: string, body: string | object) =>
    http
      .patch('/api/v1/me')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  const getMe = (token: string) => http.get('/api/v1/me').set('Authorization', `Bearer ${token}`);

  function expectProblem(res: request.Response, status: number) {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(PROBLEM_TYPE);
  }

  it('changes the profile with PATCH /me and answers it again in GET /me, text intact', async () => {
    const { id, token } = await citizen();

    const patched = await patchMe(token, { ...PROFILE, displayName: `  ${PROFILE.displayName} ` });
    const me = await getMe(token);

    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({
      id,
      email: expect.stringMatching(/@example\.org$/),
      roles: ['citizen'],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      ...PROFILE,
      location: { lat: 48.46, lng: 35.05 },
    });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(patched.body);
    expect(me.body.displayName).toBe("Мар'яна Ґалаґан ʼЇжак’");
    expect(me.body.district).toBe('Кам’янська громада');
    expect(me.text).not.toMatch(/argon2|passwordHash|refreshToken/);
  });

  it('changes only the fields sent, and null clears a nullable one', async () => {
    const { token } = await citizen();
    await patchMe(token, PROFILE);

    const res = await patchMe(token, { region: null, maxHoursPerWeek: 4 });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      region: null,
      maxHoursPerWeek: 4,
      district: PROFILE.district,
      skills: PROFILE.skills,
    });
  });

  it('answers GET /me with the profile defaults for a new account', async () => {
    const { token } = await citizen();

    const me = await getMe(token);

    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      region: null,
      languages: [],
      skills: [],
      availability: [],
      contactable: false,
      researchConsent: false,
      location: null,
    });
  });

  it('refuses PATCH /me without a token with 401', async () => {
    const res = await http.patch('/api/v1/me').send({ displayName: 'Х' });
    expectProblem(res, 401);
  });

  const tooLong = 'ї'.repeat(81);
  it.each<[string, string | object, string | null]>([
    ['roles', { roles: ['admin'] }, 'roles'],
    ['email', { email: 'new@example.org' }, 'email'],
    ['passwordHash', { passwordHash: 'x' }, 'passwordHash'],
    ['id', { id: '0123456789abcdef01234567' }, 'id'],
    ['an unknown field', { favouriteColour: 'жовтий' }, 'favouriteColour'],
    [
      'an unknown field inside a skill',
      { skills: [{ code: 'plumbing', level: 1, x: 1 }] },
      'skills.0.x',
    ],
    ['an operator object for a string', { displayName: { $gt: '' } }, 'displayName'],
    ['an operator object for a region', { region: { $ne: null } }, 'region'],
    [
      'an operator object inside a skill',
      { skills: [{ code: { $regex: '.*' }, level: 1 }] },
      'skills.0.code',
    ],
    ['a too long display name', { displayName: tooLong }, 'displayName'],
    ['a too long district', { district: tooLong }, 'district'],
    ['a display name with a control character', { displayName: 'Ол\u0000ена' }, 'displayName'],
    ['a wrong locale', { locale: 'ru' }, 'locale'],
    ['a wrong region', { region: 'Dnipro' }, 'region'],
    [
      'a wrong weekday',
      { availability: [{ day: 'monday', from: '09:00', to: '10:00' }] },
      'availability.0.day',
    ],
    [
      'a malformed time',
      { availability: [{ day: 'mon', from: '9:00', to: '10:00' }] },
      'availability.0.from',
    ],
    [
      'overlapping availability',
      {
        availability: [
          { day: 'wed', from: '09:00', to: '12:00' },
          { day: 'wed', from: '11:59', to: '13:00' },
        ],
      },
      'availability',
    ],
    [
      'a birth year under 14 years ago',
      { birthYear: new Date().getUTCFullYear() - 10 },
      'birthYear',
    ],
    ['a birth year before 1900', { birthYear: 1850 }, 'birthYear'],
    ['a fractional birth year', { birthYear: 1990.5 }, 'birthYear'],
    ['a language that is not ISO 639-1', { languages: ['ukr'] }, 'languages'],
    [
      'eleven languages',
      { languages: ['uk', 'en', 'pl', 'de', 'fr', 'es', 'it', 'cs', 'sk', 'ro', 'hu'] },
      'languages',
    ],
    ['a skill level of 0', { skills: [{ code: 'plumbing', level: 0 }] }, 'skills.0.level'],
    ['more than 80 hours a week', { maxHoursPerWeek: 81 }, 'maxHoursPerWeek'],
    ['a string for a boolean', { contactable: 'true' }, 'contactable'],
    ['a location in the sea', { location: { lat: 40, lng: 30 } }, 'location.lat'],
    ['a location without lng', { location: { lat: 50 } }, 'location.lng'],
    ['null for a name', { displayName: null }, 'displayName'],
    ['an array body', [], null],
    ['a __proto__ key', '{"__proto__": {"roles": ["admin"]}, "displayName": "Х"}', null],
    ['a constructor.prototype key', '{"constructor": {"prototype": {"roles": ["admin"]}}}', null],
  ])('refuses %s with a 400 problem', async (_case, body, field) => {
    const { token } = await citizen();

    const res = await patchMe(token, body);

    expectProblem(res, 400);
    if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('refuses a skill code outside the taxonomy with 400 naming the entry', async () => {
    const { token } = await citizen();

    const res = await patchMe(token, {
      skills: [
        { code: 'first_aid', level: 1 },
        { code: 'roof_repair', level: 2 },
        { code: 'dragon_taming', level: 3 },
      ],
    });

    expectProblem(res, 400);
    expect(res.body.errors).toEqual([
      { field: 'skills.2.code', message: expect.stringContaining('taxonomy') },
    ]);
  });

  it('refuses a body over the size limit with 413, not a 5xx', async () => {
    const { token } = await citizen();
    const res = await patchMe(token, { displayName: 'я'.repeat(1024 * 1024) });
    expectProblem(res, 413);
  });

  describe('GET /users/:id', () => {
    let volunteer: { id: string; token: string };

    beforeAll(async () => {
      volunteer = await citizen('Волонтерка');
      expect((await patchMe(volunteer.token, PROFILE)).status).toBe(200);
    });

    const getUser = (token: string | null, id: string) => {
      const req = http.get(`/api/v1/users/${encodeURIComponent(id)}`);
      return token ? req.set('Authorization', `Bearer ${token}`) : req;
    };

    it('shows another person to a citizen as id and display name only', async () => {
      const other = await citizen();

      const res = await getUser(other.token, volunteer.id);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: volunteer.id, displayName: PROFILE.displayName });
    });

    it('shows the person themself their whole profile', async () => {
      const res = await getUser(volunteer.token, volunteer.id);

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: volunteer.id,
        ...PROFILE,
        location: expect.any(Object),
      });
      expect(res.text).not.toMatch(/argon2|passwordHash/);
    });

    it.each([
      ['an unknown id', '0123456789abcdef01234567'],
      ['an id that is not 24 hex digits', 'nobody'],
      ['an operator-looking id', '{"$ne":null}'],
      // Fastify's router refuses longer path parameters (maxParamLength) before any route.
      ['a 100-character id', 'a'.repeat(100)],
    ])('answers 404 for %s', async (_case, id) => {
      const other = await citizen();
      expectProblem(await getUser(other.token, id), 404);
    });

    it('refuses anonymous callers with 401', async () => {
      expectProblem(await getUser(null, volunteer.id), 401);
    });
  });

  it('serves the skills taxonomy to anyone, cacheable for an hour', async () => {
    const res = await http.get('/api/v1/skills');

    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(res.body.length).toBeGreaterThanOrEqual(35);
    expect(res.body.length).toBeLessThanOrEqual(60);
    expect(res.body).toContainEqual({
      code: 'driving_licence_c',
      name: { uk: 'Посвідчення водія категорії C', en: 'Driving licence category C' },
      group: 'logistics_driving',
      groupName: { uk: 'Логістика та водіння', en: 'Logistics and driving' },
    });
  });

  it('documents the routes and the PATCH /me body in the OpenAPI document', async () => {
    const res = await http.get('/api/docs-json');

    expect(res.status).toBe(200);
    const { paths, components } = res.body;
    expect(Object.keys(paths['/api/v1/me'])).toEqual(expect.arrayContaining(['get', 'patch']));
    expect(paths['/api/v1/users/{id}'].get).toBeDefined();
    expect(paths['/api/v1/skills'].get).toBeDefined();
    const body = components.schemas.UpdateProfileDto.properties;
    expect(Object.keys(body)).toEqual(
      expect.arrayContaining(['displayName', 'skills', 'availability', 'location']),
    );
    expect(body.displayName.maxLength).toBe(80);
    expect(body.region.enum).toContain('UA-12');
  });
});
