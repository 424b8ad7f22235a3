/**
 * The person's rights over what the users service holds: their export, and their erasure,
 * which the users service performs first-hand and announces to the other services
 * (`evt.users.user.erased.v1`), whose consumers erase what they hold.
 */
import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ClientSession, Connection, Types } from 'mongoose';
import {
  EventSubjects,
  type EventEnvelope,
  type ExportedRecord,
  type MembershipChangedEvent,
  type SubjectErasure,
  type UserErasedEvent,
  type UsersSubjectExport,
} from '@spilno/contracts';
import type { Logger } from '@spilno/config';
import {
  newEvent,
  Outbox,
  OUTBOX_COLLECTION,
  PersonalDataRegistry,
  SERVICE_LOGGER,
  withTransaction,
  type StoredDocument,
} from '@spilno/messaging';
import { EventStreamEraser } from './event-stream-eraser';
import { OrganizationsVersionRepository } from './organizations-version.repository';
import {
  ACCOUNT_FIELDS,
  ERASED_STATUS,
  MEMBERSHIPS_COLLECTION,
  USERS_COLLECTION,
} from './personal-data';
import { PrivacyError, PrivacyErrorCode } from './privacy.errors';

interface Erasure {
  erasedAt: Date;
  /** Stream sequences of the person's earlier events, to delete after the commit. */
  publishedSequences: number[];
}

@Injectable()
export class PrivacyService {
  private readonly outbox: Outbox;

  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly organizations: OrganizationsVersionRepository,
    private readonly stream: EventStreamEraser,
    @InjectConnection() private readonly connection: Connection,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.outbox = new Outbox(connection);
  }

  async export(userId: string): Promise<UsersSubjectExport> {
    const { account, sessions, memberships, events } = await this.registry.exportFor({ userId });
    const [stored] = asList(account);
    return {
      account: stored ? accountPart(stored) : null,
      profile: stored ? profilePart(stored) : {},
      memberships: asList(memberships),
      sessions: asList(sessions).map((s) => ({ ...s, revoked: s.revokedAt !== null })),
      events: asList(events),
    };
  }

  /**
   * One transaction: the account pseudonymised, sessions, memberships and sign-in counters
   * deleted, the person's earlier events scrubbed, then `membership.removed` for each
   * membership and `user.erased` written to the outbox. The right to erasure wins over the
   * rule that an organization keeps an owner: the last owner's membership goes too.
   * Erasing an erased account again changes nothing and answers the first erasure.
   */
  async erase(userId: string): Promise<SubjectErasure> {
    const erasure = await withTransaction(this.connection, (session) =>
      this.eraseIn(userId, session),
    );
    const forgotten = await this.stream.forget(erasure.publishedSequences);
    this.logger.info({ userId, streamMessagesDeleted: forgotten }, 'person erased');
    return { userId, erasedAt: erasure.erasedAt.toISOString() };
  }

  private async eraseIn(userId: string, session: ClientSession): Promise<Erasure> {
    const [account] = await this.registry.find(USERS_COLLECTION, { userId }, session);
    if (!account) throw new PrivacyError(PrivacyErrorCode.AccountNotFound);
    if (account.status === ERASED_STATUS && account.erasedAt instanceof Date) {
      return { erasedAt: account.erasedAt, publishedSequences: [] };
    }
    const subject = { userId, email: String(account.email) };
    const memberships = await this.registry.find(MEMBERSHIPS_COLLECTION, subject, session);
    const earlierEvents = await this.registry.find(OUTBOX_COLLECTION, subject, session);
    const erasedAt = new Date();
    await this.registry.erase(subject, erasedAt, session);
    await this.organizations.bump(
      memberships.map((m) => m.organizationId as Types.ObjectId),
      session,
    );
    await this.outbox.add(
      [
        ...memberships.map((m) => membershipRemoved(m, userId, erasedAt)),
        newEvent<UserErasedEvent>(EventSubjects.users.userErased, 'users', {
          userId,
          erasedAt: erasedAt.toISOString(),
        }),
      ],
      session,
    );
    return { erasedAt, publishedSequences: streamSequences(earlierEvents) };
  }
}

function membershipRemoved(
  membership: StoredDocument,
  userId: string,
  changedAt: Date,
): EventEnvelope<MembershipChangedEvent> {
  return newEvent<MembershipChangedEvent>(EventSubjects.users.membershipRemoved, 'users', {
    organizationId: String(membership.organizationId),
    userId,
    role: membership.role as MembershipChangedEvent['role'],
    changedAt: changedAt.toISOString(),
  });
}

function streamSequences(records: StoredDocument[]): number[] {
  return records.flatMap((r) => (typeof r.streamSeq === 'number' ? [r.streamSeq] : []));
}

function asList(section: UsersSubjectExport[string] | undefined): ExportedRecord[] {
  if (Array.isArray(section)) return section;
  return section ? [section] : [];
}

function accountPart(stored: ExportedRecord): ExportedRecord {
  const { _id, ...rest } = pickFields(stored, ACCOUNT_FIELDS);
  return { id: _id, ...rest };
}

function profilePart(stored: ExportedRecord): ExportedRecord {
  const accountFields: readonly string[] = ACCOUNT_FIELDS;
  return Object.fromEntries(Object.entries(stored).filter(([k]) => !accountFields.includes(k)));
}

function pickFields(record: ExportedRecord, fields: readonly string[]): ExportedRecord {
  return Object.fromEntries(Object.entries(record).filter(([k]) => fields.includes(k)));
}
