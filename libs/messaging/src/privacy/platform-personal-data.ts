/**
 * Declarations for the collections this library writes in every service's database: the
 * outbox (events a service emitted) and the dead letters (events it could not apply). Both
 * hold events, and an event about a person may carry their name or profile.
 */
import { OUTBOX_COLLECTION } from '../outbox/outbox.schema';
import type { PersonalDataDeclaration } from './personal-data';

/** Where events name their person (every event about one person carries `data.userId`). */
const EVENT_SUBJECT_PATH = 'envelope.data.userId';

/** What identifies an event and its delivery, without its content. */
const EVENT_STRUCTURE = ['envelope.id', 'envelope.type', 'envelope.occurredAt', 'envelope.source'];

/**
 * The service's outbox. Erasure keeps the records (the relay's order and its re-publishing
 * need them) with the user id as their only content: a record not yet published then reaches
 * consumers without the person's data, which is what they should get after an erasure.
 */
export const OUTBOX_PERSONAL_DATA: PersonalDataDeclaration = {
  collection: OUTBOX_COLLECTION,
  link: { path: EVENT_SUBJECT_PATH },
  export: {
    section: 'events',
    only: ['_id', 'subject', 'envelope.occurredAt', 'envelope.data', 'createdAt', 'publishedAt'],
  },
  erase: {
    action: 'pseudonymise',
    keep: [
      'subject',
      'position',
      'createdAt',
      'publishedAt',
      'streamSeq',
      'attempts',
      ...EVENT_STRUCTURE,
      EVENT_SUBJECT_PATH,
    ],
  },
};

/**
 * Events a consumer gave up on. Erasure keeps the record of the failure (operators need it)
 * without the event's content or the error message, which may quote it.
 */
export const DEAD_LETTERS_PERSONAL_DATA: PersonalDataDeclaration = {
  collection: 'dead_letters',
  link: { path: EVENT_SUBJECT_PATH },
  export: { section: 'failedEvents', only: ['subject', 'envelope.data', 'deadLetteredAt'] },
  erase: {
    action: 'pseudonymise',
    keep: [
      'consumer',
      'eventId',
      'subject',
      'streamSeq',
      'deliveries',
      'deadLetteredAt',
      'error.name',
      'error.code',
      ...EVENT_STRUCTURE,
      EVENT_SUBJECT_PATH,
    ],
  },
};
