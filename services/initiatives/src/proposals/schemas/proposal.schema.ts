import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { PROPOSAL_LIMITS, PROPOSAL_STATUSES, type ProposalStatus } from '@spilno/contracts';

export const PROPOSALS_COLLECTION = 'proposals';

/**
 * A citizen's proposal on a co-design initiative. Personal data: `userId` (the author), which
 * erasure replaces with a pseudonym; the title and body stay: they were written for the public
 * deliberation, and others' votes refer to them.
 */
@Schema({ collection: PROPOSALS_COLLECTION, timestamps: true, strict: 'throw', versionKey: false })
export class Proposal {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  initiativeId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  organizationId!: Types.ObjectId;

  /** The author; a pseudonym (`erased:…`) once their account was erased. */
  @Prop({ type: String, required: true })
  userId!: string;

  /** Trimmed; stored verbatim (HTML too), never rendered by the API. */
  @Prop({ type: String, required: true, maxlength: PROPOSAL_LIMITS.titleMaxLength })
  title!: string;

  @Prop({ type: String, required: true, maxlength: PROPOSAL_LIMITS.bodyMaxLength })
  body!: string;

  @Prop({ type: String, required: true, enum: PROPOSAL_STATUSES, default: 'new' })
  status!: ProposalStatus;

  /** The organizers' answer. */
  @Prop({ type: String, default: null, maxlength: PROPOSAL_LIMITS.responseMaxLength })
  response!: string | null;

  @Prop({ type: Date, default: null })
  respondedAt!: Date | null;

  /** Votes cast, changed only by `$inc` in the transaction that inserts or deletes a vote. */
  @Prop({ type: Number, required: true, default: 0, min: 0 })
  votes!: number;

  createdAt!: Date;
  updatedAt!: Date;
}

export const ProposalSchema = SchemaFactory.createForClass(Proposal);

// GET /initiatives/:id/proposals?sort=new: newest first (the page cursor's order).
ProposalSchema.index({ initiativeId: 1, createdAt: -1, _id: -1 });
// GET /initiatives/:id/proposals?sort=votes: most voted first, then newest id.
ProposalSchema.index({ initiativeId: 1, votes: -1, _id: -1 });
// The export and erasure of a person (by userId).
ProposalSchema.index({ userId: 1 });
