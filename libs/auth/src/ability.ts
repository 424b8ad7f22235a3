// The shim must travel with this file into every project that compiles it (they reach
// libs/auth through tsconfig paths, not through its own tsconfig).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./casl-ability.d.ts" />
/**
 * What a principal may do, as CASL rules: default deny, one function, every rule visible here.
 * The gateway asks coarse questions ("may this caller create some Initiative?"); the owning
 * service asks about the real document ("this one, of organization B?") with `subject()`.
 *
 * Conditions name fields of a document in its API shape, with ids as strings:
 *   Organization { id, status }          Initiative { organizationId, status }
 *   Task, Campaign { organizationId, initiativeStatus }
 *   Proposal { organizationId, initiativeStatus, userId }
 *   Report { organizationId, initiativeStatus, status, userId }
 *   Application, Donation { organizationId, userId }   User { id, contactable? }
 *   Notification { userId }
 * `initiativeStatus` is the status of the initiative a child belongs to: children of a draft
 * are as private as the draft.
 */
import { AbilityBuilder, createMongoAbility, ForcedSubject, MongoAbility } from '@casl/ability';
import { Principal } from '@spilno/contracts';

export type Action =
  | 'manage'
  | 'create'
  | 'read'
  | 'update'
  | 'delete'
  /** Initiative lifecycle: publish, complete, cancel. */
  | 'publish'
  /** Admin verification of an organization. */
  | 'verify'
  /** Coordinator decisions: accept/reject/check in/complete applications, answer proposals and reports. */
  | 'review'
  | 'withdraw'
  | 'vote'
  /** Confirm a pledged donation as received. */
  | 'confirm'
  /** Data-subject export (User) and research export (Dataset). */
  | 'export';

export const SUBJECT_NAMES = [
  'Organization',
  'Initiative',
  'Task',
  'Application',
  'Campaign',
  'Donation',
  'Report',
  'Proposal',
  'User',
  'Dataset',
  'Notification',
] as const;
export type SubjectName = (typeof SUBJECT_NAMES)[number];

/**
 * The fields conditions read, per subject (ids as strings, so a mongoose ObjectId passed by
 * mistake fails to compile instead of silently never matching).
 */
export interface SubjectFields {
  Organization: { id: string; status: string };
  Initiative: { organizationId: string; status: string };
  Task: { organizationId: string; initiativeStatus: string };
  Campaign: { organizationId: string; initiativeStatus: string };
  Proposal: { organizationId: string; initiativeStatus: string; userId: string };
  Report: { organizationId: string; initiativeStatus: string; status: string; userId: string };
  Application: { organizationId: string; userId: string };
  Donation: { organizationId: string; userId: string | null };
  /** `contactable` is known when reading a real profile; a bare `{ id }` never matches it. */
  User: { id: string; contactable?: boolean };
  Notification: { userId: string };
  Dataset: { name: string };
}

/** A document tagged with its subject name, e.g. `subject('Task', task)`. */
export type SubjectDocument<N extends SubjectName = SubjectName> = {
  [K in N]: SubjectFields[K] & ForcedSubject<K>;
}[N];

export type AppSubject = SubjectName | 'all' | SubjectDocument;
export type AppAbility = MongoAbility<[Action, AppSubject]>;

/** Initiative statuses the public may see (drafts and cancelled ones stay with their org). */
export const PUBLIC_INITIATIVE_STATUSES = ['published', 'completed'];
/** Report statuses the public may see. */
export const PUBLIC_REPORT_STATUSES = ['verified', 'resolved'];

/** The profile fields a user may change about themself (never `roles`, never `email` here). */
export const SELF_EDITABLE_USER_FIELDS = [
  'displayName',
  'locale',
  'region',
  'district',
  'birthYear',
  'languages',
  'skills',
  'availability',
  'maxHoursPerWeek',
  'contactable',
  'researchConsent',
  'location',
];

/** What organizers may read of a `contactable` volunteer (never email, birth year, location). */
export const ORGANIZER_READABLE_USER_FIELDS = [
  'displayName',
  'region',
  'district',
  'languages',
  'skills',
  'availability',
];

export function defineAbilityFor(principal: Principal | null): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  const publicInitiative = { $in: PUBLIC_INITIATIVE_STATUSES };

  // Anyone, signed in or not: public data, and donating.
  can('read', 'Organization', { status: 'verified' });
  can('read', 'Initiative', { status: publicInitiative });
  can('read', ['Task', 'Campaign', 'Proposal'], { initiativeStatus: publicInitiative });
  can('read', 'Report', {
    initiativeStatus: publicInitiative,
    status: { $in: PUBLIC_REPORT_STATUSES },
  });
  can('create', 'Donation');

  if (!principal) return build();
  const { userId } = principal;

  // Every signed-in person (the citizen baseline; admins and researchers are citizens too).
  can('read', 'User', ['id', 'displayName']);
  can(['read', 'delete', 'export'], 'User', { id: userId });
  can('update', 'User', SELF_EDITABLE_USER_FIELDS, { id: userId });
  can('create', 'Organization');
  can(['create', 'read', 'withdraw'], 'Application', { userId });
  can(['create', 'read'], ['Proposal', 'Report'], { userId });
  can('vote', 'Proposal', { initiativeStatus: 'published' });
  can('read', 'Donation', { userId });
  can(['read', 'update'], 'Notification', { userId });

  // Organizers act only for their own organizations; owners also manage the organization.
  const memberOf = principal.memberships.map((m) => m.organizationId);
  const ownerOf = principal.memberships
    .filter((m) => m.role === 'owner')
    .map((m) => m.organizationId);
  if (memberOf.length > 0) {
    const ofTheirOrgs = { organizationId: { $in: memberOf } };
    can('read', 'Organization', { id: { $in: memberOf } });
    can('read', 'User', ORGANIZER_READABLE_USER_FIELDS, { contactable: true });
    can(['create', 'read', 'update', 'publish', 'delete'], 'Initiative', ofTheirOrgs);
    can(['create', 'read', 'update'], ['Task', 'Campaign'], ofTheirOrgs);
    can(['read', 'review'], ['Application', 'Proposal', 'Report'], ofTheirOrgs);
    can(['read', 'confirm'], 'Donation', ofTheirOrgs);
  }
  if (ownerOf.length > 0) {
    can('update', 'Organization', { id: { $in: ownerOf } });
  }

  if (principal.roles.includes('researcher')) {
    can(['read', 'export'], 'Dataset');
  }
  if (principal.roles.includes('admin')) {
    can('manage', 'all');
  }
  return build();
}
