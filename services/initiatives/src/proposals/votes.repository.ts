import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, Types } from 'mongoose';
import { Vote } from './schemas/vote.schema';

/** The only code that touches the votes collection. */
@Injectable()
export class VotesRepository implements OnModuleInit {
  constructor(@InjectModel(Vote.name) private readonly votes: Model<Vote>) {}

  /** The unique index must exist before the first vote (it decides "already voted"). */
  async onModuleInit(): Promise<void> {
    await this.votes.init();
  }

  /** Fails with a duplicate key (E11000 on `proposalId, userId`) on a second vote. */
  async insert(proposalId: Types.ObjectId, userId: string, session: ClientSession): Promise<void> {
    await this.votes.create([{ proposalId, userId }], { session });
  }

  /** Whether there was a vote to delete. */
  async delete(
    proposalId: Types.ObjectId,
    userId: string,
    session: ClientSession,
  ): Promise<boolean> {
    const result = await this.votes.deleteOne({ proposalId, userId }, { session }).exec();
    return result.deletedCount === 1;
  }

  /** Which of these proposals the person voted for. */
  async votedAmong(proposalIds: Types.ObjectId[], userId: string): Promise<Set<string>> {
    if (proposalIds.length === 0) return new Set();
    const rows = await this.votes
      .find({ proposalId: mongoose.trusted({ $in: proposalIds }), userId }, { proposalId: 1 })
      .lean<Pick<Vote, 'proposalId'>[]>()
      .exec();
    return new Set(rows.map((row) => row.proposalId.toHexString()));
  }
}
