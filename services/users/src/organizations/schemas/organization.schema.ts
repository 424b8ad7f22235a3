import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import {
  ORGANIZATION_DESCRIPTION_MAX_LENGTH,
  ORGANIZATION_KINDS,
  ORGANIZATION_NAME_MAX_LENGTH,
  ORGANIZATION_STATUSES,
  REGION_CODES,
  type OrganizationKind,
  type OrganizationStatus,
  type RegionCode,
} from '@spilno/contracts';

/**
 * An organization. No personal data: who created it is only its owner's membership, so a
 * member's erasure leaves nothing about them here.
 */
@Schema({ collection: 'organizations', timestamps: true, strict: 'throw' })
export class Organization {
  _id!: Types.ObjectId;

  /** Trimmed. */
  @Prop({ type: String, required: true, maxlength: ORGANIZATION_NAME_MAX_LENGTH })
  name!: string;

  @Prop({ type: String, required: true, enum: ORGANIZATION_KINDS })
  kind!: OrganizationKind;

  @Prop({ type: String, required: true, enum: REGION_CODES })
  region!: RegionCode;

  @Prop({ type: String, default: null, maxlength: ORGANIZATION_DESCRIPTION_MAX_LENGTH })
  description!: string | null;

  @Prop({ type: String, required: true, enum: ORGANIZATION_STATUSES, default: 'pending' })
  status!: OrganizationStatus;

  @Prop({ type: Date, default: null })
  verifiedAt!: Date | null;

  /**
   * Incremented by every membership change, inside its transaction, so two concurrent changes
   * of one organization write this document and one conflicts and retries: two owners removing
   * each other cannot both count two owners and leave none (write skew).
   */
  @Prop({ type: Number, required: true, default: 0 })
  membershipVersion!: number;

  createdAt!: Date;
  updatedAt!: Date;
}

export const OrganizationSchema = SchemaFactory.createForClass(Organization);

// The public list: verified organizations, paged by _id.
OrganizationSchema.index({ status: 1, _id: 1 });
// The public list filtered by region (the common filter: "who works in my oblast").
OrganizationSchema.index({ region: 1, status: 1, _id: 1 });
