import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const OUTREACH_DAYS_COLLECTION = 'outreach_days';

/**
 * How many notifications a person got on one Kyiv day (`_id` = `<userId>:<YYYY-MM-DD>`): the
 * fatigue limit. One document per person and day, so two outreach transactions that would both
 * notify the same person conflict on it and one is retried.
 */
@Schema({ collection: OUTREACH_DAYS_COLLECTION, strict: 'throw', versionKey: false })
export class OutreachDay {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  userId!: string;

  @Prop({ type: String, required: true })
  day!: string;

  @Prop({ type: Number, required: true })
  count!: number;
}

export const OutreachDaySchema = SchemaFactory.createForClass(OutreachDay);
// Outreach reads by _id ($in of `<userId>:<day>`); erasure and export by person: find({ userId }).
OutreachDaySchema.index({ userId: 1 });
