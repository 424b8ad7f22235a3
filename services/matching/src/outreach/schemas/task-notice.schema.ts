import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const TASK_NOTICES_COLLECTION = 'task_notices';

/** That a person was told about a task (`_id` = `<taskId>:<userId>`): never twice. */
@Schema({ collection: TASK_NOTICES_COLLECTION, strict: 'throw', versionKey: false })
export class TaskNotice {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  taskId!: string;

  @Prop({ type: String, required: true })
  userId!: string;

  @Prop({ type: Date, required: true })
  notifiedAt!: Date;
}

export const TaskNoticeSchema = SchemaFactory.createForClass(TaskNotice);
// Outreach asks by _id ($in of `<taskId>:<userId>`); erasure and export by person: find({ userId }).
TaskNoticeSchema.index({ userId: 1 });
