import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { APPLICATION_STATUSES, type ApplicationStatus } from '@spilno/contracts';
import type { ApplicationRecord } from '../records';

export const APPLICATIONS_COLLECTION = 'applications';

/** Who applied to which task and where the application stands (`_id` is its id). */
@Schema({ collection: APPLICATIONS_COLLECTION, strict: 'throw', versionKey: false })
export class Application implements ApplicationRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  userId!: string;

  @Prop({ type: String, required: true })
  taskId!: string;

  @Prop({ type: String, required: true })
  initiativeId!: string;

  @Prop({ type: String, required: true, enum: APPLICATION_STATUSES })
  status!: ApplicationStatus;

  @Prop({ type: Date, required: true })
  changedAt!: Date;
}

export const ApplicationSchema = SchemaFactory.createForClass(Application);
// Erasure and export find a person's applications: find({ userId }).
ApplicationSchema.index({ userId: 1 });
// Outreach asks who applied to a task, and whether anyone waits for a slot:
// find({ taskId, userId: { $in } }), countDocuments({ taskId, status: 'waitlisted' }).
ApplicationSchema.index({ taskId: 1, status: 1 });
