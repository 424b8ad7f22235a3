import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import {
  APPLICATION_LIMITS,
  APPLICATION_STATUSES,
  type ApplicationStatus,
} from '@spilno/contracts';

export const APPLICATIONS_COLLECTION = 'applications';

/**
 * A volunteer's application to a task. `organizationId` and `initiativeId` are the task's,
 * copied so that one read answers who may see it. Personal data: `userId`, `message`,
 * `contact` (erasure pseudonymises the id and drops the texts; status and hours stay for the
 * initiative's totals).
 */
@Schema({
  collection: APPLICATIONS_COLLECTION,
  timestamps: true,
  strict: 'throw',
  versionKey: false,
})
export class Application {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  taskId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  initiativeId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  organizationId!: Types.ObjectId;

  /** The volunteer's user id; a pseudonym (`erased:…`) once their account was erased. */
  @Prop({ type: String, required: true })
  userId!: string;

  @Prop({ type: String, required: true, enum: APPLICATION_STATUSES })
  status!: ApplicationStatus;

  /**
   * `true` until the application is withdrawn (then absent): only such applications count for
   * "already applied", so a volunteer who withdrew may apply again, one who was rejected not.
   */
  @Prop({ type: Boolean, required: false })
  active?: true;

  /** Stored verbatim (HTML too); the API never renders it. */
  @Prop({ type: String, default: null, maxlength: APPLICATION_LIMITS.messageMaxLength })
  message!: string | null;

  @Prop({ type: String, default: null, maxlength: APPLICATION_LIMITS.contactMaxLength })
  contact!: string | null;

  /** Verified hours, in quarter hours, set on completion. */
  @Prop({ type: Number, default: null, min: 0, max: APPLICATION_LIMITS.maxHours })
  hours!: number | null;

  @Prop({ type: Date, default: null })
  decidedAt!: Date | null;

  @Prop({ type: Date, default: null })
  checkedInAt!: Date | null;

  @Prop({ type: Date, default: null })
  completedAt!: Date | null;

  @Prop({ type: Date, default: null })
  withdrawnAt!: Date | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export const ApplicationSchema = SchemaFactory.createForClass(Application);

// POST /tasks/:id/applications: one live application per volunteer and task (409 already
// applied), decided by the index, not by a read before the insert.
ApplicationSchema.index(
  { taskId: 1, userId: 1 },
  { unique: true, partialFilterExpression: { active: true }, name: 'one_live_application' },
);
// GET /tasks/:id/applications: the queue, oldest first (the page cursor's order).
ApplicationSchema.index({ taskId: 1, createdAt: 1, _id: 1 });
// The same with status=, and the waitlist in FIFO order for promotions.
ApplicationSchema.index({ taskId: 1, status: 1, createdAt: 1, _id: 1 });
// GET /me/applications, newest first; the export and erasure of a person (by userId).
ApplicationSchema.index({ userId: 1, createdAt: -1, _id: -1 });
// The volunteer's committed shifts (overlap check), their slot-holding applications in an
// initiative (its distinct volunteers), and GET /me/applications?status=.
ApplicationSchema.index({ userId: 1, status: 1, createdAt: -1, _id: -1 });
