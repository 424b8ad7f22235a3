import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import {
  EventSubjects,
  PAGE_LIMIT_DEFAULT,
  VOTABLE_PROPOSAL_STATUSES,
  type CreateProposalPayload,
  type ListProposalsPayload,
  type ProposalPage,
  type ProposalView,
  type RequestMeta,
  type ReviewProposalPayload,
  type VoteView,
} from '@spilno/contracts';
import { newEvent, Outbox, withTransaction } from '@spilno/messaging';
import { VolunteersRepository } from '../applications/volunteers/volunteers.repository';
import { Caller, callerOf, signedIn } from '../common/caller';
import { isDuplicateKeyOn } from '../common/duplicate-key';
import { parseObjectId } from '../common/object-id';
import { CursorKind, decodeCursor, encodeCursor } from '../common/page-cursor';
import { InitiativeAccess } from '../initiatives/initiative-access';
import { InitiativesRepository } from '../initiatives/initiatives.repository';
import { Initiative } from '../initiatives/schemas/initiative.schema';
import { isErasedUserId } from '../privacy/erased-user';
import { canReview } from './proposal-review';
import { ProposalsError, ProposalsErrorCode } from './proposals.errors';
import { ProposalsRepository } from './proposals.repository';
import { Proposal } from './schemas/proposal.schema';
import { proposalSubject, toProposalCreatedEvent, toProposalView } from './views';
import { VotesRepository } from './votes.repository';

/** Who may see the list of an initiative's proposals: nobody in particular as the author. */
const NO_AUTHOR = '';

/**
 * Co-design: proposals on published co-design initiatives, one vote per person (a unique index
 * decides a second vote, not a read before the insert), organizers' answers. The vote count
 * moves by `$inc` in the transaction that inserts or deletes the vote.
 */
@Injectable()
export class ProposalsService {
  private readonly outbox: Outbox;

  constructor(
    private readonly proposals: ProposalsRepository,
    private readonly votes: VotesRepository,
    private readonly people: VolunteersRepository,
    private readonly initiatives: InitiativesRepository,
    private readonly initiativeAccess: InitiativeAccess,
    @InjectConnection() private readonly connection: Connection,
  ) {
    this.outbox = new Outbox(connection);
  }

  async create(meta: RequestMeta, payload: CreateProposalPayload): Promise<ProposalView> {
    const caller = callerOf(meta);
    const { userId } = signedIn(caller);
    const initiative = await this.initiativeAccess.readable(caller, payload.initiativeId);
    if (!caller.ability.can('create', proposalSubject(initiative, userId))) {
      throw new ProposalsError(ProposalsErrorCode.NotAllowed);
    }
    if (initiative.mode !== 'co-design') throw new ProposalsError(ProposalsErrorCode.NotCoDesign);
    if (initiative.status !== 'published') {
      throw new ProposalsError(ProposalsErrorCode.InitiativeNotPublished);
    }
    const created = await withTransaction(this.connection, async (session) => {
      const proposal = await this.proposals.insert(
        {
          initiativeId: initiative._id,
          organizationId: initiative.organizationId,
          userId,
          title: payload.title,
          body: payload.body,
        },
        session,
      );
      const counted = await this.initiatives.incrementStats(
        initiative._id,
        { proposals: 1 },
        session,
        ['published'],
      );
      // Thrown: the initiative ended meanwhile, and this transaction must not commit.
      if (!counted) throw new ProposalsError(ProposalsErrorCode.InitiativeNotPublished);
      await this.outbox.add(
        newEvent(
          EventSubjects.initiatives.proposalCreated,
          'initiatives',
          toProposalCreatedEvent(proposal),
        ),
        session,
      );
      return proposal;
    });
    return (await this.viewsOf([created], userId))[0];
  }

  async get(meta: RequestMeta, proposalId: string): Promise<ProposalView> {
    const caller = callerOf(meta);
    const { proposal } = await this.readable(caller, proposalId);
    return (await this.viewsOf([proposal], caller.principal?.userId ?? null))[0];
  }

  /** Newest first, or most voted first; each with its votes and whether the caller voted. */
  async list(meta: RequestMeta, query: ListProposalsPayload): Promise<ProposalPage> {
    const caller = callerOf(meta);
    const sort = query.sort ?? 'new';
    const kind = sort === 'votes' ? CursorKind.ProposalsVotes : CursorKind.ProposalsNew;
    const after = query.cursor === undefined ? null : decodeCursor(kind, query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new ProposalsError(ProposalsErrorCode.InvalidCursor);
    }
    const initiative = await this.initiativeAccess.readable(caller, query.initiativeId);
    if (!caller.ability.can('read', proposalSubject(initiative, NO_AUTHOR))) {
      throw new ProposalsError(ProposalsErrorCode.NotAllowed);
    }
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const rows = await this.proposals.page(initiative._id, sort, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const value = (p: Proposal) => (sort === 'votes' ? p.votes : p.createdAt.getTime());
    return {
      items: await this.viewsOf(page, caller.principal?.userId ?? null),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(kind, { value: value(last), id: last._id })
          : null,
    };
  }

  /** 201 with the new count; 409 on a second vote (the unique index), or when votes are closed. */
  async vote(meta: RequestMeta, proposalId: string): Promise<VoteView> {
    const caller = callerOf(meta);
    const { userId } = signedIn(caller);
    const { proposal } = await this.votable(caller, proposalId);
    try {
      const counted = await withTransaction(this.connection, async (session) => {
        await this.votes.insert(proposal._id, userId, session);
        const after = await this.proposals.countVote(proposal._id, 1, session);
        if (!after) throw new ProposalsError(ProposalsErrorCode.VotingClosed);
        return after;
      });
      return { proposalId: counted._id.toHexString(), votes: counted.votes, voted: true };
    } catch (e) {
      if (isDuplicateKeyOn(e, 'proposalId')) {
        throw new ProposalsError(ProposalsErrorCode.AlreadyVoted);
      }
      throw e;
    }
  }

  /** Withdraws the caller's vote while votes are open; 404 without one. */
  async unvote(meta: RequestMeta, proposalId: string): Promise<VoteView> {
    const caller = callerOf(meta);
    const { userId } = signedIn(caller);
    const { proposal } = await this.votable(caller, proposalId);
    const counted = await withTransaction(this.connection, async (session) => {
      if (!(await this.votes.delete(proposal._id, userId, session))) {
        throw new ProposalsError(ProposalsErrorCode.VoteNotFound);
      }
      const after = await this.proposals.countVote(proposal._id, -1, session);
      if (!after) throw new ProposalsError(ProposalsErrorCode.VotingClosed);
      return after;
    });
    return { proposalId: counted._id.toHexString(), votes: counted.votes, voted: false };
  }

  /** Organizers' decision and answer (see `proposal-review.ts`). */
  async review(meta: RequestMeta, payload: ReviewProposalPayload): Promise<ProposalView> {
    const caller = callerOf(meta);
    signedIn(caller);
    const { proposal, initiative } = await this.readable(caller, payload.proposalId);
    if (!caller.ability.can('review', proposalSubject(initiative, proposal.userId))) {
      throw new ProposalsError(ProposalsErrorCode.NotAllowed);
    }
    if (initiative.status !== 'published' && initiative.status !== 'completed') {
      throw new ProposalsError(ProposalsErrorCode.InitiativeNotActive);
    }
    if (!canReview(proposal.status, payload.status)) {
      throw new ProposalsError(ProposalsErrorCode.WrongStatus);
    }
    const set: Parameters<ProposalsRepository['review']>[2] = { status: payload.status };
    if (payload.response !== undefined) {
      set.response = payload.response;
      set.respondedAt = payload.response === null ? null : new Date();
    }
    const reviewed = await withTransaction(this.connection, (session) =>
      this.proposals.review(proposal._id, proposal.status, set, session),
    );
    // Another decision came first; this one was made against a status that no longer holds.
    if (!reviewed) throw new ProposalsError(ProposalsErrorCode.WrongStatus);
    return (await this.viewsOf([reviewed], caller.principal?.userId ?? null))[0];
  }

  /** The proposal and its initiative, if the caller may read it; `not_found` otherwise. */
  private async readable(
    caller: Caller,
    id: string,
  ): Promise<{ proposal: Proposal; initiative: Initiative }> {
    const objectId = parseObjectId(id);
    const proposal = objectId ? await this.proposals.findById(objectId) : null;
    const initiative = proposal ? await this.initiatives.findById(proposal.initiativeId) : null;
    if (
      !proposal ||
      !initiative ||
      !caller.ability.can('read', proposalSubject(initiative, proposal.userId))
    ) {
      throw new ProposalsError(ProposalsErrorCode.ProposalNotFound);
    }
    return { proposal, initiative };
  }

  /** Readable, and taking votes: a published initiative, a proposal not yet decided. */
  private async votable(
    caller: Caller,
    id: string,
  ): Promise<{ proposal: Proposal; initiative: Initiative }> {
    const found = await this.readable(caller, id);
    const { proposal, initiative } = found;
    if (initiative.status !== 'published' || !VOTABLE_PROPOSAL_STATUSES.includes(proposal.status)) {
      throw new ProposalsError(ProposalsErrorCode.VotingClosed);
    }
    if (!caller.ability.can('vote', proposalSubject(initiative, proposal.userId))) {
      throw new ProposalsError(ProposalsErrorCode.NotAllowed);
    }
    return found;
  }

  /** Views with the authors' display names (the people read model) and the caller's votes. */
  private async viewsOf(proposals: Proposal[], callerId: string | null): Promise<ProposalView[]> {
    const authors = await this.people.findByIds(
      proposals.map((p) => p.userId).filter((id) => !isErasedUserId(id)),
    );
    const nameOf = new Map(authors.map((a) => [a._id, a.displayName]));
    const voted = callerId
      ? await this.votes.votedAmong(
          proposals.map((p) => p._id),
          callerId,
        )
      : new Set<string>();
    return proposals.map((proposal) =>
      toProposalView(proposal, {
        displayName: nameOf.get(proposal.userId) ?? null,
        voted: voted.has(proposal._id.toHexString()),
      }),
    );
  }
}
