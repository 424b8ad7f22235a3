/** Reports as answers and as event payloads. */
import { subject } from '@casl/ability';
import { approximateLocation, type ReportVerifiedEvent, type ReportView } from '@spilno/contracts';
import { fromGeoJson } from '../common/geo';
import type { Initiative } from '../initiatives/schemas/initiative.schema';
import { Report } from './schemas/report.schema';

/** A report as CASL conditions read it (its reporter only to match the reporter's own rule). */
export function reportSubject(
  initiative: Pick<Initiative, 'organizationId' | 'status'>,
  report: Pick<Report, 'status' | 'userId'>,
) {
  return subject('Report', {
    organizationId: initiative.organizationId.toHexString(),
    initiativeStatus: initiative.status,
    status: report.status,
    userId: report.userId,
  });
}

/**
 * Never who reported it. `exact`: organizers and the reporter see the place as reported;
 * everyone else rounded to about 1 km.
 */
export function toReportView(
  report: Report,
  caller: { exact: boolean; mine: boolean },
): ReportView {
  const location = fromGeoJson(report.location) ?? { lat: 0, lng: 0 };
  return {
    id: report._id.toHexString(),
    initiativeId: report.initiativeId.toHexString(),
    organizationId: report.organizationId.toHexString(),
    title: report.title,
    description: report.description,
    severity: report.severity,
    location: caller.exact ? location : approximateLocation(location),
    locationPrecision: caller.exact ? 'exact' : 'approximate',
    observedAt: report.observedAt.toISOString(),
    evidenceUrls: report.evidenceUrls,
    status: report.status,
    response: report.response ?? null,
    reviewedAt: report.reviewedAt ? report.reviewedAt.toISOString() : null,
    taskId: report.taskId ? report.taskId.toHexString() : null,
    mine: caller.mine,
    createdAt: report.createdAt.toISOString(),
    updatedAt: report.updatedAt.toISOString(),
  };
}

/** No reporter, no text: what matching needs, the place rounded as the public sees it. */
export function toReportVerifiedEvent(report: Report, at: Date): ReportVerifiedEvent {
  const location = fromGeoJson(report.location) ?? { lat: 0, lng: 0 };
  return {
    reportId: report._id.toHexString(),
    initiativeId: report.initiativeId.toHexString(),
    organizationId: report.organizationId.toHexString(),
    severity: report.severity,
    location: approximateLocation(location),
    observedAt: report.observedAt.toISOString(),
    verifiedAt: at.toISOString(),
  };
}
