import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const OUTREACH_RUNS_COLLECTION = 'outreach_runs';

/**
 * That an event's outreach for a task ran (`_id` = `<eventId>:<taskId>`). Kept through a replay
 * of the stream from zero (unlike the read model), so a replay never notifies again.
 */
@Schema({ collection: OUTREACH_RUNS_COLLECTION, strict: 'throw', versionKey: false })
export class OutreachRun {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true })
  notified!: number;

  @Prop({ type: Date, required: true })
  ranAt!: Date;
}

export const OutreachRunSchema = SchemaFactory.createForClass(OutreachRun);
// Read by _id only.
