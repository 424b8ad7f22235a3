import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const VOTES_COLLECTION = 'votes';

/**
 * One person's vote for one proposal. Erasure replaces `userId` with a pseudonym (one per
 * erased person), so the proposal's count stays right and still one vote per person.
 */
@Schema({
  collection: VOTES_COLLECTION,
  timestamps: { createdAt: true, updatedAt: false },
  strict: 'throw',
  versionKey: false,
})
export class Vote {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  proposalId!: Types.ObjectId;

  @Prop({ type: String, required: true })
  userId!: string;

  createdAt!: Date;
}

export const VoteSchema = SchemaFactory.createForClass(Vote);

// POST /proposals/:id/votes: one vote per person (409 on a second), decided by the index;
// DELETE finds the caller's vote; a page's `voted` flags ({ proposalId: $in, userId }).
VoteSchema.index({ proposalId: 1, userId: 1 }, { unique: true });
// The export and erasure of a person (by userId).
VoteSchema.index({ userId: 1 });
