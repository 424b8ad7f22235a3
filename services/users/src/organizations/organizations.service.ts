import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import {
  CreateOrganizationPayload,
  EventSubjects,
  ListOrganizationsPayload,
  MembershipChangedEvent,
  OrganizationCreatedEvent,
  OrganizationPage,
  OrganizationVerifiedEvent,
  OrganizationView,
  PAGE_LIMIT_DEFAULT,
  RequestMeta,
} from '@spilno/contracts';
import { newEvent, Outbox, withTransaction } from '@spilno/messaging';
import { signedIn } from '../common/envelope';
import { MembershipsRepository } from './memberships.repository';
import { OrganizationAccess } from './organization-access';
import { OrganizationsError, OrganizationsErrorCode } from './organizations.errors';
import { OrganizationsRepository } from './organizations.repository';
import { pageStart, toPage } from './page-cursor';
import { readableOrganizationsFilter } from './readable-filter';
import { Organization } from './schemas/organization.schema';

export function toOrganizationView(
  organization: Organization,
  membersCount: number,
): OrganizationView {
  return {
    id: organization._id.toHexString(),
    name: organization.name,
    kind: organization.kind,
    region: organization.region,
    description: organization.description ?? null,
    status: organization.status,
    membersCount,
    createdAt: organization.createdAt.toISOString(),
    updatedAt: organization.updatedAt.toISOString(),
    verifiedAt: organization.verifiedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class OrganizationsService {
  private readonly outbox: Outbox;

  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly access: OrganizationAccess,
    @InjectConnection() private readonly connection: Connection,
  ) {
    this.outbox = new Outbox(connection);
  }

  /** A pending organization whose owner is the caller: both, and their events, in one commit. */
  async create(meta: RequestMeta, payload: CreateOrganizationPayload): Promise<OrganizationView> {
    signedIn(meta);
    const caller = await this.access.caller(meta);
    if (!caller.principal || !caller.ability.can('create', 'Organization')) {
      throw new OrganizationsError(OrganizationsErrorCode.NotAllowed);
    }
    const ownerId = new Types.ObjectId(caller.principal.userId);
    const organization = await withTransaction(this.connection, async (session) => {
      const created = await this.organizations.insert(
        {
          name: payload.name.trim(),
          kind: payload.kind,
          region: payload.region,
          description: payload.description?.trim() || null,
        },
        session,
      );
      await this.memberships.insert(
        { organizationId: created._id, userId: ownerId, role: 'owner' },
        session,
      );
      await this.outbox.add([organizationCreated(created), ownerAdded(created, ownerId)], session);
      return created;
    });
    return toOrganizationView(organization, 1);
  }

  /** Verified organizations, plus the caller's own pending ones (all of them for admins). */
  async list(meta: RequestMeta, query: ListOrganizationsPayload): Promise<OrganizationPage> {
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const after = pageStart(query.cursor);
    const caller = await this.access.caller(meta);
    const readable = readableOrganizationsFilter(caller.ability);
    if (!readable) return { items: [], nextCursor: null };
    const rows = await this.organizations.page({
      readable,
      region: query.region,
      kind: query.kind,
      after,
      limit: limit + 1,
    });
    const page = toPage(rows, limit);
    const counts = await this.memberships.countByOrganization(page.rows.map((o) => o._id));
    return {
      items: page.rows.map((o) => toOrganizationView(o, counts.get(o._id.toHexString()) ?? 0)),
      nextCursor: page.nextCursor,
    };
  }

  async get(meta: RequestMeta, organizationId: string): Promise<OrganizationView> {
    const organization = await this.access.readable(await this.access.caller(meta), organizationId);
    return this.view(organization);
  }

  /** Admins only; a second verification is a conflict, also when two race. */
  async verify(meta: RequestMeta, organizationId: string): Promise<OrganizationView> {
    const caller = await this.access.caller(meta);
    const organization = await this.access.readable(caller, organizationId);
    this.access.authorize(caller, 'verify', organization);
    if (organization.status === 'verified') {
      throw new OrganizationsError(OrganizationsErrorCode.AlreadyVerified);
    }
    const verified = await withTransaction(this.connection, async (session) => {
      const updated = await this.organizations.markVerified(organization._id, new Date(), session);
      if (!updated) throw new OrganizationsError(OrganizationsErrorCode.AlreadyVerified);
      await this.outbox.add(organizationVerified(updated), session);
      return updated;
    });
    return this.view(verified);
  }

  private async view(organization: Organization): Promise<OrganizationView> {
    const counts = await this.memberships.countByOrganization([organization._id]);
    return toOrganizationView(organization, counts.get(organization._id.toHexString()) ?? 0);
  }
}

function organizationCreated(organization: Organization) {
  const data: OrganizationCreatedEvent = {
    organizationId: organization._id.toHexString(),
    name: organization.name,
    kind: organization.kind,
    region: organization.region,
    status: organization.status,
    createdAt: organization.createdAt.toISOString(),
  };
  return newEvent(EventSubjects.users.organizationCreated, 'users', data);
}

function ownerAdded(organization: Organization, ownerId: Types.ObjectId) {
  const data: MembershipChangedEvent = {
    organizationId: organization._id.toHexString(),
    userId: ownerId.toHexString(),
    role: 'owner',
    changedAt: organization.createdAt.toISOString(),
  };
  return newEvent(EventSubjects.users.membershipAdded, 'users', data);
}

function organizationVerified(organization: Organization) {
  const data: OrganizationVerifiedEvent = {
    organizationId: organization._id.toHexString(),
    verifiedAt: (organization.verifiedAt ?? new Date()).toISOString(),
  };
  return newEvent(EventSubjects.users.organizationVerified, 'users', data);
}
