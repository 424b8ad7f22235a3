/**
 * Proactive outreach over a simulated week (the service runs on the test's clock): urgent tasks
 * reach the best-matching contactable volunteers, at most 3 notifications per person per day,
 * rotating fairly among equally good matches; a freed slot reaches new people, never those who
 * applied or were told before; a waitlist takes a freed slot without outreach. Then the inbox:
 * pages, the unread filter, marking read (the recipient only).
 */
import type { DomainError, NotificationPage, NotificationView, Principal } from '@spilno/contracts';
import { ErrorCode, EventSubjects, Subjects } from '@spilno/contracts';
import {
  applicationEvent,
  citizen,
  initiativeEvent,
  MatchingUnderTest,
  newId,
  profile,
  startMatching,
  SUBJECT_OF_STATUS,
  taskEvent,
  TestClock,
  until,
} from './support';

const DAY_MS = 86_400_000;
// Monday 3 June 2030, 08:00 in Kyiv.
const MONDAY = new Date('2030-06-03T05:00:00Z');
const DNIPRO = { lat: 48.4647, lng: 35.0462 };
const EVERY_DAY = (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((day) => ({
  day,
  from: '08:00',
  to: '20:00',
}));

const org = newId();
const initiativeId = newId();
/** Eight volunteers who fit every task equally, and one who fits better (level 3). */
const equals = Array.from({ length: 8 }, () => citizen());
const star = citizen();

describe('outreach (e2e, real NATS and MongoDB wire server, simulated week)', () => {
  let m: MatchingUnderTest;
  const clock = new TestClock(MONDAY);
  /** Per person: the Kyiv days (index from Monday) of their notifications. */
  const days = new Map<string, number[]>();

  const inbox = (who: Principal, query: object = {}) =>
    m.send<NotificationPage>(Subjects.matching.notificationList, query, who);

  /** Publishes an urgent one-slot task shifted to tomorrow; answers who its outreach told. */
  async function urgentTask(overrides: object = {}): Promise<{ taskId: string; told: string[] }> {
    const taskId = newId();
    const tomorrow10 = new Date(clock.now().getTime() + DAY_MS + 2 * 3_600_000);
    const event = await m.publish(
      EventSubjects.initiatives.taskCreated,
      taskEvent(
        {
          taskId,
          initiativeId,
          organizationId: org,
          requiredSkills: ['first_aid'],
          slots: 1,
          location: DNIPRO,
          urgency: 'high',
          startsAt: tomorrow10.toISOString(),
          endsAt: new Date(tomorrow10.getTime() + 4 * 3_600_000).toISOString(),
          ...overrides,
        },
        clock.now(),
      ),
    );
    await until(
      () =>
        m.connection
          .collection('outreach_runs')
          .countDocuments({ _id: `${event.id}:${taskId}` as never }),
      (n) => n === 1,
    );
    const told = await m.connection
      .collection('notifications')
      .find({ taskId })
      .project<{ userId: string }>({ userId: 1 })
      .toArray();
    return { taskId, told: told.map((n) => n.userId) };
  }

  async function application(
    taskId: string,
    userId: string,
    status: 'pending' | 'accepted' | 'waitlisted' | 'withdrawn',
    previousStatus: 'accepted' | 'waitlisted' | null,
    filled: number,
    applicationId = newId(),
  ) {
    const event = await m.publish(
      SUBJECT_OF_STATUS[status],
      applicationEvent(
        {
          applicationId,
          taskId,
          initiativeId,
          organizationId: org,
          userId,
          status,
          previousStatus,
          slots: 1,
          filled,
        },
        clock.now(),
      ),
    );
    await until(
      () =>
        m.connection
          .collection('processed_events')
          .countDocuments({ _id: `matching-read-model:${event.id}` as never }),
      (n) => n === 1,
    );
    return applicationId;
  }

  const advance = (ms: number) => clock.set(new Date(clock.now().getTime() + ms));

  beforeAll(async () => {
    m = await startMatching(clock, 'outreach');
    const at = new Date(MONDAY.getTime() - 60_000);
    for (const [i, person] of [...equals, star].entries()) {
      await m.publish(
        EventSubjects.users.userRegistered,
        profile(
          person.userId,
          {
            displayName: person === star ? 'Star' : `Equal ${i + 1}`,
            region: 'UA-12',
            location: DNIPRO,
            skills: [{ code: 'first_aid', level: person === star ? 3 : 2 }],
            availability: EVERY_DAY,
            contactable: true,
          },
          at,
        ),
        'users',
      );
    }
    await m.publish(
      EventSubjects.initiatives.initiativePublished,
      initiativeEvent({ initiativeId, organizationId: org }, MONDAY),
    );
    await until(
      () =>
        [...equals, star].every((p) => m.index.volunteerEntry(p.userId)) &&
        m.index.initiativeRecord(initiativeId),
      Boolean,
    );
  });

  afterAll(async () => {
    await m?.close();
  });

  it('tells at most 3 people a day each, the best first, the equally good in turn', async () => {
    for (let day = 0; day < 7; day++) {
      clock.set(new Date(MONDAY.getTime() + day * DAY_MS));
      // Sunday asks for more than everyone may get: 10 tasks x 3 people, 9 people x 3 a day.
      const tasks = day === 6 ? 10 : 4;
      for (let i = 0; i < tasks; i++) {
        advance(60_000);
        const { told } = await urgentTask();
        for (const userId of told) days.set(userId, [...(days.get(userId) ?? []), day]);
        if (day < 6 || i < 9) expect(told).toHaveLength(3);
        else expect(told).toEqual([]);
      }
    }

    const perDay = [...days.values()].flatMap((list) =>
      [0, 1, 2, 3, 4, 5, 6].map((day) => list.filter((d) => d === day).length),
    );
    expect(Math.max(...perDay)).toBe(3);
    // The best match is told first: 3 times every day.
    expect(days.get(star.userId)).toEqual([
      0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6,
    ]);
    // The equally good share the rest evenly: totals differ by at most one.
    const totals = equals.map((p) => days.get(p.userId)?.length ?? 0);
    expect(totals.reduce((a, b) => a + b, 0)).toBe(6 * 9 + 24);
    expect(Math.max(...totals) - Math.min(...totals)).toBeLessThanOrEqual(1);
    // On Sunday everyone reached the limit.
    for (const person of [...equals, star]) {
      expect(days.get(person.userId)!.filter((d) => d === 6)).toHaveLength(3);
    }
    const counters = await m.connection
      .collection('outreach_days')
      .find({ day: '2030-06-09' })
      .toArray();
    expect(counters.map((c) => c.count)).toEqual(new Array(9).fill(3));
  });

  it('tells new people when a slot frees, never those who applied or were told', async () => {
    clock.set(new Date(MONDAY.getTime() + 8 * DAY_MS));
    const { taskId, told } = await urgentTask();
    expect(told).toHaveLength(3);
    const applicant = equals.find((p) => told.includes(p.userId))!;
    const withdrawing = equals.find((p) => !told.includes(p.userId))!;

    await application(taskId, applicant.userId, 'pending', null, 0);
    const accepted = await application(taskId, withdrawing.userId, 'accepted', null, 1);
    advance(60_000);
    await application(taskId, withdrawing.userId, 'withdrawn', 'accepted', 0, accepted);

    const freed = await until(
      () => m.connection.collection('notifications').find({ taskId, kind: 'slot_freed' }).toArray(),
      (list) => list.length === 3,
    );
    const freedFor = freed.map((n) => n.userId as string);
    expect(freedFor).toHaveLength(3);
    for (const excluded of [...told, withdrawing.userId]) expect(freedFor).not.toContain(excluded);
    expect(
      await m.connection
        .collection('notifications')
        .countDocuments({ taskId, userId: applicant.userId }),
    ).toBe(1);
  });

  it('lets the waitlist take a freed slot, telling nobody', async () => {
    advance(3_600_000);
    const { taskId } = await urgentTask();
    const [first, waiting] = [citizen(), citizen()];
    for (const person of [first, waiting]) {
      await m.publish(
        EventSubjects.users.userRegistered,
        profile(person.userId, { displayName: 'Late', region: 'UA-12' }, clock.now()),
        'users',
      );
    }
    const accepted = await application(taskId, first.userId, 'accepted', null, 1);
    await application(taskId, waiting.userId, 'waitlisted', null, 1);
    await application(taskId, first.userId, 'withdrawn', 'accepted', 0, accepted);

    expect(
      await m.connection.collection('notifications').countDocuments({ taskId, kind: 'slot_freed' }),
    ).toBe(0);
  });

  it('pages the inbox newest first, filters unread, and lets only the recipient mark read', async () => {
    const first = await inbox(star, { limit: 2 });
    const second = await inbox(star, { limit: 2, cursor: first.nextCursor });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(second.items[0]!.createdAt <= first.items[1]!.createdAt).toBe(true);
    expect(second.items.map((n) => n.id)).not.toContain(first.items[1]!.id);
    const newest: NotificationView = first.items[0]!;
    expect(newest).toMatchObject({
      kind: 'urgent_task',
      initiativeId,
      title: expect.stringMatching(/^Urgent help needed: /),
      readAt: null,
    });
    expect(newest.body).toContain('first aid, level 3');

    const stranger = await m
      .send(Subjects.matching.notificationRead, { notificationId: newest.id }, equals[0]!)
      .then(
        () => null,
        (e: DomainError) => e.code,
      );
    const read = await m.send<NotificationView>(
      Subjects.matching.notificationRead,
      { notificationId: newest.id },
      star,
    );
    const unread = await inbox(star, { unread: true, limit: 100 });

    expect(stranger).toBe(ErrorCode.NotFound);
    expect(read).toMatchObject({ id: newest.id, readAt: clock.now().toISOString() });
    expect(unread.items.map((n) => n.id)).not.toContain(newest.id);
    expect(unread.items.length).toBe(
      (await m.connection.collection('notifications').countDocuments({ userId: star.userId })) - 1,
    );
    const badCursor = await inbox(star, { cursor: 'not-a-cursor' }).then(
      () => null,
      (e: DomainError) => e.code,
    );
    expect(badCursor).toBe(ErrorCode.Validation);
  });
});
