/**
 * Every request over NATS is wrapped: `{ meta, data }`. The wrapper carries who asks (the
 * principal the gateway built from a verified token) and the request id, and keeps payloads
 * clear of NestJS's reserved top-level keys (a top-level `response` key is swallowed,
 * nestjs/nest#17669).
 */
export type Role = 'citizen' | 'researcher' | 'admin';
export type OrganizationRole = 'owner' | 'coordinator';

export interface Membership {
  organizationId: string;
  role: OrganizationRole;
}

export interface Principal {
  userId: string;
  roles: Role[];
  memberships: Membership[];
}

export interface RequestMeta {
  requestId: string;
  /** Null for anonymous callers. */
  principal: Principal | null;
}

export interface RequestEnvelope<T> {
  meta: RequestMeta;
  data: T;
}

/** NATS header carrying the request id (also in `meta`), for logs and tracing. */
export const REQUEST_ID_HEADER = 'X-Request-Id';
