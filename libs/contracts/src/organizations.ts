/**
 * Organizations, memberships and roles (users service): payloads, answers and events. Plain
 * types and constants: the users service and the gateway each validate with their own
 * class-validator classes that implement these interfaces.
 */
import type { OrganizationRole, Role } from './envelope';
import type { RegionCode } from './regions';

export const ORGANIZATION_KINDS = ['ngo', 'civic_group', 'municipality', 'business'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export const ORGANIZATION_STATUSES = ['pending', 'verified'] as const;
export type OrganizationStatus = (typeof ORGANIZATION_STATUSES)[number];

export const ORGANIZATION_ROLES: readonly OrganizationRole[] = ['owner', 'coordinator'];

/** The roles an admin grants and revokes; `citizen` is everyone's and never changes. */
export const GRANTABLE_ROLES = ['researcher', 'admin'] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];

export const ORGANIZATION_NAME_MIN_LENGTH = 2;
export const ORGANIZATION_NAME_MAX_LENGTH = 120;
export const ORGANIZATION_DESCRIPTION_MAX_LENGTH = 2000;

export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;
/** Cursors are opaque to clients; this bounds what a client may send back. */
export const PAGE_CURSOR_MAX_LENGTH = 64;

/** An organization as the caller may see it; never personal data (the owner is a membership). */
export interface OrganizationView {
  id: string;
  name: string;
  kind: OrganizationKind;
  region: RegionCode;
  description: string | null;
  status: OrganizationStatus;
  membersCount: number;
  /** ISO-8601 UTC; all three. */
  createdAt: string;
  updatedAt: string;
  verifiedAt: string | null;
}

export interface OrganizationPage {
  items: OrganizationView[];
  nextCursor: string | null;
}

export interface MemberView {
  userId: string;
  displayName: string;
  role: OrganizationRole;
}

export interface MemberPage {
  items: MemberView[];
  nextCursor: string | null;
}

export interface UserRolesView {
  id: string;
  roles: Role[];
}

/** `users.organization.create.v1` (caller in `meta` becomes the owner). */
export interface CreateOrganizationPayload {
  name: string;
  kind: OrganizationKind;
  region: RegionCode;
  description?: string;
}

/** `users.organization.list.v1` */
export interface ListOrganizationsPayload {
  region?: RegionCode;
  kind?: OrganizationKind;
  limit?: number;
  cursor?: string;
}

/** `users.organization.get.v1`, `users.organization.verify.v1` */
export interface OrganizationIdPayload {
  organizationId: string;
}

/** `users.member.list.v1` */
export interface ListMembersPayload extends OrganizationIdPayload {
  limit?: number;
  cursor?: string;
}

/** `users.member.add.v1` */
export interface AddMemberPayload extends OrganizationIdPayload {
  email: string;
  role: OrganizationRole;
}

/** `users.member.remove.v1` */
export interface RemoveMemberPayload extends OrganizationIdPayload {
  userId: string;
}

/** `users.role.update.v1` */
export interface UpdateRolesPayload {
  userId: string;
  add?: GrantableRole[];
  remove?: GrantableRole[];
}

/** `evt.users.organization.created.v1`: no creator; the owner arrives as `membership.added`. */
export interface OrganizationCreatedEvent {
  organizationId: string;
  name: string;
  kind: OrganizationKind;
  region: RegionCode;
  status: OrganizationStatus;
  createdAt: string;
}

/** `evt.users.organization.verified.v1`: its members may now act for it in every service. */
export interface OrganizationVerifiedEvent {
  organizationId: string;
  verifiedAt: string;
}
