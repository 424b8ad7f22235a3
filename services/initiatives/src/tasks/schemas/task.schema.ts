import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import {
  INITIATIVE_STATUSES,
  REGION_CODES,
  TASK_LIMITS,
  TASK_STATUSES,
  TASK_URGENCIES,
  type InitiativeStatus,
  type RegionCode,
  type TaskStatus,
  type TaskUrgency,
} from '@spilno/contracts';
import { GeoPointEntry, GeoPointEntrySchema } from '../../common/schemas/geo-point.schema';

/**
 * A task (a shift with slots) of an initiative. No personal data. `organizationId`, `region`
 * and `initiativeStatus` are the initiative's, copied so that one read of a task answers who may
 * see it and what matching needs; they change in the transaction that changes the initiative.
 *
 * Capacity: `filled` counts accepted applications, `openSlots` is `slots - filled`, both moved
 * together with `$inc`, so taking a slot is one conditional update:
 * `{ _id, status: 'open', openSlots: { $gt: 0 } }` with `$inc: { filled: 1, openSlots: -1 }`
 * (and `stats.openSlots: -1` on the initiative in the same transaction).
 */
@Schema({ collection: 'tasks', timestamps: true, strict: 'throw', versionKey: false })
export class Task {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  initiativeId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  organizationId!: Types.ObjectId;

  @Prop({ type: String, required: true, enum: REGION_CODES })
  region!: RegionCode;

  @Prop({ type: String, required: true, enum: INITIATIVE_STATUSES })
  initiativeStatus!: InitiativeStatus;

  /** Trimmed; stored verbatim. */
  @Prop({ type: String, required: true, maxlength: TASK_LIMITS.titleMaxLength })
  title!: string;

  @Prop({ type: String, default: null, maxlength: TASK_LIMITS.descriptionMaxLength })
  description!: string | null;

  /** Unique skill codes of the users service's taxonomy. */
  @Prop({ type: [String], default: [] })
  requiredSkills!: string[];

  @Prop({ type: Number, required: true, min: TASK_LIMITS.minSlots, max: TASK_LIMITS.maxSlots })
  slots!: number;

  @Prop({ type: Number, required: true, default: 0, min: 0 })
  filled!: number;

  @Prop({ type: Number, required: true, min: 0 })
  openSlots!: number;

  @Prop({ type: Date, required: true })
  startsAt!: Date;

  @Prop({ type: Date, required: true })
  endsAt!: Date;

  @Prop({ type: GeoPointEntrySchema, required: false })
  location?: GeoPointEntry;

  @Prop({ type: String, required: true, enum: TASK_URGENCIES, default: 'normal' })
  urgency!: TaskUrgency;

  @Prop({ type: Boolean, required: true, default: false })
  autoAccept!: boolean;

  @Prop({ type: String, required: true, enum: TASK_STATUSES, default: 'open' })
  status!: TaskStatus;

  @Prop({ type: Date, default: null })
  closedAt!: Date | null;

  /** The co-monitoring report the task was made from (`POST /reports/:id/task`). */
  @Prop({ type: Types.ObjectId, default: null })
  sourceReportId!: Types.ObjectId | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export const TaskSchema = SchemaFactory.createForClass(Task);

// GET /initiatives/:id/tasks: by shift start, then _id (the page cursor's order).
TaskSchema.index({ initiativeId: 1, startsAt: 1, _id: 1 });
// The same with status=, and the open tasks of an initiative (its skills, closing them all).
TaskSchema.index({ initiativeId: 1, status: 1, startsAt: 1, _id: 1 });
