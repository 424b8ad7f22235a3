/**
 * The matching service over a real NATS (JetStream) and MongoDB wire server: the read model
 * built from the users and initiatives services' events, recommendations and candidates with
 * their reasons for hand-made cases, exact assignment plans, an erased person leaving the read
 * model, and a replay of the stream from zero giving the same read model.
 */
import type {
  AssignmentPlanView,
  CandidateView,
  DomainError,
  Principal,
  RecommendationView,
} from '@spilno/contracts';
import { ErrorCode, EventSubjects, Subjects } from '@spilno/contracts';
import { ReadModelRepository } from '../src/read-model/read-model.repository';
import {
  applicationEvent,
  citizen,
  coordinatorOf,
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

// Monday 3 June 2030, 08:00 in Kyiv (UTC+3 in summer).
const NOW = new Date('2030-06-03T05:00:00Z');
/** A shift on a day of that week, local Kyiv hours. */
const shift = (day: number, from: number, to: number) => ({
  startsAt: new Date(Date.UTC(2030, 5, day, from - 3)).toISOString(),
  endsAt: new Date(Date.UTC(2030, 5, day, to - 3)).toISOString(),
});

const DNIPRO = { lat: 48.4647, lng: 35.0462 };
/** 3 km east of Olena. */
const NEAR = { lat: 48.4647, lng: 35.0869 };
/** 20 km north of NEAR. */
const IVAN_HOME = { lat: 48.6446, lng: 35.0869 };
const KHARKIV = { lat: 49.99, lng: 36.23 };

const orgA = newId();
const orgB = newId();
const coordinatorA = coordinatorOf(orgA);
const coordinatorB = coordinatorOf(orgB);

const olena = citizen();
const ivan = citizen();
const petro = citizen();
const maria = citizen();

const published = newId();
const draft = newId();
const planned = newId();
const inKharkiv = newId();
const T = Object.fromEntries(
  ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9', 'T10', 'T11'].map((k) => [k, newId()]),
) as Record<string, string>;
const P = Object.fromEntries(['P1', 'P2', 'P3', 'P4', 'P5'].map((k) => [k, newId()])) as Record<
  string,
  string
>;
/** The test's name of a task id, for readable failures. */
const nameOf = (id: string) =>
  Object.entries({ ...T, ...P }).find(([, value]) => value === id)?.[0] ?? id;

describe('matching (e2e, real NATS and MongoDB wire server)', () => {
  let m: MatchingUnderTest;
  const clock = new TestClock(NOW);

  const recommendationsOf = (who: Principal) =>
    m.send<RecommendationView[]>(Subjects.matching.recommendationList, {}, who);
  const candidatesOf = (taskId: string, who: Principal) =>
    m.send<CandidateView[]>(Subjects.matching.candidateList, { taskId }, who);
  const plan = (initiativeId: string, who: Principal, taskIds?: string[]) =>
    m.send<AssignmentPlanView>(
      Subjects.matching.assignmentPlanCreate,
      taskIds ? { initiativeId, taskIds } : { initiativeId },
      who,
    );
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (e: DomainError) => e.code,
    );

  async function task(
    taskId: string,
    initiativeId: string,
    fields: Parameters<typeof taskEvent>[0] extends infer F ? Partial<F> : never,
  ) {
    await m.publish(
      EventSubjects.initiatives.taskCreated,
      taskEvent(
        { taskId, initiativeId, organizationId: orgA, ...shift(8, 10, 14), ...fields },
        clock.now(),
      ),
    );
  }

  beforeAll(async () => {
    m = await startMatching(clock, 'matching');
    const at = new Date(NOW.getTime() - 60_000);
    await m.publish(
      EventSubjects.users.userRegistered,
      profile(
        olena.userId,
        {
          displayName: 'Olena',
          locale: 'en',
          region: 'UA-12',
          location: DNIPRO,
          skills: [
            { code: 'first_aid', level: 2 },
            { code: 'driving_licence_b', level: 3 },
          ],
          availability: [
            { day: 'tue', from: '09:00', to: '12:00' },
            { day: 'sat', from: '09:00', to: '15:00' },
          ],
          maxHoursPerWeek: 10,
          contactable: true,
        },
        at,
      ),
      'users',
    );
    await m.publish(
      EventSubjects.users.userRegistered,
      profile(
        ivan.userId,
        {
          displayName: 'Ivan',
          region: 'UA-12',
          location: IVAN_HOME,
          skills: [{ code: 'first_aid', level: 1 }],
          contactable: true,
        },
        at,
      ),
      'users',
    );
    await m.publish(
      EventSubjects.users.userRegistered,
      profile(
        petro.userId,
        {
          displayName: 'Петро',
          locale: 'uk',
          region: 'UA-12',
          location: DNIPRO,
          skills: [{ code: 'first_aid', level: 3 }],
          availability: [{ day: 'sat', from: '10:00', to: '14:00' }],
        },
        at,
      ),
      'users',
    );
    await m.publish(
      EventSubjects.users.userRegistered,
      profile(
        maria.userId,
        {
          displayName: 'Марія',
          region: 'UA-12',
          location: DNIPRO,
          skills: [{ code: 'cooking', level: 3 }],
          contactable: true,
        },
        at,
      ),
      'users',
    );
    // The coordinators are people too: their profiles give their locale.
    for (const coordinator of [coordinatorA, coordinatorB]) {
      await m.publish(
        EventSubjects.users.userRegistered,
        profile(coordinator.userId, { displayName: 'Coordinator', locale: 'en' }, at),
        'users',
      );
    }
    await until(
      () =>
        [olena, ivan, petro, maria, coordinatorB].every((p) => m.index.volunteerEntry(p.userId)),
      Boolean,
    );

    for (const initiativeId of [published, planned]) {
      await m.publish(
        EventSubjects.initiatives.initiativePublished,
        initiativeEvent({ initiativeId, organizationId: orgA, title: 'Дніпро допомагає' }, NOW),
      );
    }
    await m.publish(
      EventSubjects.initiatives.initiativePublished,
      initiativeEvent({ initiativeId: inKharkiv, organizationId: orgA, region: 'UA-63' }, NOW),
    );
    await task(T.T1, published, {
      title: 'Field hospital',
      requiredSkills: ['first_aid'],
      location: NEAR,
      urgency: 'high',
    });
    await task(T.T2, published, {
      requiredSkills: ['first_aid'],
      location: NEAR,
      slots: 2,
      ...shift(4, 18, 20),
    });
    await task(T.T3, published, { requiredSkills: ['cooking'], location: NEAR });
    await task(T.T4, inKharkiv, { region: 'UA-63', location: KHARKIV });
    await task(T.T5, published, { requiredSkills: ['first_aid'], slots: 2, filled: 2 });
    await task(T.T6, published, { requiredSkills: ['first_aid'], ...shift(9, 12, 16) });
    await task(T.T7, published, { requiredSkills: ['first_aid'], ...shift(9, 10, 14) });
    await task(T.T8, draft, { requiredSkills: ['first_aid'], initiativeStatus: 'draft' });
    await task(T.T9, published, { location: DNIPRO, urgency: 'low', ...shift(8, 12, 13) });
    await task(T.T10, published, { requiredSkills: ['first_aid'], ...shift(6, 10, 17) });
    await task(T.T11, published, {
      requiredSkills: ['first_aid'],
      startsAt: new Date(NOW.getTime() - 3_600_000).toISOString(),
      endsAt: new Date(NOW.getTime() + 3_600_000).toISOString(),
    });
    await m.publish(
      SUBJECT_OF_STATUS.accepted,
      applicationEvent(
        {
          applicationId: newId(),
          taskId: T.T7,
          initiativeId: published,
          organizationId: orgA,
          userId: olena.userId,
          status: 'accepted',
          slots: 3,
          filled: 1,
        },
        NOW,
      ),
    );
    // Two weeks on, not urgent: below the T tasks in Olena's recommendations.
    const later = { urgency: 'low' as const, slots: 1 };
    await task(P.P1, planned, {
      ...later,
      requiredSkills: ['driving_licence_b'],
      ...shift(19, 9, 12),
    });
    await task(P.P2, planned, { ...later, requiredSkills: ['first_aid'], ...shift(19, 9, 12) });
    await task(P.P3, planned, { ...later, requiredSkills: ['sign_language'], ...shift(19, 9, 12) });
    await task(P.P4, planned, {
      ...later,
      requiredSkills: ['first_aid'],
      slots: 5,
      ...shift(21, 9, 12),
    });
    await task(P.P5, planned, {
      ...later,
      requiredSkills: ['driving_licence_b'],
      ...shift(21, 13, 15),
    });
    await until(
      () => m.index.volunteerEntry(olena.userId)?.committed.has(T.T7) && m.index.taskEntry(P.P5),
      Boolean,
    );
  });

  afterAll(async () => {
    await m?.close();
  });

  it('recommends the open tasks a person can take, best first, with reasons', async () => {
    const items = await recommendationsOf(olena);

    expect(items.slice(0, 3).map((r) => [r.task.id, r.reasons])).toEqual([
      [T.T1, ['first aid, level 2', 'you are free Sat 10:00-14:00', '3 km away', 'urgent']],
      [T.T2, ['first aid, level 2', '3 km away', 'starts in 34 h']],
      [T.T9, ['you are free Sat 12:00-13:00', 'less than 1 km away']],
    ]);
    expect(items[0]).toMatchObject({
      task: { id: T.T1, title: 'Field hospital', urgency: 'high', slots: 3, filled: 0 },
      initiative: { id: published, title: 'Дніпро допомагає' },
    });
    // 0.35 skill (2 of 3) + 0.20 free + 0.20 e^(-3/30) + 0.15 high + 0.10 e^(-122/72).
    const expected =
      0.35 * (0.4 + 0.6 * (2 / 3)) +
      0.2 +
      0.2 * Math.exp(-3 / 30) +
      0.15 * 0.75 +
      0.1 * Math.exp(-122 / 72);
    expect(items[0]!.score).toBeCloseTo(expected, 2);
    expect(items.map((r) => r.score)).toEqual([...items.map((r) => r.score)].sort((a, b) => b - a));
  });

  it('leaves out what the person cannot take: skills, reach, full, started, drafts, overlaps, hours', async () => {
    const names = (await recommendationsOf(olena)).map((r) => nameOf(r.task.id));

    // Not T3 (skill), T4 (reach), T5 (full), T6 (overlaps T7), T7 (applied), T8 (draft),
    // T10 (weekly hours with T7), T11 (started).
    expect(names.sort()).toEqual(['P1', 'P2', 'P4', 'P5', 'T1', 'T2', 'T9']);
  });

  it('speaks the person’s locale', async () => {
    const items = await recommendationsOf(petro);

    // Until the users service answers the taxonomy, a skill is named by its code in words.
    expect(items[0]).toMatchObject({
      task: { id: T.T1 },
      reasons: ['first aid, рівень 3', 'ви вільні Сб 10:00-14:00', '3 км від вас', 'терміново'],
    });
  });

  it('recommends nothing to a person the read model does not know yet', async () => {
    expect(await recommendationsOf(citizen())).toEqual([]);
  });

  it('offers coordinators the contactable volunteers only, with what they allow', async () => {
    const candidates = await candidatesOf(T.T1, coordinatorA);

    expect(candidates.map((c) => c.user.id)).toEqual([olena.userId, ivan.userId]);
    expect(candidates[1]).toEqual({
      user: { id: ivan.userId, displayName: 'Ivan', skills: [{ code: 'first_aid', level: 1 }] },
      score: expect.any(Number),
      reasons: ['first aid, level 1', '20 km away', 'urgent'],
    });
    expect(candidates[0]!.reasons).toEqual([
      'first aid, level 2',
      'free Sat 10:00-14:00',
      '3 km away',
      'urgent',
    ]);
    expect(Object.keys(candidates[0]!.user).sort()).toEqual(['displayName', 'id', 'skills']);
  });

  it('answers candidates to the task’s organization only: 403 when public, 404 when not', async () => {
    expect(await failure(candidatesOf(T.T1, coordinatorB))).toBe(ErrorCode.Forbidden);
    expect(await failure(candidatesOf(T.T1, citizen()))).toBe(ErrorCode.Forbidden);
    expect(await failure(candidatesOf(T.T8, coordinatorB))).toBe(ErrorCode.NotFound);
    expect(await failure(candidatesOf(newId(), coordinatorA))).toBe(ErrorCode.NotFound);
    expect((await candidatesOf(T.T8, coordinatorA)).map((c) => c.user.id)).toEqual([
      olena.userId,
      ivan.userId,
    ]);
  });

  it('plans the assignment of maximum total score, and says why slots stay open', async () => {
    const [p1, p2] = await Promise.all([
      candidatesOf(P.P1, coordinatorA),
      candidatesOf(P.P2, coordinatorA),
    ]);
    const score = (list: CandidateView[], who: Principal) =>
      list.find((c) => c.user.id === who.userId)!.score;
    // Olena fits both tasks; she can take one. Ivan only first aid.
    const optimum = Math.max(
      score(p1, olena) + score(p2, ivan),
      score(p2, olena),
      score(p1, olena),
    );

    const result = await plan(planned, coordinatorA, [P.P1, P.P2, P.P3]);

    expect(result.assignments).toEqual([
      { taskId: P.P1, userId: olena.userId, score: score(p1, olena) },
      { taskId: P.P2, userId: ivan.userId, score: score(p2, ivan) },
    ]);
    expect(result.totalScore).toBeCloseTo(optimum, 3);
    expect(result.unfilled).toEqual([
      {
        taskId: P.P3,
        missing: 1,
        reason: 'no_candidates',
        eligible: 0,
        why: 'no contactable volunteer nearby has the skills and the time',
      },
    ]);
  });

  it('tells too few candidates from candidates the plan gave to other tasks', async () => {
    const few = await plan(planned, coordinatorA, [P.P4]);
    const shared = await plan(planned, coordinatorA, [P.P1, P.P5]);

    expect(few.assignments).toHaveLength(2);
    expect(few.unfilled).toEqual([
      expect.objectContaining({
        taskId: P.P4,
        missing: 3,
        reason: 'too_few_candidates',
        eligible: 2,
      }),
    ]);
    expect(shared.assignments).toEqual([expect.objectContaining({ userId: olena.userId })]);
    expect(shared.unfilled).toEqual([
      expect.objectContaining({
        missing: 1,
        reason: 'candidates_assigned_elsewhere',
        eligible: 1,
      }),
    ]);
  });

  it('plans for the initiative’s organization only, over its own tasks', async () => {
    expect(await failure(plan(planned, coordinatorB))).toBe(ErrorCode.Forbidden);
    expect(await failure(plan(newId(), coordinatorA))).toBe(ErrorCode.NotFound);
    expect(await failure(plan(planned, coordinatorA, [T.T1]))).toBe(ErrorCode.Unprocessable);
    const whole = await plan(planned, coordinatorA);
    expect(whole.assignments.length).toBeGreaterThan(0);
  });

  it('removes an erased person from MongoDB and from the index, and from every answer', async () => {
    await m.publish(
      EventSubjects.users.userErased,
      { userId: ivan.userId, erasedAt: NOW.toISOString() },
      'users',
    );

    await until(
      () => candidatesOf(T.T1, coordinatorA),
      (list) => list.length === 1,
    );
    const volunteers = m.connection.collection('volunteers');
    await until(
      () => volunteers.countDocuments({ _id: ivan.userId as never }),
      (n) => n === 0,
    );
    expect((await candidatesOf(T.T1, coordinatorA)).map((c) => c.user.id)).toEqual([olena.userId]);
    expect(m.index.volunteerEntry(ivan.userId)).toBeUndefined();
    expect(
      await m.connection.collection('notifications').countDocuments({ userId: ivan.userId }),
    ).toBe(0);
    expect(await recommendationsOf(ivan)).toEqual([]);
  });

  it('rebuilds the same read model, in MongoDB and in memory, from a replay of the stream', async () => {
    const repository = m.app.get(ReadModelRepository);
    await until(
      () => m.sync.progress(),
      (p) => p.durablePending === 0 && p.followerSequence >= p.streamSequence,
    );
    const before = await repository.contents();
    const notifications = await m.connection.collection('notifications').countDocuments();
    expect(m.index.contents()).toEqual(before);
    expect(before.volunteers.map((v) => v._id).sort()).toEqual(
      [olena, petro, maria, coordinatorA, coordinatorB].map((p) => p.userId).sort(),
    );

    await m.sync.replayFromZero();
    const progress = await until(
      () => m.sync.progress(),
      (p) => p.durablePending === 0 && p.followerSequence >= p.streamSequence,
    );

    expect(progress.durablePending).toBe(0);
    expect(await repository.contents()).toEqual(before);
    expect(m.index.contents()).toEqual(before);
    expect(await m.connection.collection('notifications').countDocuments()).toBe(notifications);
    expect((await recommendationsOf(olena)).slice(0, 3).map((r) => r.task.id)).toEqual([
      T.T1,
      T.T2,
      T.T9,
    ]);
  });
});
