import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { PUBLIC_REPORT_STATUSES } from '@spilno/auth';
import {
  EventSubjects,
  observedAtProblem,
  PAGE_LIMIT_DEFAULT,
  parseDateTime,
  type CreateReportPayload,
  type ListReportsPayload,
  type ReportPage,
  type ReportStatus,
  type ReportTaskPayload,
  type ReportView,
  type RequestMeta,
  type ReviewReportPayload,
  type TaskView,
} from '@spilno/contracts';
import { newEvent, Outbox, withTransaction } from '@spilno/messaging';
import { Caller, callerOf, signedIn } from '../common/caller';
import { toGeoJson } from '../common/geo';
import { parseObjectId } from '../common/object-id';
import { CursorKind, decodeCursor, encodeCursor } from '../common/page-cursor';
import { InitiativeAccess } from '../initiatives/initiative-access';
import { InitiativesRepository } from '../initiatives/initiatives.repository';
import { Initiative } from '../initiatives/schemas/initiative.schema';
import { TasksService } from '../tasks/tasks.service';
import { toTaskView } from '../tasks/views';
import { canTriage } from './report-review';
import { ReportsError, ReportsErrorCode } from './reports.errors';
import { ReportFilters, ReportsRepository } from './reports.repository';
import { Report } from './schemas/report.schema';
import { reportSubject, toReportVerifiedEvent, toReportView } from './views';

/** A report of nobody in particular, in the status only organizers see: "may see them all". */
const ANY_NEW_REPORT = { status: 'new' as const, userId: '' };

/**
 * Co-monitoring: citizens' reports on published co-monitoring initiatives, the organizers'
 * triage, and the hand-off of a verified report to a co-delivery task (both written in one
 * transaction). Who reported is never shown; the public sees verified and resolved reports only,
 * placed to about 1 km.
 */
@Injectable()
export class ReportsService {
  private readonly outbox: Outbox;

  constructor(
    private readonly reports: ReportsRepository,
    private readonly initiatives: InitiativesRepository,
    private readonly initiativeAccess: InitiativeAccess,
    private readonly tasks: TasksService,
    @InjectConnection() private readonly connection: Connection,
  ) {
    this.outbox = new Outbox(connection);
  }

  async create(meta: RequestMeta, payload: CreateReportPayload): Promise<ReportView> {
    const caller = callerOf(meta);
    const { userId } = signedIn(caller);
    const observedAt = parseDateTime(payload.observedAt);
    if (!observedAt || observedAtProblem(observedAt, new Date())) {
      throw new ReportsError(ReportsErrorCode.InvalidObservedAt);
    }
    const initiative = await this.initiativeAccess.readable(caller, payload.initiativeId);
    if (!caller.ability.can('create', reportSubject(initiative, { status: 'new', userId }))) {
      throw new ReportsError(ReportsErrorCode.NotAllowed);
    }
    if (initiative.mode !== 'co-monitoring') {
      throw new ReportsError(ReportsErrorCode.NotCoMonitoring);
    }
    if (initiative.status !== 'published') {
      throw new ReportsError(ReportsErrorCode.InitiativeNotPublished);
    }
    const created = await withTransaction(this.connection, async (session) => {
      const report = await this.reports.insert(
        {
          initiativeId: initiative._id,
          organizationId: initiative.organizationId,
          userId,
          title: payload.title,
          description: payload.description,
          severity: payload.severity,
          location: toGeoJson(payload.location),
          observedAt,
          evidenceUrls: payload.evidenceUrls ?? [],
        },
        session,
      );
      const counted = await this.initiatives.incrementStats(
        initiative._id,
        { reports: 1 },
        session,
        ['published'],
      );
      // Thrown: the initiative ended meanwhile, and this transaction must not commit.
      if (!counted) throw new ReportsError(ReportsErrorCode.InitiativeNotPublished);
      return report;
    });
    return toReportView(created, { exact: true, mine: true });
  }

  async get(meta: RequestMeta, reportId: string): Promise<ReportView> {
    const caller = callerOf(meta);
    const { report, initiative } = await this.readable(caller, reportId);
    return this.viewFor(caller, initiative, report);
  }

  /**
   * Newest first. Organizers of the initiative's organization (and admins) see every report,
   * exactly placed; everyone else the verified and resolved ones placed to about 1 km, and a
   * signed-in reporter also their own (exactly placed).
   */
  async list(meta: RequestMeta, query: ListReportsPayload): Promise<ReportPage> {
    const caller = callerOf(meta);
    const after =
      query.cursor === undefined ? null : decodeCursor(CursorKind.Reports, query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new ReportsError(ReportsErrorCode.InvalidCursor);
    }
    const initiative = await this.initiativeAccess.readable(caller, query.initiativeId);
    const organizer = caller.ability.can('review', reportSubject(initiative, ANY_NEW_REPORT));
    const filters: ReportFilters = { status: query.status, severity: query.severity };
    if (!organizer) {
      filters.visible = {
        statuses: PUBLIC_REPORT_STATUSES as ReportStatus[],
        ownerId: caller.principal?.userId ?? null,
      };
    }
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const rows = await this.reports.page(initiative._id, filters, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((report) => this.viewFor(caller, initiative, report)),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(CursorKind.Reports, { value: last.createdAt.getTime(), id: last._id })
          : null,
    };
  }

  /** Triage (see `report-review.ts`); verifying emits `evt.initiatives.report.verified.v1`. */
  async review(meta: RequestMeta, payload: ReviewReportPayload): Promise<ReportView> {
    const caller = callerOf(meta);
    signedIn(caller);
    const { report, initiative } = await this.readable(caller, payload.reportId);
    if (!caller.ability.can('review', reportSubject(initiative, report))) {
      throw new ReportsError(ReportsErrorCode.NotAllowed);
    }
    if (!canTriage(report.status, payload.status)) {
      throw new ReportsError(ReportsErrorCode.WrongStatus);
    }
    const at = new Date();
    const set: Parameters<ReportsRepository['review']>[2] = {
      status: payload.status,
      reviewedAt: at,
    };
    if (payload.response !== undefined) set.response = payload.response;
    const reviewed = await withTransaction(this.connection, async (session) => {
      const after = await this.reports.review(report._id, report.status, set, session);
      // Another decision came first; this one was made against a status that no longer holds.
      if (!after) throw new ReportsError(ReportsErrorCode.WrongStatus);
      if (after.status === 'verified' && report.status !== 'verified') {
        await this.outbox.add(
          newEvent(
            EventSubjects.initiatives.reportVerified,
            'initiatives',
            toReportVerifiedEvent(after, at),
          ),
          session,
        );
      }
      return after;
    });
    return this.viewFor(caller, initiative, reviewed);
  }

  /**
   * A verified report becomes a task of a co-delivery initiative of the caller's organization:
   * the task (with `sourceReportId`) and the report's `taskId` are written in one transaction.
   */
  async handOff(meta: RequestMeta, payload: ReportTaskPayload): Promise<TaskView> {
    const caller = callerOf(meta);
    signedIn(caller);
    const { reportId, ...taskPayload } = payload;
    const { report, initiative } = await this.readable(caller, reportId);
    if (!caller.ability.can('review', reportSubject(initiative, report))) {
      throw new ReportsError(ReportsErrorCode.NotAllowed);
    }
    if (report.status !== 'verified') throw new ReportsError(ReportsErrorCode.NotVerified);
    if (report.taskId) throw new ReportsError(ReportsErrorCode.AlreadyHandedOff);
    const target = await this.tasks.creatable(caller, taskPayload);
    if (target.mode !== 'co-delivery') throw new ReportsError(ReportsErrorCode.NotCoDelivery);
    const task = await withTransaction(this.connection, async (session) => {
      const created = await this.tasks.insertInTransaction(
        target._id,
        taskPayload,
        report._id,
        session,
      );
      const linked = await this.reports.linkTask(report._id, created._id, session);
      if (!linked) {
        const current = await this.reports.findById(report._id, session);
        throw new ReportsError(
          current?.status === 'verified'
            ? ReportsErrorCode.AlreadyHandedOff
            : ReportsErrorCode.NotVerified,
        );
      }
      return created;
    });
    return toTaskView(task);
  }

  /** The report and its initiative, if the caller may read it; `not_found` otherwise. */
  private async readable(
    caller: Caller,
    id: string,
  ): Promise<{ report: Report; initiative: Initiative }> {
    const objectId = parseObjectId(id);
    const report = objectId ? await this.reports.findById(objectId) : null;
    const initiative = report ? await this.initiatives.findById(report.initiativeId) : null;
    if (!report || !initiative || !caller.ability.can('read', reportSubject(initiative, report))) {
      throw new ReportsError(ReportsErrorCode.ReportNotFound);
    }
    return { report, initiative };
  }

  private viewFor(caller: Caller, initiative: Initiative, report: Report): ReportView {
    const mine = caller.principal !== null && caller.principal.userId === report.userId;
    const organizer = caller.ability.can('review', reportSubject(initiative, report));
    return toReportView(report, { exact: organizer || mine, mine });
  }
}
