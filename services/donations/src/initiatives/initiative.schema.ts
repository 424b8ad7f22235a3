import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { INITIATIVE_STATUSES, type InitiativeStatus } from '@spilno/contracts';

/**
 * What the donations service knows of an initiative (the initiatives service owns it): built
 * from its events, `evt.initiatives.initiative.*` (organization, title, status) and
 * `evt.initiatives.application.completed.v1` (verified hours). The two arrive through separate
 * consumers in either order, so every field but `_id` may be missing: an initiative is known
 * once `status` is set. Drafts are never announced, so campaigns start on published ones.
 */
@Schema({ collection: 'initiatives', strict: 'throw', versionKey: false })
export class InitiativeReadModel {
  /** The initiative's id. */
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId })
  organizationId?: Types.ObjectId;

  @Prop({ type: String })
  title?: string;

  @Prop({ type: String, enum: INITIATIVE_STATUSES })
  status?: InitiativeStatus;

  /** `changedAt` of the event applied last: an older event arriving late changes nothing. */
  @Prop({ type: Date })
  changedAt?: Date;

  /**
   * Campaigns started on it: each start increments it in its transaction, which therefore
   * conflicts with (and is retried after) an event changing the status at the same moment.
   */
  @Prop({ type: Number })
  campaigns?: number;

  /** Sum of the verified hours of its completed applications (absent: none yet). */
  @Prop({ type: Number })
  volunteerHours?: number;
}

export const InitiativeReadModelSchema = SchemaFactory.createForClass(InitiativeReadModel);
// Reads are by _id only (the initiative of a campaign, of a route's path).
