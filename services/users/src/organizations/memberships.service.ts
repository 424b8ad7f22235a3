import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ClientSession, Connection, Types } from 'mongoose';
import {
  AddMemberPayload,
  EventEnvelope,
  EventSubjects,
  ListMembersPayload,
  Membership,
  MembershipChangedEvent,
  MemberPage,
  MemberView,
  OrganizationRole,
  PAGE_LIMIT_DEFAULT,
  RemoveMemberPayload,
  RequestMeta,
} from '@spilno/contracts';
import { newEvent, Outbox, withTransaction } from '@spilno/messaging';
import { normaliseEmail } from '../accounts/accounts.service';
import { signedIn } from '../common/envelope';
import { MemberAccountsRepository } from './member-accounts.repository';
import { MembershipsRepository } from './memberships.repository';
import { OrganizationAccess, parseObjectId } from './organization-access';
import { OrganizationsError, OrganizationsErrorCode } from './organizations.errors';
import { OrganizationsRepository } from './organizations.repository';
import { pageStart, toPage } from './page-cursor';

@Injectable()
export class MembershipsService {
  private readonly outbox: Outbox;

  constructor(
    private readonly memberships: MembershipsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly accounts: MemberAccountsRepository,
    private readonly access: OrganizationAccess,
    @InjectConnection() private readonly connection: Connection,
  ) {
    this.outbox = new Outbox(connection);
  }

  /** Owners (and admins) add a person by the email of their account. */
  async add(meta: RequestMeta, payload: AddMemberPayload): Promise<MemberView> {
    signedIn(meta);
    const caller = await this.access.caller(meta);
    const organization = await this.access.readable(caller, payload.organizationId);
    this.access.authorize(caller, 'update', organization);
    const account = await this.accounts.findByEmail(normaliseEmail(payload.email));
    if (!account) throw new OrganizationsError(OrganizationsErrorCode.AccountNotFound);
    const membership = {
      organizationId: organization._id,
      userId: account._id,
      role: payload.role,
    };
    await this.change(organization._id, async (session) => {
      if (!(await this.memberships.insert(membership, session))) {
        throw new OrganizationsError(OrganizationsErrorCode.AlreadyMember);
      }
      return membershipEvent(EventSubjects.users.membershipAdded, membership);
    });
    return {
      userId: account._id.toHexString(),
      displayName: account.displayName,
      role: payload.role,
    };
  }

  /**
   * Owners (and admins) remove anyone; every member may leave. The last owner can do neither:
   * the owner count is taken inside the transaction that deletes, after writing the
   * organization, so two owners removing each other concurrently cannot both succeed.
   */
  async remove(meta: RequestMeta, payload: RemoveMemberPayload): Promise<void> {
    const callerId = signedIn(meta);
    const caller = await this.access.caller(meta);
    const organization = await this.access.readable(caller, payload.organizationId);
    if (payload.userId !== callerId) this.access.authorize(caller, 'update', organization);
    const userId = parseObjectId(payload.userId);
    if (!userId) throw new OrganizationsError(OrganizationsErrorCode.MemberNotFound);
    await this.change(organization._id, async (session) => {
      const membership = await this.memberships.find(organization._id, userId, session);
      if (!membership) throw new OrganizationsError(OrganizationsErrorCode.MemberNotFound);
      if (
        membership.role === 'owner' &&
        (await this.memberships.countOwners(organization._id, session)) <= 1
      ) {
        throw new OrganizationsError(OrganizationsErrorCode.LastOwner);
      }
      await this.memberships.delete(membership._id, session);
      return membershipEvent(EventSubjects.users.membershipRemoved, membership);
    });
  }

  /** Members and admins see who belongs, in joining order. */
  async list(meta: RequestMeta, query: ListMembersPayload): Promise<MemberPage> {
    signedIn(meta);
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const after = pageStart(query.cursor);
    const caller = await this.access.caller(meta);
    const organization = await this.access.readable(caller, query.organizationId);
    this.access.authorizeMemberList(caller, organization);
    const page = toPage(await this.memberships.page(organization._id, after, limit + 1), limit);
    const names = await this.accounts.displayNames(page.rows.map((m) => m.userId));
    return {
      items: page.rows.map((m) => ({
        userId: m.userId.toHexString(),
        // An account erased a moment ago may still have its membership; it has no name left.
        displayName: names.get(m.userId.toHexString()) ?? '',
        role: m.role,
      })),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * What an access token says about the person: memberships of verified organizations only,
   * so in every service's ability only members of a verified organization act for it.
   */
  async forAccessToken(userId: Types.ObjectId): Promise<Membership[]> {
    const rows = await this.memberships.ofUser(userId);
    const verified = await this.organizations.verifiedAmong(rows.map((m) => m.organizationId));
    const isVerified = new Set(verified.map((id) => id.toHexString()));
    return rows
      .filter((m) => isVerified.has(m.organizationId.toHexString()))
      .map((m) => ({ organizationId: m.organizationId.toHexString(), role: m.role }));
  }

  /**
   * Runs a membership change in a transaction that first writes the organization (so
   * concurrent changes of one organization conflict and retry), then records its event.
   */
  private async change(
    organizationId: Types.ObjectId,
    work: (session: ClientSession) => Promise<EventEnvelope<MembershipChangedEvent>>,
  ): Promise<void> {
    await withTransaction(this.connection, async (session) => {
      if (!(await this.organizations.touchMemberships(organizationId, session))) {
        throw new OrganizationsError(OrganizationsErrorCode.OrganizationNotFound);
      }
      await this.outbox.add(await work(session), session);
    });
  }
}

function membershipEvent(
  type: string,
  membership: { organizationId: Types.ObjectId; userId: Types.ObjectId; role: OrganizationRole },
) {
  const data: MembershipChangedEvent = {
    organizationId: membership.organizationId.toHexString(),
    userId: membership.userId.toHexString(),
    role: membership.role,
    changedAt: new Date().toISOString(),
  };
  return newEvent(type, 'users', data);
}
