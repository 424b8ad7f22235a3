/**
 * Data-subject rights (GDPR articles 15, 17 and 20): a person may take away everything the
 * platform holds about them (`GET /me/export`) and have it erased (`DELETE /me`). Each service
 * answers for its own data; the users service orchestrates erasure through
 * `evt.users.user.erased.v1` (`UserErasedEvent`).
 */
import type { ServiceName } from './events';

/** One record as exported: plain JSON, ObjectIds as hex strings, dates as ISO-8601 UTC. */
export type ExportedRecord = Record<string, unknown>;

/**
 * `<service>.subject.export.v1` (`SUBJECT_EXPORT_SUBJECTS`), payload `{}`, the caller in `meta`:
 * what one service holds about the caller, in named sections (usually one per collection).
 * Never secrets: no password hashes, token hashes or sealed tokens.
 */
export type SubjectExportSections = Record<string, ExportedRecord[] | ExportedRecord | null>;

/** The users service's part of the export. */
export interface UsersSubjectExport extends SubjectExportSections {
  /** Email, display name, locale, roles, status, dates; null when the account is gone. */
  account: ExportedRecord | null;
  /** Everything else the account document holds (region, skills, availability, ...). */
  profile: ExportedRecord;
  memberships: ExportedRecord[];
  /** Sign-in sessions (refresh-token rotations): when created, until when, whether revoked. */
  sessions: ExportedRecord[];
  /** Events about the person the users service recorded (its outbox). */
  events: ExportedRecord[];
}

/** `GET /me/export`: every service's part; never a partial export presented as complete. */
export interface SubjectDataExport {
  /** ISO-8601 UTC. */
  exportedAt: string;
  userId: string;
  services: Record<ServiceName, SubjectExportSections>;
}

/** `users.subject.erase.v1`, payload `{}`, the caller in `meta`: the erasure that happened. */
export interface SubjectErasure {
  userId: string;
  /** ISO-8601 UTC; access tokens issued up to this second are refused from now on. */
  erasedAt: string;
}
