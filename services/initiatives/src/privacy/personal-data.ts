/**
 * The initiatives service's personal-data registry: every collection of its database that holds
 * data about a person. GET /me/export shows what these declare; evt.users.user.erased.v1
 * erases it. A feature that stores personal data adds its collection here (see
 * `PersonalDataDeclaration` in libs/messaging), and gets export and erasure with it.
 *
 * What survives an erasure, and why:
 * - applications: task, status and hours (the initiative's totals, the task's slots), under a
 *   pseudonym; the message and the contact go;
 * - votes: under the pseudonym, so each proposal's count stays right;
 * - proposals: title, body, status, response and votes (written for the public deliberation),
 *   under the pseudonym;
 * - reports: severity, times, status, the organizers' response and the link to a task, the
 *   place rounded to ~1 km; the title, the description and the evidence go (free text and
 *   photos often identify who reported, e.g. their own street);
 * - events in the outbox: the user id alone (libs/messaging `OUTBOX_PERSONAL_DATA`).
 * The volunteer's record (hours), the people read model and stored idempotent answers are
 * about the person only: deleted. One erasure uses one pseudonym (`erased-user.ts`).
 */
import { approximateLocation } from '@spilno/contracts';
import {
  DEAD_LETTERS_PERSONAL_DATA,
  OUTBOX_PERSONAL_DATA,
  type ErasureContext,
  type PersonalDataDeclaration,
  type StoredDocument,
} from '@spilno/messaging';
import { APPLICATION_REQUESTS_COLLECTION } from '../applications/schemas/application-request.schema';
import { APPLICATIONS_COLLECTION } from '../applications/schemas/application.schema';
import { VOLUNTEER_RECORDS_COLLECTION } from '../applications/schemas/volunteer-record.schema';
import { VOLUNTEERS_COLLECTION } from '../applications/volunteers/volunteer.schema';
import { PROPOSALS_COLLECTION } from '../proposals/schemas/proposal.schema';
import { VOTES_COLLECTION } from '../proposals/schemas/vote.schema';
import { REPORTS_COLLECTION } from '../reports/schemas/report.schema';
import { erasedUserId } from './erased-user';

/** Replaces a report's texts and evidence, and rounds its place (GeoJSON `[lng, lat]`). */
export const ERASED_REPORT_TEXT = '[erased at the reporter’s request]';

const pseudonymOnly = (_document: StoredDocument, context: ErasureContext) => ({
  userId: erasedUserId(context),
});

function erasedReport(document: StoredDocument, context: ErasureContext): Record<string, unknown> {
  const location = document.location as { type?: string; coordinates?: unknown } | undefined;
  const [lng, lat] = Array.isArray(location?.coordinates) ? location.coordinates : [];
  const rounded =
    typeof lat === 'number' && typeof lng === 'number'
      ? approximateLocation({ lat, lng })
      : { lat: 0, lng: 0 };
  return {
    userId: erasedUserId(context),
    title: ERASED_REPORT_TEXT,
    description: ERASED_REPORT_TEXT,
    evidenceUrls: [],
    location: { type: 'Point', coordinates: [rounded.lng, rounded.lat] },
  };
}

export const INITIATIVES_PERSONAL_DATA: readonly PersonalDataDeclaration[] = [
  DEAD_LETTERS_PERSONAL_DATA,
  OUTBOX_PERSONAL_DATA,
  {
    collection: APPLICATIONS_COLLECTION,
    link: { path: 'userId' },
    export: { section: 'participation' },
    erase: {
      action: 'pseudonymise',
      keep: [
        'taskId',
        'initiativeId',
        'organizationId',
        'status',
        'active',
        'hours',
        'decidedAt',
        'checkedInAt',
        'completedAt',
        'withdrawnAt',
        'createdAt',
        'updatedAt',
      ],
      replace: pseudonymOnly,
    },
  },
  {
    collection: VOLUNTEER_RECORDS_COLLECTION,
    link: { path: '_id' },
    export: { section: 'volunteerRecord', only: ['hours', 'completedShifts', 'createdAt'] },
    erase: { action: 'delete' },
  },
  {
    collection: VOLUNTEERS_COLLECTION,
    link: { path: '_id' },
    export: { section: 'profileCopy' },
    erase: { action: 'delete' },
  },
  {
    collection: APPLICATION_REQUESTS_COLLECTION,
    link: { path: 'userId' },
    export: { section: 'applicationRequests', only: ['key', 'answer', 'createdAt'] },
    erase: { action: 'delete' },
  },
  {
    collection: PROPOSALS_COLLECTION,
    link: { path: 'userId' },
    export: { section: 'proposals' },
    erase: {
      action: 'pseudonymise',
      keep: [
        'initiativeId',
        'organizationId',
        'title',
        'body',
        'status',
        'response',
        'respondedAt',
        'votes',
        'createdAt',
        'updatedAt',
      ],
      replace: pseudonymOnly,
    },
  },
  {
    collection: VOTES_COLLECTION,
    link: { path: 'userId' },
    export: { section: 'votes' },
    erase: { action: 'pseudonymise', keep: ['proposalId', 'createdAt'], replace: pseudonymOnly },
  },
  {
    collection: REPORTS_COLLECTION,
    link: { path: 'userId' },
    export: { section: 'reports' },
    erase: {
      action: 'pseudonymise',
      keep: [
        'initiativeId',
        'organizationId',
        'severity',
        'observedAt',
        'status',
        'response',
        'reviewedAt',
        'taskId',
        'createdAt',
        'updatedAt',
      ],
      replace: erasedReport,
    },
  },
];
