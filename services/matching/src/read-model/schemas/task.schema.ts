import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  INITIATIVE_STATUSES,
  REGION_CODES,
  TASK_STATUSES,
  TASK_URGENCIES,
  type InitiativeStatus,
  type RegionCode,
  type TaskStatus,
  type TaskUrgency,
} from '@spilno/contracts';
import type { TaskRecord } from '../records';
import { PointEntry } from './volunteer.schema';

export const TASKS_COLLECTION = 'tasks';

/** A task's shift, capacity, skills, place and urgency (`_id` is its id). */
@Schema({ collection: TASKS_COLLECTION, strict: 'throw', versionKey: false })
export class Task implements TaskRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  initiativeId!: string;

  @Prop({ type: String, required: true })
  organizationId!: string;

  @Prop({ type: String, required: true })
  title!: string;

  @Prop({ type: [String], default: [] })
  requiredSkills!: string[];

  @Prop({ type: Number, required: true })
  slots!: number;

  @Prop({ type: Number, required: true })
  filled!: number;

  @Prop({ type: Date, required: true })
  startsAt!: Date;

  @Prop({ type: Date, required: true })
  endsAt!: Date;

  @Prop({ type: SchemaFactory.createForClass(PointEntry), default: null })
  location!: PointEntry | null;

  @Prop({ type: String, required: true, enum: REGION_CODES })
  region!: RegionCode;

  @Prop({ type: String, required: true, enum: TASK_URGENCIES })
  urgency!: TaskUrgency;

  @Prop({ type: String, required: true, enum: TASK_STATUSES })
  status!: TaskStatus;

  @Prop({ type: String, required: true, enum: INITIATIVE_STATUSES })
  initiativeStatus!: InitiativeStatus;

  @Prop({ type: Date, required: true })
  changedAt!: Date;
}

export const TaskSchema = SchemaFactory.createForClass(Task);
// Outreach on publication reads an initiative's open tasks: find({ initiativeId, status }).
TaskSchema.index({ initiativeId: 1, status: 1 });
