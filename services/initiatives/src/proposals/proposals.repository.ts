import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, QueryFilter, Types } from 'mongoose';
import {
  VOTABLE_PROPOSAL_STATUSES,
  type ProposalSort,
  type ProposalStatus,
} from '@spilno/contracts';
import type { CursorPosition } from '../common/page-cursor';
import { Proposal } from './schemas/proposal.schema';

export interface NewProposal {
  initiativeId: Types.ObjectId;
  organizationId: Types.ObjectId;
  userId: string;
  title: string;
  body: string;
}

/** The only code that touches the proposals collection. */
@Injectable()
export class ProposalsRepository implements OnModuleInit {
  constructor(@InjectModel(Proposal.name) private readonly proposals: Model<Proposal>) {}

  async onModuleInit(): Promise<void> {
    await this.proposals.init();
  }

  async insert(proposal: NewProposal, session: ClientSession): Promise<Proposal> {
    const [created] = await this.proposals.create([proposal], { session });
    return created.toObject();
  }

  findById(id: Types.ObjectId, session?: ClientSession): Promise<Proposal | null> {
    return this.proposals.findById(id, null, { session }).lean<Proposal>().exec();
  }

  /** `$inc` of the vote count while the proposal takes votes; the proposal after, or null. */
  countVote(id: Types.ObjectId, by: 1 | -1, session: ClientSession): Promise<Proposal | null> {
    return this.proposals
      .findOneAndUpdate(
        { _id: id, status: mongoose.trusted({ $in: [...VOTABLE_PROPOSAL_STATUSES] }) },
        { $inc: { votes: by } },
        { session, returnDocument: 'after', timestamps: false },
      )
      .lean<Proposal>()
      .exec();
  }

  /** The organizers' decision, if the status is still `from`; the proposal after, or null. */
  review(
    id: Types.ObjectId,
    from: ProposalStatus,
    set: Pick<Proposal, 'status'> & Partial<Pick<Proposal, 'response' | 'respondedAt'>>,
    session: ClientSession,
  ): Promise<Proposal | null> {
    return this.proposals
      .findOneAndUpdate(
        { _id: id, status: from },
        { $set: set },
        {
          session,
          returnDocument: 'after',
          runValidators: true,
        },
      )
      .lean<Proposal>()
      .exec();
  }

  /**
   * A page of an initiative's proposals strictly after `after`: newest first (`new`, the
   * cursor holds `createdAt`), or most voted first (`votes`, the cursor holds the count).
   */
  page(
    initiativeId: Types.ObjectId,
    sort: ProposalSort,
    after: CursorPosition | null,
    limit: number,
  ): Promise<Proposal[]> {
    const conditions: Record<string, unknown> = { initiativeId };
    const field = sort === 'votes' ? 'votes' : 'createdAt';
    if (after) {
      const bound = sort === 'votes' ? after.value : new Date(after.value);
      // The bound lets the index walk start at the cursor; the $or breaks ties by _id.
      conditions[field] = mongoose.trusted({ $lte: bound });
      conditions.$or = [
        { [field]: mongoose.trusted({ $lt: bound }) },
        { _id: mongoose.trusted({ $lt: after.id }) },
      ];
    }
    return this.proposals
      .find(conditions as QueryFilter<Proposal>)
      .sort({ [field]: -1, _id: -1 })
      .limit(limit)
      .lean<Proposal[]>()
      .exec();
  }
}
