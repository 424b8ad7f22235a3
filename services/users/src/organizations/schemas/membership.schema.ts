import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { ORGANIZATION_ROLES, type OrganizationRole } from '@spilno/contracts';

/**
 * A person's role in an organization. The collection and field names are relied on by the
 * erasure of a person (privacy), which deletes their memberships by `userId`.
 */
@Schema({
  collection: 'memberships',
  strict: 'throw',
  versionKey: false,
  timestamps: { createdAt: true, updatedAt: false },
})
export class OrganizationMembership {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  organizationId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  userId!: Types.ObjectId;

  @Prop({ type: String, required: true, enum: ORGANIZATION_ROLES })
  role!: OrganizationRole;

  createdAt!: Date;
}

export const OrganizationMembershipSchema = SchemaFactory.createForClass(OrganizationMembership);

// One membership per person and organization (a second add is a conflict); its prefix serves
// the member list, the members count and the owner count of an organization.
OrganizationMembershipSchema.index({ organizationId: 1, userId: 1 }, { unique: true });
// A person's memberships: access tokens, what they may see, and erasure.
OrganizationMembershipSchema.index({ userId: 1 });
