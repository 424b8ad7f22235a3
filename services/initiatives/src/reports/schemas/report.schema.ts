import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import {
  REPORT_LIMITS,
  REPORT_SEVERITIES,
  REPORT_STATUSES,
  type ReportSeverity,
  type ReportStatus,
} from '@spilno/contracts';
import { GeoPointEntry, GeoPointEntrySchema } from '../../common/schemas/geo-point.schema';

export const REPORTS_COLLECTION = 'reports';

/**
 * A citizen's report on a co-monitoring initiative. Personal data: `userId` (never shown to
 * anyone but the reporter), and the title, description, evidence and exact place, which may
 * identify the reporter: erasure pseudonymises the id, replaces the texts, drops the evidence
 * and rounds the place to what the public sees; severity, times, status and the organizers'
 * response stay.
 */
@Schema({ collection: REPORTS_COLLECTION, timestamps: true, strict: 'throw', versionKey: false })
export class Report {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  initiativeId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  organizationId!: Types.ObjectId;

  /** The reporter; a pseudonym (`erased:…`) once their account was erased. */
  @Prop({ type: String, required: true })
  userId!: string;

  /** Trimmed; stored verbatim (HTML too), never rendered by the API. */
  @Prop({ type: String, required: true, maxlength: REPORT_LIMITS.titleMaxLength })
  title!: string;

  @Prop({ type: String, required: true, maxlength: REPORT_LIMITS.descriptionMaxLength })
  description!: string;

  @Prop({ type: String, required: true, enum: REPORT_SEVERITIES })
  severity!: ReportSeverity;

  /** Exact, as reported (GeoJSON); the public sees it rounded to about 1 km. */
  @Prop({ type: GeoPointEntrySchema, required: true })
  location!: GeoPointEntry;

  @Prop({ type: Date, required: true })
  observedAt!: Date;

  /** https only. */
  @Prop({ type: [String], default: [] })
  evidenceUrls!: string[];

  @Prop({ type: String, required: true, enum: REPORT_STATUSES, default: 'new' })
  status!: ReportStatus;

  @Prop({ type: String, default: null, maxlength: REPORT_LIMITS.responseMaxLength })
  response!: string | null;

  @Prop({ type: Date, default: null })
  reviewedAt!: Date | null;

  /** The co-delivery task made from it (`POST /reports/:id/task`). */
  @Prop({ type: Types.ObjectId, default: null })
  taskId!: Types.ObjectId | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export const ReportSchema = SchemaFactory.createForClass(Report);

// GET /initiatives/:id/reports for organizers (and a reporter's own among the public ones):
// newest first (the page cursor's order).
ReportSchema.index({ initiativeId: 1, createdAt: -1, _id: -1 });
// status=, and the public's page (status $in verified, resolved).
ReportSchema.index({ initiativeId: 1, status: 1, createdAt: -1, _id: -1 });
// severity=.
ReportSchema.index({ initiativeId: 1, severity: 1, createdAt: -1, _id: -1 });
// The export and erasure of a person (by userId).
ReportSchema.index({ userId: 1 });
