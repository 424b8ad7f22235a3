import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  INITIATIVE_STATUSES,
  REGION_CODES,
  type InitiativeStatus,
  type RegionCode,
} from '@spilno/contracts';
import type { InitiativeRecord } from '../records';
import { PointEntry } from './volunteer.schema';

export const INITIATIVES_COLLECTION = 'initiatives';

/** An initiative's title, organization, status and place (`_id` is its id). */
@Schema({ collection: INITIATIVES_COLLECTION, strict: 'throw', versionKey: false })
export class Initiative implements InitiativeRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  organizationId!: string;

  @Prop({ type: String, required: true })
  title!: string;

  @Prop({ type: String, required: true, enum: INITIATIVE_STATUSES })
  status!: InitiativeStatus;

  @Prop({ type: String, required: true, enum: REGION_CODES })
  region!: RegionCode;

  @Prop({ type: SchemaFactory.createForClass(PointEntry), default: null })
  location!: PointEntry | null;

  @Prop({ type: Date, required: true })
  changedAt!: Date;
}

export const InitiativeSchema = SchemaFactory.createForClass(Initiative);
// Read by _id (events) and whole (the index at boot): no secondary index.
