import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import {
  DONATION_LIMITS,
  IN_KIND_PLEDGE_STATUSES,
  type InKindPledgeStatus,
} from '@spilno/contracts';

export const IN_KIND_PLEDGES_COLLECTION = 'in_kind_pledges';

/**
 * Goods a person pledged against a campaign's need, and what arrived. Its quantities are
 * counted on the campaign's need (`pledged`, `received`) in the same transaction. Personal
 * data: `userId`; an erasure removes it and keeps the quantities.
 */
@Schema({
  collection: IN_KIND_PLEDGES_COLLECTION,
  timestamps: true,
  strict: 'throw',
  versionKey: false,
})
export class InKindPledge {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  campaignId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  organizationId!: Types.ObjectId;

  @Prop({ type: String, default: null })
  userId!: string | null;

  /** The need's key (campaign schema) and its item and unit as the campaign names them. */
  @Prop({ type: String, required: true })
  key!: string;

  @Prop({ type: String, required: true, maxlength: DONATION_LIMITS.itemMaxLength })
  item!: string;

  @Prop({ type: String, required: true, maxlength: DONATION_LIMITS.unitMaxLength })
  unit!: string;

  @Prop({ type: Number, required: true })
  quantity!: number;

  @Prop({ type: String, required: true, enum: IN_KIND_PLEDGE_STATUSES, default: 'pledged' })
  status!: InKindPledgeStatus;

  @Prop({ type: Number, default: null })
  receivedQuantity!: number | null;

  @Prop({ type: Date, default: null })
  receivedAt!: Date | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export const InKindPledgeSchema = SchemaFactory.createForClass(InKindPledge);

// A campaign's pledges, newest first (GET /campaigns/:id/in-kind-pledges), with and without status=.
InKindPledgeSchema.index({ campaignId: 1, createdAt: -1, _id: -1 });
InKindPledgeSchema.index({ campaignId: 1, status: 1, createdAt: -1, _id: -1 });
// A person's pledges (export and erasure, by the personal-data registry).
InKindPledgeSchema.index(
  { userId: 1 },
  { partialFilterExpression: { userId: { $type: 'string' } } },
);
