/**
 * The users service's personal-data registry: every collection of its database that holds
 * data about a person, what their export shows of it and what erasure does to it. A feature
 * that stores personal data adds its collection here and gets export and erasure with it.
 *
 * What survives an erasure: the account document, under its id (other services' aggregates,
 * such as hours and donations, refer to it), with placeholders for the fields its schema
 * requires, its locale and creation date; and the outbox records of the person's events, with
 * the user id as their only content. Nothing else about the person stays.
 */
import { randomBytes } from 'node:crypto';
import {
  OUTBOX_PERSONAL_DATA,
  type ErasureContext,
  type PersonalDataDeclaration,
  type StoredDocument,
} from '@spilno/messaging';
import { counterPrefix } from '../auth/sign-in-throttle';

export const USERS_COLLECTION = 'users';
export const MEMBERSHIPS_COLLECTION = 'memberships';
export const ERASED_STATUS = 'erased';

/** The account fields of the export; the rest of the account document is the profile. */
export const ACCOUNT_FIELDS = [
  '_id',
  'email',
  'displayName',
  'locale',
  'roles',
  'status',
  'erasedAt',
  'createdAt',
  'updatedAt',
] as const;

const DELETED_USER_NAME = { uk: 'Видалений користувач', en: 'Deleted user' } as const;

/**
 * An erased account keeps its document (and its id) with non-personal placeholders: a unique
 * email that no one can register (`.invalid` is reserved, RFC 2606; registration requires a
 * real domain) and a password hash well-formed for argon2 but of random bytes, so no password
 * verifies and a stray check cannot fail on it.
 */
export function erasedAccountFields(
  account: StoredDocument,
  { erasedAt }: ErasureContext,
): Record<string, unknown> {
  const locale = account.locale === 'en' ? 'en' : 'uk';
  return {
    email: `erased+${randomBytes(12).toString('hex')}@invalid`,
    passwordHash: unusablePasswordHash(),
    displayName: DELETED_USER_NAME[locale],
    locale,
    roles: [],
    status: ERASED_STATUS,
    erasedAt,
    updatedAt: erasedAt,
  };
}

function unusablePasswordHash(): string {
  const base64 = (bytes: number) => randomBytes(bytes).toString('base64').replace(/=+$/, '');
  return `$argon2id$v=19$m=19456,t=2,p=1$${base64(16)}$${base64(32)}`;
}

/** Sign-in counters are keyed by a digest of the email, not by the user id. */
export function accountCounterPattern(email: string): RegExp {
  return new RegExp(`^${counterPrefix('account', email)}`);
}

export const USERS_PERSONAL_DATA: readonly PersonalDataDeclaration[] = [
  {
    collection: USERS_COLLECTION,
    link: { path: '_id' },
    export: { section: 'account', secrets: ['passwordHash'] },
    erase: { action: 'pseudonymise', keep: ['createdAt'], replace: erasedAccountFields },
  },
  {
    collection: 'refresh_tokens',
    link: { path: 'userId' },
    // Sessions as their owner may see them: never a token hash or a sealed successor.
    export: {
      section: 'sessions',
      only: ['_id', 'familyId', 'createdAt', 'expiresAt', 'spentAt', 'revokedAt'],
    },
    erase: { action: 'delete' },
  },
  {
    collection: MEMBERSHIPS_COLLECTION,
    link: { path: 'userId' },
    export: { section: 'memberships' },
    erase: { action: 'delete' },
  },
  {
    collection: 'sign_in_attempts',
    link: {
      filter: ({ email }) => (email ? { _id: accountCounterPattern(email) } : null),
    },
    // Counters of failed attempts, gone within a window: operational, not the person's record.
    export: false,
    erase: { action: 'delete' },
  },
  OUTBOX_PERSONAL_DATA,
];
