/**
 * Participation (co-delivery) end to end through the whole system: HTTP through the real
 * gateway, the four services in-process on one real nats-server (JetStream), the embedded
 * MongoDB wire server (or MONGODB_URI). Volunteers are registered through the users service
 * (their profiles reach the initiatives service as events); organizers' tokens are signed here
 * with the gateway's secret, as the users service signs them. Covers the lifecycle and its
 * conflicts, what organizers see of applicants, `Idempotency-Key`, capacity under 100
 * simultaneous applications, and `DELETE /me` of a volunteer who applied, proposed, voted and
 * reported.
 */
import { randomUUID } from 'node:crypto';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import request from 'supertest';
import { signAccessToken } from '@spilno/auth';
import type {
  ApplicationView,
  InitiativeView,
  MyApplicationPage,
  Principal,
  ProposalView,
  ReportView,
  TaskApplicationPage,
  TaskView,
} from '@spilno/contracts';
import { erasureDurable, processedEventModel } from '@spilno/messaging';
import { eventually, testConfig } from './support';
import { startSystem, TestSystem } from './system';

const PROBLEM_TYPE = /^application\/problem\+json/;
const HOUR = 3_600_000;
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();
const newId = () => new Types.ObjectId().toHexString();
const PASSWORD = 'a passphrase long enough to pass';
const unique = newId().slice(-8);

interface Actor {
  userId: string;
  token: string;
}

describe('participation (e2e: gateway, NATS, four services, MongoDB)', () => {
  let system: TestSystem;
  let http: ReturnType<typeof request>;
  let initiatives: Connection;
  const statuses: number[] = [];
  const orgA = newId();
  const config = testConfig('nats://127.0.0.1:1');
  let coordinator: Actor;
  let outsider: Actor;
  let delivery: InitiativeView;

  async function signed(memberships: Principal['memberships'] = []): Promise<Actor> {
    const principal: Principal = { userId: newId(), roles: ['citizen'], memberships };
    return { userId: principal.userId, token: await signAccessToken(principal, config.auth) };
  }

  async function register(displayName: string): Promise<Actor> {
    const res = await http
      .post('/api/v1/auth/register')
      .send({ email: `volunteer-${unique}@example.org`, password: PASSWORD, displayName });
    expect(res.status).toBe(201);
    return { userId: res.body.user.id as string, token: res.body.accessToken as string };
  }

  beforeAll(async () => {
    system = await startSystem();
    http = system.http;
    initiatives = system.services.get('initiatives')!.get<Connection>(getConnectionToken());
    coordinator = await signed([{ organizationId: orgA, role: 'coordinator' }]);
    outsider = await signed([{ organizationId: newId(), role: 'owner' }]);
    delivery = await createPublished('co-delivery');
  });

  afterAll(async () => {
    await system?.close();
  });

  afterAll(() => {
    // Whatever came in, nothing answered a 5xx.
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });

  async function call(
    method: 'get' | 'post' | 'patch' | 'delete',
    path: string,
    as?: Actor,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const req = http[method](`/api/v1${path}`);
    if (as) void req.set('Authorization', `Bearer ${as.token}`);
    for (const [name, value] of Object.entries(headers)) void req.set(name, value);
    const res = await (body === undefined ? req : req.send(body as object));
    statuses.push(res.status);
    return res;
  }

  function expectProblem(res: request.Response, status: number) {
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status });
    expect(res.headers['content-type']).toMatch(PROBLEM_TYPE);
  }

  async function createPublished(mode: string): Promise<InitiativeView> {
    const created = await call('post', '/initiatives', coordinator, {
      organizationId: orgA,
      title: `Ініціатива ${mode}`,
      description: 'Разом відновлюємо громаду',
      mode,
      category: 'reconstruction',
      region: 'UA-12',
    });
    expect(created.status).toBe(201);
    const published = await call('post', `/initiatives/${created.body.id}/publish`, coordinator);
    expect(published.status).toBe(200);
    return published.body as InitiativeView;
  }

  async function createTask(overrides: object = {}): Promise<TaskView> {
    const res = await call('post', `/initiatives/${delivery.id}/tasks`, coordinator, {
      title: 'Розбір завалів',
      requiredSkills: ['first_aid'],
      slots: 2,
      startsAt: inHours(24),
      endsAt: inHours(28),
      ...overrides,
    });
    expect(res.status).toBe(201);
    return res.body as TaskView;
  }

  const apply = (taskId: string, as: Actor, body: object = {}, headers = {}) =>
    call('post', `/tasks/${taskId}/applications`, as, body, headers);
  const act = (id: string, step: string, as: Actor, body?: object) =>
    call('post', `/applications/${id}/${step}`, as, body);

  it('walks an application from pending to completed, with hours on the record and stats', async () => {
    const task = await createTask({ slots: 3 });
    const volunteer = await signed();

    const applied = await apply(task.id, volunteer, { message: '<i>Буду</i>' });
    const accepted = await act(applied.body.id, 'accept', coordinator);
    const checkedIn = await act(applied.body.id, 'check-in', coordinator);
    const completed = await act(applied.body.id, 'complete', coordinator, { hours: 5.25 });
    const mine = await call('get', '/me/applications', volunteer);
    const initiative = await call('get', `/initiatives/${delivery.id}`);

    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ status: 'pending', message: '<i>Буду</i>' });
    expect([accepted.status, checkedIn.status, completed.status]).toEqual([200, 200, 200]);
    expect(completed.body).toMatchObject({ status: 'completed', hours: 5.25 });
    expect(mine.status).toBe(200);
    expect(mine.body as MyApplicationPage).toMatchObject({
      verifiedHours: 5.25,
      completedShifts: 1,
      nextCursor: null,
      items: [
        {
          id: applied.body.id,
          hours: 5.25,
          task: { id: task.id, title: 'Розбір завалів' },
          initiative: { id: delivery.id, title: 'Ініціатива co-delivery' },
        },
      ],
    });
    expect(initiative.body.stats).toMatchObject({ volunteers: 1, hours: 5.25 });
  });

  it('answers 409 for a second application, a full task, an overlapping shift, a wrong step', async () => {
    const task = await createTask({ slots: 1 });
    const overlapping = await createTask({ startsAt: inHours(27), endsAt: inHours(30) });
    const [first, second] = [await signed(), await signed()];
    const a = await apply(task.id, first);
    const b = await apply(task.id, second);
    await act(a.body.id, 'accept', coordinator);
    const elsewhere = await apply(overlapping.id, first);

    const again = await apply(task.id, first);
    const full = await act(b.body.id, 'accept', coordinator);
    const completeAccepted = await act(a.body.id, 'complete', coordinator, { hours: 2 });

    expectProblem(again, 409);
    expectProblem(full, 409);
    expectProblem(completeAccepted, 409);
    expectProblem(elsewhere, 409);
    expect(elsewhere.body.detail).toMatch(/overlaps/);
  });

  it('checks who takes each step: 401, 403, 404', async () => {
    const task = await createTask();
    const volunteer = await signed();
    const applied = await apply(task.id, volunteer);
    const id = applied.body.id as string;

    expectProblem(await apply(task.id, undefined as unknown as Actor), 401);
    expectProblem(await act(id, 'accept', volunteer), 403);
    expectProblem(await act(id, 'withdraw', coordinator), 403);
    expectProblem(await act(id, 'accept', outsider), 404);
    expectProblem(await call('get', `/tasks/${task.id}/applications`, volunteer), 403);
    expectProblem(await call('get', `/tasks/${task.id}/applications`, outsider), 403);
    expectProblem(await call('get', `/applications/${id}`, await signed()), 404);
    expectProblem(await act('not-an-id', 'accept', coordinator), 404);
    expectProblem(await apply(newId(), volunteer), 404);
    const withdrawn = await act(id, 'withdraw', volunteer);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn' });
  });

  it('refuses bad input with a 400 problem, and stores HTML as text', async () => {
    const task = await createTask();
    const volunteer = await signed();
    const applied = await apply(task.id, volunteer);
    await act(applied.body.id, 'accept', coordinator);
    await act(applied.body.id, 'check-in', coordinator);

    const bad: [string, request.Response][] = [
      ['unknown field', await apply(task.id, await signed(), { role: 'admin' })],
      ['long message', await apply(task.id, await signed(), { message: 'я'.repeat(1001) })],
      ['control char', await apply(task.id, await signed(), { contact: 'a\u0000b' })],
      ['operator', await apply(task.id, await signed(), { message: { $ne: null } })],
      ['array body', await apply(task.id, await signed(), [])],
      ['bad key', await apply(task.id, await signed(), {}, { 'Idempotency-Key': 'k'.repeat(201) })],
      ['hours 25', await act(applied.body.id, 'complete', coordinator, { hours: 25 })],
      ['hours 1.1', await act(applied.body.id, 'complete', coordinator, { hours: 1.1 })],
      ['hours text', await act(applied.body.id, 'complete', coordinator, { hours: '3' })],
      ['no hours', await act(applied.body.id, 'complete', coordinator, {})],
      ['status', await call('get', `/tasks/${task.id}/applications?status=done`, coordinator)],
      ['limit', await call('get', '/me/applications?limit=101', volunteer)],
      ['cursor', await call('get', '/me/applications?cursor=bm90IGEgY3Vyc29y', volunteer)],
    ];

    expect(bad.map(([name, res]) => [name, res.status])).toEqual(bad.map(([name]) => [name, 400]));
    for (const [, res] of bad) expect(res.headers['content-type']).toMatch(PROBLEM_TYPE);
    const html = await apply(task.id, await signed(), { message: '<script>alert(1)</script>' });
    expect(html.body.message).toBe('<script>alert(1)</script>');
  });

  it('replays an Idempotency-Key: same body the first answer, another body 422', async () => {
    const task = await createTask({ autoAccept: true });
    const volunteer = await signed();
    const key = randomUUID();

    const first = await apply(task.id, volunteer, { message: 'Так' }, { 'Idempotency-Key': key });
    const repeat = await apply(task.id, volunteer, { message: 'Так' }, { 'Idempotency-Key': key });
    const other = await apply(task.id, volunteer, { message: 'Ні' }, { 'Idempotency-Key': key });

    expect([first.status, repeat.status]).toEqual([201, 201]);
    expect(repeat.body).toEqual(first.body);
    expectProblem(other, 422);
    const taskAfter = await call('get', `/tasks/${task.id}`);
    expect(taskAfter.body.filled).toBe(1);
  });

  it('gives 5 of 100 simultaneous applicants the 5 slots and waitlists 95, never a 5xx', async () => {
    const task = await createTask({
      slots: 5,
      autoAccept: true,
      startsAt: inHours(50),
      endsAt: inHours(52),
    });
    const volunteers = await Promise.all(Array.from({ length: 100 }, () => signed()));

    const answers = await Promise.all(volunteers.map((v) => apply(task.id, v)));

    const count = (status: string) => answers.filter((a) => a.body.status === status).length;
    expect(answers.map((a) => a.status).filter((s) => s !== 201)).toEqual([]);
    expect([count('accepted'), count('waitlisted')]).toEqual([5, 95]);
    const after = await call('get', `/tasks/${task.id}`);
    expect(after.body).toMatchObject({ slots: 5, filled: 5 });
    const listed: ApplicationView[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await call(
        'get',
        `/tasks/${task.id}/applications?limit=30${cursor ? `&cursor=${cursor}` : ''}`,
        coordinator,
      );
      listed.push(...(page.body as TaskApplicationPage).items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(listed).toHaveLength(100);
    expect(new Set(listed.map((a) => a.id)).size).toBe(100);

    // A withdrawal promotes the first waitlisted, in the order they applied.
    const holder = answers.find((a) => a.body.status === 'accepted')!;
    const holderActor = volunteers[answers.indexOf(holder)];
    const firstWaiting = listed.find((a) => a.status === 'waitlisted')!;
    await act(holder.body.id, 'withdraw', holderActor);
    const promoted = await call('get', `/applications/${firstWaiting.id}`, coordinator);
    expect(promoted.body.status).toBe('accepted');
    expect((await call('get', `/tasks/${task.id}`)).body.filled).toBe(5);
  }, 120_000);

  it('erases a volunteer who applied, proposed, voted and reported (DELETE /me)', async () => {
    const displayName = `Ярина Тестова-${unique}`;
    const person = await register(displayName);
    const profile = await call('patch', '/me', person, {
      skills: [{ code: 'first_aid', level: 2 }],
      district: `Petrykivka-${unique}`,
      contactable: true,
    });
    expect(profile.status).toBe(200);
    const task = await createTask({ startsAt: inHours(70), endsAt: inHours(72) });
    const applied = await apply(task.id, person, {
      message: `${displayName}: тел. 067`,
      contact: '067',
    });
    await act(applied.body.id, 'accept', coordinator);
    await act(applied.body.id, 'check-in', coordinator);
    await act(applied.body.id, 'complete', coordinator, { hours: 4 });
    const codesign = await createPublished('co-design');
    const proposal = await call('post', `/initiatives/${codesign.id}/proposals`, person, {
      title: 'Пропозиція',
      body: 'Більше лавок у сквері',
    });
    const vote = await call('post', `/proposals/${proposal.body.id}/votes`, person);
    const monitoring = await createPublished('co-monitoring');
    const reported = await call('post', `/initiatives/${monitoring.id}/reports`, person, {
      title: 'Розбита лавка',
      description: `Біля мого дому, ${displayName}`,
      severity: 'low',
      location: { lat: 48.512345, lng: 34.612345 },
      observedAt: inHours(-1),
    });
    expect([proposal.status, vote.status, reported.status]).toEqual([201, 201, 201]);
    const shared = await eventually(
      () => call('get', `/tasks/${task.id}/applications`, coordinator),
      (res) => res.body.items?.[0]?.volunteer?.displayName === displayName,
    );
    expect(shared.body.items[0].volunteer).toMatchObject({
      id: person.userId,
      displayName,
      skills: [{ code: 'first_aid', level: 2 }],
      contactable: true,
    });
    expect(JSON.stringify(shared.body)).not.toContain('@example.org');
    const exported = await call('get', '/me/export', person);
    expect(exported.body.services.initiatives).toMatchObject({
      participation: [expect.objectContaining({ hours: 4, status: 'completed' })],
      volunteerRecord: [expect.objectContaining({ hours: 4 })],
      proposals: [expect.objectContaining({ title: 'Пропозиція' })],
      votes: [expect.objectContaining({ proposalId: proposal.body.id })],
      reports: [expect.objectContaining({ title: 'Розбита лавка' })],
    });
    const processed = processedEventModel(initiatives);
    const before = await processed.countDocuments({ consumer: erasureDurable('initiatives') });

    const erased = await call('delete', '/me', person);

    expect(erased.status).toBe(204);
    await eventually(
      () => processed.countDocuments({ consumer: erasureDurable('initiatives') }),
      (n) => n > before,
    );
    await eventually(
      () => initiatives.collection('volunteers').countDocuments({ _id: person.userId as never }),
      (n) => n === 0,
    );
    for (const collection of [
      'applications',
      'volunteer_records',
      'volunteers',
      'application_requests',
      'proposals',
      'votes',
      'reports',
    ]) {
      const json = JSON.stringify(await initiatives.collection(collection).find().toArray());
      expect({
        collection,
        id: json.includes(person.userId),
        name: json.includes(displayName),
      }).toEqual({
        collection,
        id: false,
        name: false,
      });
    }
    const list = await call('get', `/tasks/${task.id}/applications`, coordinator);
    expect(list.body.items[0]).toMatchObject({
      userId: null,
      volunteer: null,
      message: null,
      hours: 4,
    });
    const proposalAfter = await call('get', `/proposals/${proposal.body.id}`);
    // Written for the public deliberation, the proposal stays (as on Decidim), without its author.
    expect(proposalAfter.body as ProposalView).toMatchObject({
      author: null,
      votes: 1,
      body: 'Більше лавок у сквері',
    });
    const reportAfter = await call('get', `/reports/${reported.body.id}`, coordinator);
    expect(reportAfter.body as ReportView).toMatchObject({
      location: { lat: 48.51, lng: 34.61 },
      evidenceUrls: [],
    });
    expect(
      (await call('get', `/initiatives/${delivery.id}`)).body.stats.hours,
    ).toBeGreaterThanOrEqual(4);
  }, 60_000);
});
