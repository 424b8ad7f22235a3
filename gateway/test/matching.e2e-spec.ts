/**
 * Matching end to end: HTTP through the real gateway, the four services in-process on one real
 * nats-server (JetStream) and one MongoDB wire server. A volunteer fills a profile; an
 * organization posts an urgent task near them; the volunteer gets it recommended (reasons in
 * Ukrainian, skill names from the users service's taxonomy) and notified, the coordinators see
 * them as a candidate and in an assignment plan; applying takes the task out of their
 * recommendations, and erasing the account takes the volunteer out of matching.
 */
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { nextSecondAfter } from './authz/fixtures';
import { eventually } from './support';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startSystem, TestSystem } from './system';

const PROBLEM_TYPE = /^application\/problem\+json/;
const PASSWORD = 'matching e2e passphrase';
const DNIPRO = { lat: 48.46, lng: 35.05 };
/** About 3 km east of DNIPRO. */
const NEAR = { lat: 48.46, lng: 35.09 };

interface Session {
  user: { id: string };
  accessToken: string;
  refreshToken: string;
}

/** The next Saturday at least 3 days ahead, `hour`:00 in Kyiv, as an ISO instant. */
function saturdayAt(hour: number): string {
  const kyivHour = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Kyiv',
    hour: '2-digit',
    hourCycle: 'h23',
  });
  const day = new Date(Date.now() + 3 * 86_400_000);
  day.setUTCDate(day.getUTCDate() + ((6 - day.getUTCDay() + 7) % 7));
  for (const utcHour of [hour - 3, hour - 2]) {
    const at = new Date(
      Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), utcHour),
    );
    if (Number(kyivHour.format(at)) === hour) return at.toISOString();
  }
  throw new Error('no such hour in Kyiv');
}

describe('matching (e2e: gateway, NATS, four services, MongoDB)', () => {
  let system: TestSystem;
  let http: ReturnType<typeof request>;
  let admin: Session;
  let owner: Session;
  let olena: Session;
  let stranger: Session;
  let initiativeId: string;
  let taskId: string;
  /** Not urgent, on Sunday: Olena will not apply to it. */
  let otherTaskId: string;

  const bearer = (s: Session) => `Bearer ${s.accessToken}`;
  const get = (path: string, as?: Session) => {
    const req = http.get(`/api/v1${path}`);
    return as ? req.set('Authorization', bearer(as)) : req;
  };
  const post = (path: string, as: Session | null, body?: object) => {
    const req = http.post(`/api/v1${path}`);
    const authed = as ? req.set('Authorization', bearer(as)) : req;
    return body === undefined ? authed : authed.send(body);
  };

  async function register(name: string, displayName: string, locale: 'uk' | 'en') {
    const res = await http.post('/api/v1/auth/register').send({
      email: `${name}-${Date.now()}@matching.example.org`,
      password: PASSWORD,
      displayName,
      locale,
    });
    expect(res.status).toBe(201);
    return res.body as Session;
  }

  beforeAll(async () => {
    system = await startSystem();
    http = system.http;
    const login = await http
      .post('/api/v1/auth/login')
      .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    admin = login.body as Session;
    owner = await register('owner', 'Координаторка', 'en');
    olena = await register('olena', 'Олена', 'uk');
    stranger = await register('stranger', 'Сторонній', 'uk');

    const org = await post('/organizations', owner, {
      name: 'Фонд «Поруч»',
      kind: 'ngo',
      region: 'UA-12',
    });
    expect(org.status).toBe(201);
    expect((await post(`/organizations/${org.body.id}/verify`, admin)).status).toBe(200);
    await nextSecondAfter(Date.now());
    const refreshed = await http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: owner.refreshToken });
    owner = refreshed.body as Session;

    const profile = await http
      .patch('/api/v1/me')
      .set('Authorization', bearer(olena))
      .send({
        region: 'UA-12',
        location: DNIPRO,
        skills: [{ code: 'first_aid', level: 2 }],
        availability: [{ day: 'sat', from: '09:00', to: '15:00' }],
        maxHoursPerWeek: 20,
        contactable: true,
      });
    expect(profile.status).toBe(200);

    const initiative = await post('/initiatives', owner, {
      organizationId: org.body.id,
      title: 'Дніпро поруч',
      description: 'Перша допомога на пунктах незламності.',
      mode: 'co-delivery',
      category: 'healthcare',
      region: 'UA-12',
    });
    expect(initiative.status).toBe(201);
    initiativeId = initiative.body.id as string;
    const task = await post(`/initiatives/${initiativeId}/tasks`, owner, {
      title: 'Пункт першої допомоги',
      requiredSkills: ['first_aid'],
      slots: 2,
      startsAt: saturdayAt(10),
      endsAt: saturdayAt(14),
      location: NEAR,
      urgency: 'high',
      autoAccept: false,
    });
    expect(task.status).toBe(201);
    taskId = task.body.id as string;
    const other = await post(`/initiatives/${initiativeId}/tasks`, owner, {
      title: 'Сортування ліків',
      requiredSkills: ['first_aid'],
      slots: 1,
      startsAt: new Date(Date.parse(saturdayAt(10)) + 86_400_000).toISOString(),
      endsAt: new Date(Date.parse(saturdayAt(14)) + 86_400_000).toISOString(),
      location: NEAR,
      urgency: 'normal',
    });
    expect(other.status).toBe(201);
    otherTaskId = other.body.id as string;
    // The draft's task and Olena's profile reached matching: publishing now reaches out.
    const seen = await eventually(
      () => get(`/tasks/${taskId}/candidates`, owner),
      (res) => res.status === 200 && res.body.length === 1,
    );
    expect(seen.body).toHaveLength(1);
    expect((await post(`/initiatives/${initiativeId}/publish`, owner)).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await system?.close();
  });

  it('recommends the task with reasons in the volunteer’s language', async () => {
    const res = await eventually(
      () => get('/me/recommendations', olena),
      (r) => r.status === 200 && r.body.length === 2,
    );

    expect(res.status).toBe(200);
    expect(res.body.map((r: { task: { id: string } }) => r.task.id)).toEqual([taskId, otherTaskId]);
    expect(res.body[0]).toEqual({
      task: expect.objectContaining({ id: taskId, urgency: 'high', slots: 2, filled: 0 }),
      initiative: { id: initiativeId, title: 'Дніпро поруч' },
      score: expect.any(Number),
      reasons: [
        'перша домедична допомога, рівень 2',
        'ви вільні Сб 10:00-14:00',
        '3 км від вас',
        'терміново',
      ],
    });
    expect(res.body[0].score).toBeGreaterThan(0.7);
    expect(res.body[0].score).toBeLessThanOrEqual(1);
  });

  it('shows coordinators the contactable volunteer, only what they allow, in English', async () => {
    const res = await get(`/tasks/${taskId}/candidates?limit=5`, owner);

    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        user: {
          id: olena.user.id,
          displayName: 'Олена',
          skills: [{ code: 'first_aid', level: 2 }],
        },
        score: expect.any(Number),
        reasons: ['first aid, level 2', 'free Sat 10:00-14:00', '3 km away', 'urgent'],
      },
    ]);
    const others = await get(`/tasks/${taskId}/candidates`, stranger);
    expect(others.status).toBe(403);
    expect(others.headers['content-type']).toMatch(PROBLEM_TYPE);
    expect((await get(`/tasks/not-a-task/candidates`, owner)).status).toBe(404);
    expect((await get(`/tasks/${taskId}/candidates?limit=0`, owner)).status).toBe(400);
    expect((await get(`/tasks/${taskId}/candidates`)).status).toBe(401);
  });

  it('plans the assignment, and says why a slot stays open', async () => {
    const res = await post(`/initiatives/${initiativeId}/assignment-plan`, owner, {
      taskIds: [taskId],
    });
    const whole = await post(`/initiatives/${initiativeId}/assignment-plan`, owner, {});

    expect(whole.status).toBe(200);
    // Olena fits the urgent task better; the other one's only candidate is taken.
    expect(whole.body.assignments).toEqual([res.body.assignments[0]]);
    expect(whole.body.unfilled).toContainEqual(
      expect.objectContaining({
        taskId: otherTaskId,
        missing: 1,
        reason: 'candidates_assigned_elsewhere',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      assignments: [{ taskId, userId: olena.user.id, score: expect.any(Number) }],
      unfilled: [
        {
          taskId,
          missing: 1,
          reason: 'too_few_candidates',
          eligible: 1,
          why: '1 short: too few contactable volunteers nearby have the skills and the time',
        },
      ],
      totalScore: res.body.assignments[0].score,
    });
    const refused = await post(`/initiatives/${initiativeId}/assignment-plan`, owner, {
      taskIds: ['x'],
      extra: true,
    });
    expect(refused.status).toBe(400);
    expect((await post(`/initiatives/${initiativeId}/assignment-plan`, stranger, {})).status).toBe(
      403,
    );
  });

  it('notifies the volunteer, whose inbox only they may read and mark', async () => {
    const inbox = await eventually(
      () => get('/me/notifications', olena),
      (r) => r.status === 200 && r.body.items.length > 0,
    );

    expect(inbox.body).toEqual({
      items: [
        {
          id: expect.any(String),
          kind: 'urgent_task',
          taskId,
          initiativeId,
          title: 'Терміново потрібна допомога: Пункт першої допомоги',
          body: expect.stringContaining('перша домедична допомога, рівень 2'),
          createdAt: expect.any(String),
          readAt: null,
        },
      ],
      nextCursor: null,
    });
    const id = inbox.body.items[0].id as string;
    const notTheirs = await post(`/notifications/${id}/read`, owner);
    const read = await post(`/notifications/${id}/read`, olena);
    const unread = await get('/me/notifications?unread=true', olena);

    expect(notTheirs.status).toBe(404);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, readAt: expect.any(String) });
    expect(unread.body.items).toEqual([]);
    expect((await get('/me/notifications', owner)).body.items).toEqual([]);
    expect((await get('/me/notifications?unread=maybe', olena)).status).toBe(400);
  });

  it('exports what matching holds about the volunteer', async () => {
    const res = await get('/me/export', olena);

    expect(res.status).toBe(200);
    const matching = res.body.services.matching;
    expect(matching.matchingProfile).toEqual([
      expect.objectContaining({ _id: olena.user.id, displayName: 'Олена', contactable: true }),
    ]);
    expect(matching.notifications).toHaveLength(1);
    expect(matching.toldAboutTasks).toEqual([expect.objectContaining({ taskId })]);
  });

  it('stops recommending a task the volunteer applied to', async () => {
    expect((await post(`/tasks/${taskId}/applications`, olena, {})).status).toBe(201);

    const res = await eventually(
      () => get('/me/recommendations', olena),
      (r) => r.status === 200 && r.body.length === 1,
    );
    expect(res.body.map((r: { task: { id: string } }) => r.task.id)).toEqual([otherTaskId]);
  });

  it('forgets an erased volunteer: no candidate, no record in the matching database', async () => {
    const before = await get(`/tasks/${otherTaskId}/candidates`, owner);
    expect(before.body.map((c: { user: { id: string } }) => c.user.id)).toEqual([olena.user.id]);

    expect((await http.delete('/api/v1/me').set('Authorization', bearer(olena))).status).toBe(204);

    const candidates = await eventually(
      () => get(`/tasks/${otherTaskId}/candidates`, owner),
      (r) => r.status === 200 && r.body.length === 0,
    );
    expect(candidates.body).toEqual([]);
    const matching = system.services.get('matching')!.get<Connection>(getConnectionToken());
    for (const collection of ['volunteers', 'applications', 'notifications', 'task_notices']) {
      const left = await eventually(
        () =>
          matching
            .collection(collection)
            .countDocuments({ $or: [{ _id: olena.user.id as never }, { userId: olena.user.id }] }),
        (n) => n === 0,
      );
      expect({ collection, left }).toEqual({ collection, left: 0 });
    }
  });
});
