/**
 * Data-subject rights end to end: HTTP through the real gateway, the four services in-process
 * on one real nats-server (JetStream) and one MongoDB wire server. A person fills a profile,
 * exports everything the platform holds about them, and is erased; afterwards no document of
 * any service database, and no message of the event stream, holds their email, name or
 * district, and none of their tokens works anywhere.
 */
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import { NatsConnection, connect } from 'nats';
import request from 'supertest';
import { EVENTS_STREAM, EventSubjects, SERVICE_NAMES, ServiceName } from '@spilno/contracts';
import { createLogger } from '@spilno/config';
import {
  natsConnectionOptions,
  PersonalDataRegistry,
  processedEventModel,
  erasureDurable,
} from '@spilno/messaging';
import { createGatewayApp } from '../src/app';
import { eventually, testConfig } from './support';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startSystem, TestSystem } from './system';

const PROBLEM_TYPE = /^application\/problem\+json/;
const PASSWORD = 'a passphrase long enough to pass';
const unique = new Types.ObjectId().toHexString().slice(-8);
// Distinctive, so a scan finds them wherever a copy survives.
const PERSON = {
  email: `privacy-${unique}@example.org`,
  displayName: `Ярослава Незабудка-${unique}`,
  district: `Petrykivka-${unique}`,
};

const BYSTANDER_EMAIL = `bystander-${unique}@example.org`;

/** Test-only collections, declared through the registry API as a feature would declare its own. */
const PLEDGES = 'test_pledges';
const SYSTEM_DATABASES = ['admin', 'local', 'config'];
const APPLICATIONS = 'test_applications';

interface Session {
  user: { id: string };
  accessToken: string;
  refreshToken: string;
}

describe('GET /me/export and DELETE /me (e2e: gateway, NATS, four services, MongoDB)', () => {
  let system: TestSystem;
  let http: ReturnType<typeof request>;
  let person: Session;
  let bystander: Session;

  beforeAll(async () => {
    system = await startSystem({ env: { users: { LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '1000' } } });
    http = system.http;
    declareTestCollections();
  });

  afterAll(async () => {
    await system?.close();
  });

  function connectionOf(service: ServiceName): Connection {
    const app = system.services.get(service);
    if (!app) throw new Error(`${service} is not running`);
    return app.get<Connection>(getConnectionToken());
  }

  function declareTestCollections(): void {
    system.services
      .get('donations')
      ?.get(PersonalDataRegistry)
      .declare({
        collection: PLEDGES,
        link: { path: 'donorId' },
        export: { section: 'pledges' },
        // A donation stays in the campaign's totals; who gave it does not.
        erase: { action: 'pseudonymise', keep: ['campaignId', 'amount', 'currency'] },
      });
    system.services
      .get('initiatives')
      ?.get(PersonalDataRegistry)
      .declare({
        collection: APPLICATIONS,
        link: { path: 'userId' },
        export: { section: 'applications' },
        erase: { action: 'delete' },
      });
  }

  async function register(email: string, displayName: string): Promise<Session> {
    const res = await http
      .post('/api/v1/auth/register')
      .send({ email, password: PASSWORD, displayName });
    expect(res.status).toBe(201);
    return res.body as Session;
  }

  const bearer = (session: Session) => `Bearer ${session.accessToken}`;

  async function seedOtherServices(userId: string): Promise<void> {
    await connectionOf('donations')
      .collection(PLEDGES)
      .insertOne({
        campaignId: 'campaign-1',
        donorId: new Types.ObjectId(userId),
        donorName: PERSON.displayName,
        donorEmail: PERSON.email,
        amount: 150_000,
        currency: 'UAH',
      });
    await connectionOf('initiatives')
      .collection(APPLICATIONS)
      .insertOne({ userId, message: `${PERSON.displayName} can drive on weekends` });
  }

  it('exports every service’s part as a download, without secrets', async () => {
    person = await register(PERSON.email, PERSON.displayName);
    bystander = await register(BYSTANDER_EMAIL, 'Остап Сусід');
    const profile = await http
      .patch('/api/v1/me')
      .set('Authorization', bearer(person))
      .send({ district: PERSON.district, birthYear: 1990, contactable: true });
    expect(profile.status).toBe(200);
    await seedOtherServices(person.user.id);

    const res = await http.get('/api/v1/me/export').set('Authorization', bearer(person));

    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="spilno-export-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    expect(res.headers['cache-control']).toBe('no-store');
    expect(Object.keys(res.body.services).sort()).toEqual([...SERVICE_NAMES].sort());
    expect(res.body.userId).toBe(person.user.id);
    const { users, donations, initiatives, matching } = res.body.services;
    expect(users.account).toMatchObject({
      id: person.user.id,
      email: PERSON.email,
      displayName: PERSON.displayName,
    });
    expect(users.profile).toMatchObject({ district: PERSON.district, birthYear: 1990 });
    expect(users.sessions).toEqual([
      expect.objectContaining({ revoked: false, createdAt: expect.any(String) }),
    ]);
    expect(users.events.map((e: { subject: string }) => e.subject)).toContain(
      EventSubjects.users.userRegistered,
    );
    expect(donations.pledges).toEqual([
      expect.objectContaining({ donorId: person.user.id, amount: 150_000, currency: 'UAH' }),
    ]);
    expect(initiatives.applications).toHaveLength(1);
    expect(matching).toEqual({ failedEvents: [] });
    expect(res.text).not.toMatch(/passwordHash|tokenHash|successorSealed|argon2/);
    expect(res.text).not.toContain('bystander');
  });

  it('erases the person: 204, then no token of theirs works', async () => {
    const wrongPassword = await http
      .post('/api/v1/auth/login')
      .send({ email: BYSTANDER_EMAIL, password: 'not the password at all' });

    const res = await http.delete('/api/v1/me').set('Authorization', bearer(person));

    expect(res.status).toBe(204);
    const me = await http.get('/api/v1/me').set('Authorization', bearer(person));
    expect(me.status).toBe(401);
    expect(me.headers['content-type']).toMatch(PROBLEM_TYPE);
    expect(me.body.detail).toMatch(/deleted/);
    const login = await http
      .post('/api/v1/auth/login')
      .send({ email: PERSON.email, password: PASSWORD });
    expect(login.status).toBe(401);
    expect(login.body.detail).toBe(wrongPassword.body.detail);
    const refresh = await http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: person.refreshToken });
    expect(refresh.status).toBe(401);
  });

  it('erases what the other services hold once the event reaches them', async () => {
    for (const service of ['initiatives', 'matching', 'donations'] as const) {
      const processed = processedEventModel(connectionOf(service));
      const applied = await eventually(
        () => processed.countDocuments({ consumer: erasureDurable(service) }),
        (n) => n === 1,
      );
      expect(applied).toBe(1);
    }
    const pledges = await connectionOf('donations').collection(PLEDGES).find().toArray();
    expect(pledges).toEqual([
      { _id: expect.anything(), campaignId: 'campaign-1', amount: 150_000, currency: 'UAH' },
    ]);
    expect(await connectionOf('initiatives').collection(APPLICATIONS).countDocuments()).toBe(0);
  });

  it('leaves the email, name and district in no document of any service database', async () => {
    const documents = await everyDocument(connectionOf('users'));
    const holding = (text: string) =>
      documents.filter((d) => d.json.includes(text)).map((d) => d.where);

    expect(documents.length).toBeGreaterThan(10);
    for (const value of Object.values(PERSON)) expect(holding(value)).toEqual([]);
    expect(holding(PERSON.email.toLowerCase())).toEqual([]);
    // The id stays only as the pseudonymous key of the erased account and of its events.
    const withId = new Set(holding(person.user.id).map((where) => where.split('/')[0]));
    expect([...withId].sort()).toEqual(
      [`${dbName('users')}.outbox`, `${dbName('users')}.users`].sort(),
    );
    expect(holding('bystander').length).toBeGreaterThan(0);
  });

  it('leaves the name in no message of the event stream', async () => {
    const nc = await connect(natsConnectionOptions([system.nats.url], 'privacy-e2e-scan'));
    try {
      const messages = await streamMessages(nc);
      expect(messages.some((m) => m.includes(EventSubjects.users.userErased))).toBe(true);
      // Registration events carry names: the bystander's is still there, the person's is not.
      expect(messages.some((m) => m.includes('Остап Сусід'))).toBe(true);
      for (const value of Object.values(PERSON)) {
        expect(messages.filter((m) => m.includes(value))).toEqual([]);
      }
    } finally {
      await nc.close();
    }
  });

  it('refuses the old token at a gateway started after the erasure (rebuilt from the stream)', async () => {
    const restarted = await createGatewayApp(testConfig(system.nats.url), {
      logger: createLogger('gateway', 'silent'),
    });
    try {
      const second = request(restarted.getHttpServer());
      const refused = await eventually(
        () => second.get('/api/v1/me').set('Authorization', bearer(person)),
        (res) => res.status === 401,
      );
      expect(refused.status).toBe(401);
      const other = await second.get('/api/v1/me').set('Authorization', bearer(bystander));
      expect(other.status).toBe(200);
    } finally {
      await restarted.close();
    }
  });

  it('refuses tokens issued before a change of roles, until the client refreshes', async () => {
    const admin = await http
      .post('/api/v1/auth/login')
      .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    const before = bystander;

    const granted = await http
      .patch(`/api/v1/users/${before.user.id}/roles`)
      .set('Authorization', `Bearer ${admin.body.accessToken}`)
      .send({ add: ['researcher'] });

    expect(granted.status).toBe(200);
    const refused = await eventually(
      () => http.get('/api/v1/me').set('Authorization', bearer(before)),
      (res) => res.status === 401,
    );
    expect(refused.body.detail).toMatch(/roles or memberships changed.*refresh/);
    // A token issued in the second of the change is refused too: refresh after it.
    await new Promise((r) => setTimeout(r, 1100));
    const refreshed = await http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: before.refreshToken });
    bystander = refreshed.body as Session;
    const me = await http.get('/api/v1/me').set('Authorization', bearer(bystander));
    expect(me.status).toBe(200);
    expect(me.body.roles).toContain('researcher');
  });

  it('answers 503 with Retry-After, quickly, when a service cannot give its part', async () => {
    await system.stopService('matching');
    const started = Date.now();

    const res = await http.get('/api/v1/me/export').set('Authorization', bearer(bystander));

    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(PROBLEM_TYPE);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.unavailable).toEqual(['matching']);
    expect(res.text).not.toContain('bystander-');
  });

  function dbName(service: ServiceName): string {
    return new URL(system.databases[service]).pathname.slice(1);
  }

  /** Every document of every database on the server (this test file's only), as JSON. */
  async function everyDocument(connection: Connection): Promise<{ where: string; json: string }[]> {
    const client = connection.getClient();
    const { databases } = await client.db('admin').admin().listDatabases();
    const names = databases.map((d) => d.name).filter((n) => !SYSTEM_DATABASES.includes(n));
    expect(names).toEqual(expect.arrayContaining(SERVICE_NAMES.map(dbName)));
    const found: { where: string; json: string }[] = [];
    for (const db of names.map((name) => client.db(name))) {
      for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
        for (const doc of await db.collection(name).find().toArray()) {
          const where = `${db.databaseName}.${name}/${String(doc._id)}`;
          found.push({ where, json: JSON.stringify(doc) });
        }
      }
    }
    return found;
  }
});

/** The payload of every message the stream holds. */
async function streamMessages(nc: NatsConnection): Promise<string[]> {
  const jsm = await nc.jetstreamManager();
  const { state } = await jsm.streams.info(EVENTS_STREAM);
  const payloads: string[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const message = await jsm.streams.getMessage(EVENTS_STREAM, { seq }).catch(() => null);
    if (message) payloads.push(new TextDecoder().decode(message.data));
  }
  return payloads;
}
