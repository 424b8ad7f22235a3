import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, QueryFilter, Types } from 'mongoose';
import type { ReportSeverity, ReportStatus } from '@spilno/contracts';
import type { CursorPosition } from '../common/page-cursor';
import { GeoPointEntry } from '../common/schemas/geo-point.schema';
import { Report } from './schemas/report.schema';

export interface NewReport {
  initiativeId: Types.ObjectId;
  organizationId: Types.ObjectId;
  userId: string;
  title: string;
  description: string;
  severity: ReportSeverity;
  location: GeoPointEntry;
  observedAt: Date;
  evidenceUrls: string[];
}

/** Which reports of an initiative a page holds; all given filters apply. */
export interface ReportFilters {
  status?: ReportStatus;
  severity?: ReportSeverity;
  /**
   * For callers who are not organizers: only these statuses, plus (signed in) their own
   * reports in any status. Absent for organizers: every report.
   */
  visible?: { statuses: readonly ReportStatus[]; ownerId: string | null };
}

/** The only code that touches the reports collection. */
@Injectable()
export class ReportsRepository implements OnModuleInit {
  constructor(@InjectModel(Report.name) private readonly reports: Model<Report>) {}

  async onModuleInit(): Promise<void> {
    await this.reports.init();
  }

  async insert(report: NewReport, session: ClientSession): Promise<Report> {
    const [created] = await this.reports.create([report], { session });
    return created.toObject();
  }

  findById(id: Types.ObjectId, session?: ClientSession): Promise<Report | null> {
    return this.reports.findById(id, null, { session }).lean<Report>().exec();
  }

  /** The organizers' triage, if the status is still `from`; the report after, or null. */
  review(
    id: Types.ObjectId,
    from: ReportStatus,
    set: Pick<Report, 'status' | 'reviewedAt'> & Partial<Pick<Report, 'response'>>,
    session: ClientSession,
  ): Promise<Report | null> {
    return this.reports
      .findOneAndUpdate(
        { _id: id, status: from },
        { $set: set },
        {
          session,
          returnDocument: 'after',
          runValidators: true,
        },
      )
      .lean<Report>()
      .exec();
  }

  /** Links the task made from a verified report without one; the report after, or null. */
  linkTask(
    id: Types.ObjectId,
    taskId: Types.ObjectId,
    session: ClientSession,
  ): Promise<Report | null> {
    return this.reports
      .findOneAndUpdate(
        { _id: id, status: 'verified', taskId: null },
        { $set: { taskId } },
        { session, returnDocument: 'after' },
      )
      .lean<Report>()
      .exec();
  }

  /** An initiative's reports, newest first, strictly after `after`. */
  page(
    initiativeId: Types.ObjectId,
    filters: ReportFilters,
    after: CursorPosition | null,
    limit: number,
  ): Promise<Report[]> {
    const conditions: QueryFilter<Report> = { initiativeId };
    if (filters.status) conditions.status = filters.status;
    if (filters.severity) conditions.severity = filters.severity;
    const and: QueryFilter<Report>[] = [];
    if (filters.visible) {
      const { statuses, ownerId } = filters.visible;
      const publicOnes: QueryFilter<Report> = { status: mongoose.trusted({ $in: [...statuses] }) };
      and.push(ownerId ? { $or: [publicOnes, { userId: ownerId }] } : publicOnes);
    }
    if (after) {
      const at = new Date(after.value);
      conditions.createdAt = mongoose.trusted({ $lte: at });
      and.push({
        $or: [
          { createdAt: mongoose.trusted({ $lt: at }) },
          { _id: mongoose.trusted({ $lt: after.id }) },
        ],
      });
    }
    if (and.length > 0) conditions.$and = and;
    return this.reports
      .find(conditions)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<Report[]>()
      .exec();
  }
}
