import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const VOLUNTEER_RECORDS_COLLECTION = 'volunteer_records';

/**
 * A volunteer's record here: verified hours and completed shifts over all their applications.
 * Also the per-volunteer document every transaction that changes what a volunteer holds (an
 * accepted shift, a slot, hours) writes first: two such transactions of one volunteer then
 * conflict and one retries, seeing the other's outcome (no two overlapping accepted shifts,
 * however the requests race). `_id` is the user id, so two first writes conflict too.
 */
@Schema({
  collection: VOLUNTEER_RECORDS_COLLECTION,
  timestamps: true,
  strict: 'throw',
  versionKey: false,
})
export class VolunteerRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true, default: 0 })
  hours!: number;

  @Prop({ type: Number, required: true, default: 0 })
  completedShifts!: number;

  /** Bumped by every transaction that serialises on this volunteer. */
  @Prop({ type: Number, required: true, default: 0 })
  revision!: number;

  createdAt!: Date;
  updatedAt!: Date;
}

export const VolunteerRecordSchema = SchemaFactory.createForClass(VolunteerRecord);
// Read and written by _id only.
