/**
 * Co-design over a real NATS and MongoDB wire server: proposals and their events, one vote per
 * person under racing requests (decided by the unique index), counts kept by `$inc`, stable
 * cursor paging by votes, organizers' answers, authors from the people read model, erasure.
 */
import { randomUUID } from 'node:crypto';
import { INestMicroservice } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import { connect, NatsConnection } from 'nats';
import {
  DomainError,
  ErrorCode,
  EventEnvelope,
  EventSubjects,
  InitiativeView,
  Principal,
  ProposalCreatedEvent,
  ProposalPage,
  ProposalView,
  Subjects,
  VoteView,
} from '@spilno/contracts';
import { createLogger, loadConfig, ServiceConfig } from '@spilno/config';
import {
  createServiceApp,
  erasureDurable,
  natsConnectionOptions,
  outboxModel,
  processedEventModel,
  RpcClient,
} from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
import { AppModule } from '../src/app.module';

const orgA = new Types.ObjectId().toHexString();
const newId = () => new Types.ObjectId().toHexString();
const coordinatorA: Principal = {
  userId: newId(),
  roles: ['citizen'],
  memberships: [{ organizationId: orgA, role: 'coordinator' }],
};
const citizen = (): Principal => ({ userId: newId(), roles: ['citizen'], memberships: [] });

describe('proposals and votes (e2e, real NATS and MongoDB wire server)', () => {
  let nats: TestNatsServer;
  let app: INestMicroservice;
  let client: RpcClient;
  let connection: Connection;
  let publisher: NatsConnection;

  beforeAll(async () => {
    nats = await startNatsServer();
    const mongo = await testMongo('proposals');
    app = await createServiceApp({
      service: 'initiatives',
      module: AppModule,
      config: loadConfig(ServiceConfig, { NATS_URL: nats.url, MONGODB_URI: mongo.uri }),
      logger: createLogger('initiatives', 'silent'),
    });
    client = await RpcClient.connect([nats.url], 'proposals-e2e', 10_000);
    connection = app.get<Connection>(getConnectionToken());
    publisher = await connect(natsConnectionOptions([nats.url], 'proposals-e2e-users'));
  });

  afterAll(async () => {
    await publisher?.close();
    await client?.close();
    await app?.close();
    await nats?.stop();
    await stopTestMongo();
  });

  function send<T>(subject: string, data: unknown, principal: Principal | null): Promise<T> {
    return client.send<T>(subject, data, { meta: { requestId: 'proposals-e2e', principal } });
  }

  function failure(promise: Promise<unknown>): Promise<DomainError> {
    return promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (e: DomainError) => e,
    );
  }

  async function initiative(mode = 'co-design', publish = true): Promise<InitiativeView> {
    const draft = await send<InitiativeView>(
      Subjects.initiatives.initiativeCreate,
      {
        organizationId: orgA,
        title: 'Сквер біля школи',
        description: 'Яким має бути сквер?',
        mode,
        category: 'environment',
        region: 'UA-46',
      },
      coordinatorA,
    );
    if (!publish) return draft;
    return send(Subjects.initiatives.initiativePublish, { initiativeId: draft.id }, coordinatorA);
  }

  const propose = (initiativeId: string, who: Principal, title = 'Більше лавок') =>
    send<ProposalView>(
      Subjects.initiatives.proposalCreate,
      { initiativeId, title, body: 'Лавки в тіні дерев <script>alert(1)</script>' },
      who,
    );
  const vote = (proposalId: string, who: Principal) =>
    send<VoteView>(Subjects.initiatives.voteCast, { proposalId }, who);
  const unvote = (proposalId: string, who: Principal) =>
    send<VoteView>(Subjects.initiatives.voteWithdraw, { proposalId }, who);
  const list = (initiativeId: string, query: object, who: Principal | null = null) =>
    send<ProposalPage>(Subjects.initiatives.proposalList, { initiativeId, ...query }, who);

  async function publishUserEvent(type: string, data: object): Promise<void> {
    const envelope: EventEnvelope = {
      id: randomUUID(),
      type,
      occurredAt: new Date().toISOString(),
      source: 'users',
      data,
    };
    await publisher
      .jetstream()
      .publish(type, new TextEncoder().encode(JSON.stringify(envelope)), { msgID: envelope.id });
  }

  async function until<T>(attempt: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const value = await attempt();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('takes proposals on published co-design initiatives only, counting them', async () => {
    const codesign = await initiative();
    const delivery = await initiative('co-delivery');
    const draft = await initiative('co-design', false);
    const author = citizen();

    const created = await propose(codesign.id, author);
    const onDelivery = await failure(propose(delivery.id, author));
    const onDraftAsMember = await failure(propose(draft.id, coordinatorA));
    const onDraftAsCitizen = await failure(propose(draft.id, author));
    const anonymous = await failure(propose(codesign.id, null as unknown as Principal));

    expect(created).toMatchObject({
      status: 'new',
      votes: 0,
      voted: false,
      author: { id: author.userId },
      body: 'Лавки в тіні дерев <script>alert(1)</script>',
    });
    expect(onDelivery.code).toBe(ErrorCode.Conflict);
    expect(onDraftAsMember.code).toBe(ErrorCode.Conflict);
    expect(onDraftAsCitizen.code).toBe(ErrorCode.NotFound);
    expect(anonymous.code).toBe(ErrorCode.Unauthenticated);
    const after = await send<InitiativeView>(
      Subjects.initiatives.initiativeGet,
      { initiativeId: codesign.id },
      null,
    );
    expect(after.stats.proposals).toBe(1);
    const [record] = await outboxModel(connection)
      .find({
        subject: EventSubjects.initiatives.proposalCreated,
        'envelope.data.proposalId': created.id,
      })
      .lean()
      .exec();
    expect((record.envelope as EventEnvelope<ProposalCreatedEvent>).data).toEqual({
      proposalId: created.id,
      initiativeId: codesign.id,
      organizationId: orgA,
      userId: author.userId,
      createdAt: created.createdAt,
    });
  });

  it('counts one vote per person, also when votes race', async () => {
    const codesign = await initiative();
    const proposal = await propose(codesign.id, citizen());
    const voters = Array.from({ length: 12 }, citizen);
    const twice = citizen();

    const votes = await Promise.all(voters.map((v) => vote(proposal.id, v)));
    const doubled = await Promise.allSettled([vote(proposal.id, twice), vote(proposal.id, twice)]);
    const again = await failure(vote(proposal.id, voters[0]));
    const withdrawn = await unvote(proposal.id, voters[1]);
    const withdrawnAgain = await failure(unvote(proposal.id, voters[1]));
    const seen = await send<ProposalView>(
      Subjects.initiatives.proposalGet,
      { proposalId: proposal.id },
      voters[0],
    );

    expect(votes.every((v) => v.voted)).toBe(true);
    expect(Math.max(...votes.map((v) => v.votes))).toBe(12);
    expect(doubled.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(doubled.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: ErrorCode.Conflict },
    });
    expect(again.code).toBe(ErrorCode.Conflict);
    expect(withdrawn).toEqual({ proposalId: proposal.id, votes: 12, voted: false });
    expect(withdrawnAgain.code).toBe(ErrorCode.NotFound);
    expect(seen).toMatchObject({ votes: 12, voted: true });
    expect(
      await connection
        .collection('votes')
        .countDocuments({ proposalId: new Types.ObjectId(proposal.id) }),
    ).toBe(12);
  });

  it('pages by votes then id, and by newest, without repeating or skipping', async () => {
    const codesign = await initiative();
    const proposals: ProposalView[] = [];
    for (let i = 0; i < 7; i++) proposals.push(await propose(codesign.id, citizen(), `Ідея ${i}`));
    const counts = [3, 1, 3, 0, 2, 3, 1];
    for (const [i, count] of counts.entries()) {
      for (let v = 0; v < count; v++) await vote(proposals[i].id, citizen());
    }

    const byVotes: ProposalView[] = [];
    let late: ProposalView | null = null;
    let cursor: string | null | undefined;
    do {
      const page = await list(codesign.id, {
        sort: 'votes',
        limit: 2,
        cursor: cursor ?? undefined,
      });
      byVotes.push(...page.items);
      cursor = page.nextCursor;
      // Added between pages: with 0 votes it sorts after the cursor, so it shows up once.
      late ??= await propose(codesign.id, citizen(), 'Пізня ідея');
    } while (cursor);
    const newest = await list(codesign.id, { sort: 'new', limit: 100 });
    const wrongKind = await failure(
      list(codesign.id, {
        sort: 'new',
        cursor: (await list(codesign.id, { sort: 'votes', limit: 1 })).nextCursor,
      }),
    );

    const expected = [
      ...proposals.map((p, i) => ({ id: p.id, votes: counts[i] })),
      { id: late!.id, votes: 0 },
    ].sort((a, b) => b.votes - a.votes || (a.id < b.id ? 1 : -1));
    expect(byVotes.map((p) => [p.id, p.votes])).toEqual(expected.map((p) => [p.id, p.votes]));
    expect(newest.items.map((p) => p.title)).toEqual([
      'Пізня ідея',
      ...proposals.map((p) => p.title).reverse(),
    ]);
    expect(wrongKind.code).toBe(ErrorCode.Validation);
  });

  it('lets organizers answer, forward only, and closes votes on decided proposals', async () => {
    const codesign = await initiative();
    const author = citizen();
    const proposal = await propose(codesign.id, author);
    const review = (status: string, who: Principal = coordinatorA, response?: string) =>
      send<ProposalView>(
        Subjects.initiatives.proposalReview,
        { proposalId: proposal.id, status, ...(response ? { response } : {}) },
        who,
      );

    const byAuthor = await failure(review('accepted', author));
    const underReview = await review('under_review', coordinatorA, 'Розглядаємо');
    const accepted = await review('accepted');
    const voteAfter = await failure(vote(proposal.id, citizen()));
    const implemented = await review('implemented', coordinatorA, 'Лавки стоять');
    const backwards = await failure(review('rejected'));

    expect(byAuthor.code).toBe(ErrorCode.Forbidden);
    expect(underReview).toMatchObject({ status: 'under_review', response: 'Розглядаємо' });
    expect(underReview.respondedAt).not.toBeNull();
    expect(accepted).toMatchObject({ status: 'accepted', response: 'Розглядаємо' });
    expect(voteAfter.code).toBe(ErrorCode.Conflict);
    expect(implemented).toMatchObject({ status: 'implemented', response: 'Лавки стоять' });
    expect(backwards.code).toBe(ErrorCode.Conflict);
  });

  it('names authors from the people read model, and forgets an erased one but keeps counts', async () => {
    const codesign = await initiative();
    const author = citizen();
    await publishUserEvent(EventSubjects.users.userRegistered, {
      userId: author.userId,
      displayName: 'Мирослава',
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
      updatedAt: new Date().toISOString(),
      registeredAt: new Date().toISOString(),
    });
    const proposal = await propose(codesign.id, author);
    const other = await propose(codesign.id, citizen(), 'Інша ідея');
    await vote(proposal.id, author);
    await vote(other.id, author);
    await vote(proposal.id, citizen());
    const named = await until(
      () => list(codesign.id, {}),
      (page) => page.items.some((p) => p.author?.displayName === 'Мирослава'),
    );
    const processed = processedEventModel(connection);
    const before = await processed.countDocuments({ consumer: erasureDurable('initiatives') });

    await publishUserEvent(EventSubjects.users.userErased, {
      userId: author.userId,
      erasedAt: new Date().toISOString(),
    });
    await until(
      () => processed.countDocuments({ consumer: erasureDurable('initiatives') }),
      (n) => n > before,
    );
    const after = await list(codesign.id, { sort: 'votes' });

    expect(named.items.find((p) => p.id === proposal.id)?.author).toEqual({
      id: author.userId,
      displayName: 'Мирослава',
    });
    expect(after.items.find((p) => p.id === proposal.id)).toMatchObject({
      author: null,
      votes: 2,
      title: 'Більше лавок',
    });
    expect(after.items.find((p) => p.id === other.id)).toMatchObject({ votes: 1 });
    const votes = await connection.collection('votes').find().toArray();
    const proposals = await connection.collection('proposals').find().toArray();
    expect(JSON.stringify([votes, proposals])).not.toContain(author.userId);
    const pseudonyms = new Set(
      votes.filter((v) => String(v.userId).startsWith('erased:')).map((v) => v.userId),
    );
    expect(pseudonyms.size).toBe(1);
  });
});
