/**
 * The donations service's personal-data registry: every collection of its database that holds
 * data about a person. GET /me/export shows what these declare; evt.users.user.erased.v1
 * erases it. A feature that stores personal data adds its collection here (see
 * `PersonalDataDeclaration` in libs/messaging), and gets export and erasure with it.
 *
 * Donations stay in the totals after an erasure: they are pseudonymised, keeping amount,
 * currency and campaign. The hash-chained ledger does not hash a donor's name itself but a
 * per-entry salted commitment to it (ledger/ledger-hash.ts), so erasing the name (it becomes
 * `anonymous`) and its salt leaves `verify` intact. Events of this service carry no person.
 */
import { ANONYMOUS_DONOR } from '@spilno/contracts';
import { DEAD_LETTERS_PERSONAL_DATA, type PersonalDataDeclaration } from '@spilno/messaging';
import { DONATIONS_COLLECTION } from '../donations/schemas/donation.schema';
import { IDEMPOTENCY_COLLECTION } from '../idempotency/schemas/idempotency-record.schema';
import { IN_KIND_PLEDGES_COLLECTION } from '../in-kind/schemas/in-kind-pledge.schema';
import { LEDGER_COLLECTION } from '../ledger/schemas/ledger-entry.schema';
import { PEOPLE_COLLECTION } from '../people/person.schema';

const DONATION_FACTS = [
  'campaignId',
  'initiativeId',
  'organizationId',
  'amount',
  'currency',
  'status',
  'externalRef',
  'confirmedVia',
  'confirmedAt',
  'refundedAt',
  'ledgerSeq',
  'refundLedgerSeq',
  'createdAt',
  'updatedAt',
];

/** Every hashed field of a ledger entry stays; the name becomes `anonymous`, the salt goes. */
const LEDGER_FACTS = [
  'campaignId',
  'seq',
  'kind',
  'amount',
  'currency',
  'at',
  'donorCommitment',
  'description',
  'receiptUrl',
  'refundOf',
  'sourceId',
  'hash',
];

export const DONATIONS_PERSONAL_DATA: readonly PersonalDataDeclaration[] = [
  {
    collection: DONATIONS_COLLECTION,
    link: { path: 'userId' },
    export: { section: 'donations', only: ['_id', 'anonymous', 'message', ...DONATION_FACTS] },
    erase: { action: 'pseudonymise', keep: DONATION_FACTS, replace: () => ({ anonymous: true }) },
  },
  {
    // Named entries only: anonymous ones never name anyone.
    collection: LEDGER_COLLECTION,
    link: { path: 'donorUserId' },
    export: {
      section: 'ledgerEntries',
      only: ['campaignId', 'seq', 'amount', 'currency', 'at', 'donor'],
    },
    erase: {
      action: 'pseudonymise',
      keep: LEDGER_FACTS,
      replace: () => ({ donor: ANONYMOUS_DONOR }),
    },
  },
  {
    collection: IN_KIND_PLEDGES_COLLECTION,
    link: { path: 'userId' },
    export: {
      section: 'inKindPledges',
      only: [
        '_id',
        'campaignId',
        'item',
        'unit',
        'quantity',
        'status',
        'receivedQuantity',
        'createdAt',
        'receivedAt',
      ],
    },
    erase: {
      action: 'pseudonymise',
      keep: [
        'campaignId',
        'organizationId',
        'key',
        'item',
        'unit',
        'quantity',
        'status',
        'receivedQuantity',
        'receivedAt',
        'createdAt',
        'updatedAt',
      ],
    },
  },
  {
    // Stored first answers of the person's donations and expenses (24 hours).
    collection: IDEMPOTENCY_COLLECTION,
    link: { path: 'userId' },
    export: { section: 'idempotencyKeys', only: ['operation', 'key', 'createdAt'] },
    erase: { action: 'delete' },
  },
  {
    collection: PEOPLE_COLLECTION,
    link: { path: '_id' },
    export: { section: 'displayName', only: ['displayName'] },
    erase: { action: 'delete' },
  },
  DEAD_LETTERS_PERSONAL_DATA,
];
