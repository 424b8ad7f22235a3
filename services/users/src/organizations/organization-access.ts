import { Injectable } from '@nestjs/common';
import { subject } from '@casl/ability';
import { Types } from 'mongoose';
import type { Action } from '@spilno/auth';
import type { OrganizationRole, RequestMeta } from '@spilno/contracts';
import { Caller, CallerAbilities } from '../roles/caller-abilities';
import { MembershipsRepository } from './memberships.repository';
import { OrganizationsError, OrganizationsErrorCode } from './organizations.errors';
import { OrganizationsRepository } from './organizations.repository';
import { Organization } from './schemas/organization.schema';

export interface OrganizationCaller extends Caller {
  /** The caller's role per organization (hex id), from the database, pending ones included. */
  memberOf: Map<string, OrganizationRole>;
}

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** A client-supplied id as an ObjectId; null when it cannot be one (then it names nothing). */
export function parseObjectId(id: string): Types.ObjectId | null {
  return OBJECT_ID.test(id) ? new Types.ObjectId(id) : null;
}

export function organizationSubject(organization: Organization) {
  return subject('Organization', {
    id: organization._id.toHexString(),
    status: organization.status,
  });
}

/**
 * Who the caller is for organizations: the CASL ability of `libs/auth` built from the
 * database's roles and memberships (a member of a pending organization sees it here, though
 * their token lists verified organizations only), checked against the real document.
 */
@Injectable()
export class OrganizationAccess {
  constructor(
    private readonly callers: CallerAbilities,
    private readonly memberships: MembershipsRepository,
    private readonly organizations: OrganizationsRepository,
  ) {}

  async caller(meta: RequestMeta): Promise<OrganizationCaller> {
    const userId = meta.principal ? parseObjectId(meta.principal.userId) : null;
    const rows = userId ? await this.memberships.ofUser(userId) : [];
    const memberOf = new Map(rows.map((m) => [m.organizationId.toHexString(), m.role]));
    const memberships = [...memberOf].map(([organizationId, role]) => ({ organizationId, role }));
    return { ...(await this.callers.of(meta, memberships)), memberOf };
  }

  /** The organization, if the caller may read it; `not_found` otherwise, as if absent. */
  async readable(caller: OrganizationCaller, id: string): Promise<Organization> {
    const objectId = parseObjectId(id);
    const organization = objectId ? await this.organizations.findById(objectId) : null;
    if (!organization || !caller.ability.can('read', organizationSubject(organization))) {
      throw new OrganizationsError(OrganizationsErrorCode.OrganizationNotFound);
    }
    return organization;
  }

  /** Throws `not_allowed` unless the caller may do `action` to this (readable) organization. */
  authorize(caller: OrganizationCaller, action: Action, organization: Organization): void {
    if (!caller.ability.can(action, organizationSubject(organization))) {
      throw new OrganizationsError(OrganizationsErrorCode.NotAllowed);
    }
  }

  /** Members see their organization's people; so do admins (who may manage everything). */
  authorizeMemberList(caller: OrganizationCaller, organization: Organization): void {
    const isMember = caller.memberOf.has(organization._id.toHexString());
    if (!isMember && !caller.ability.can('manage', 'all')) {
      throw new OrganizationsError(OrganizationsErrorCode.NotAllowed);
    }
  }
}
