/**
 * The matching service's personal-data registry: every collection of its database that holds
 * data about a person. GET /me/export shows what these declare; evt.users.user.erased.v1
 * erases it (the erasure consumer, and the read-model consumer when it reaches the same event),
 * and the person leaves the in-memory index with it. A feature that stores personal data adds
 * its collection here (see `PersonalDataDeclaration` in libs/messaging).
 *
 * Everything here is about the person only, so erasure deletes it: the copy of their profile
 * (skills, windows, place, hours, name), their applications as matching knows them, their
 * notifications, which tasks they were told about, and their daily notification counts.
 */
import { DEAD_LETTERS_PERSONAL_DATA, type PersonalDataDeclaration } from '@spilno/messaging';
import { NOTIFICATIONS_COLLECTION } from '../notifications/schemas/notification.schema';
import { OUTREACH_DAYS_COLLECTION } from '../outreach/schemas/outreach-day.schema';
import { TASK_NOTICES_COLLECTION } from '../outreach/schemas/task-notice.schema';
import { APPLICATIONS_COLLECTION } from '../read-model/schemas/application.schema';
import { VOLUNTEERS_COLLECTION } from '../read-model/schemas/volunteer.schema';

export const MATCHING_PERSONAL_DATA: readonly PersonalDataDeclaration[] = [
  DEAD_LETTERS_PERSONAL_DATA,
  {
    collection: VOLUNTEERS_COLLECTION,
    link: { path: '_id' },
    export: { section: 'matchingProfile' },
    erase: { action: 'delete' },
  },
  {
    collection: APPLICATIONS_COLLECTION,
    link: { path: 'userId' },
    export: { section: 'applicationsKnown', only: ['_id', 'taskId', 'status', 'changedAt'] },
    erase: { action: 'delete' },
  },
  {
    collection: NOTIFICATIONS_COLLECTION,
    link: { path: 'userId' },
    export: { section: 'notifications' },
    erase: { action: 'delete' },
  },
  {
    collection: TASK_NOTICES_COLLECTION,
    link: { path: 'userId' },
    export: { section: 'toldAboutTasks', only: ['taskId', 'notifiedAt'] },
    erase: { action: 'delete' },
  },
  {
    collection: OUTREACH_DAYS_COLLECTION,
    link: { path: 'userId' },
    export: { section: 'notificationsPerDay', only: ['day', 'count'] },
    erase: { action: 'delete' },
  },
];
