/**
 * Accounts and sign-in (users service): payloads, answers and events. Plain types: the users
 * service and the gateway each validate with their own class-validator classes that implement
 * these interfaces, so this library stays free of Nest, mongoose and class-validator.
 */
import type { Role } from './envelope';

export const LOCALES = ['uk', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** The account as its owner sees it. Never a password hash or a token. */
export interface AccountView {
  id: string;
  email: string;
  displayName: string;
  locale: Locale;
  roles: Role[];
  /** ISO-8601 UTC. */
  createdAt: string;
}

/** What register, login and refresh answer. */
export interface AuthSession {
  user: AccountView;
  accessToken: string;
  /** Seconds until the access token expires. */
  accessTokenExpiresIn: number;
  /** Opaque; spent on use, answered with a new one. */
  refreshToken: string;
}

/** `users.account.register.v1` */
export interface RegisterAccountPayload {
  email: string;
  password: string;
  displayName: string;
  locale?: Locale;
  /** The caller's IP as the gateway saw it, for throttling. */
  clientIp: string;
}

/** `users.auth.login.v1` */
export interface LoginPayload {
  email: string;
  password: string;
  clientIp: string;
}

/** `users.auth.refresh.v1` */
export interface RefreshPayload {
  refreshToken: string;
}

/** `users.auth.logout.v1`: revokes the token's family if it belongs to the caller. */
export interface LogoutPayload {
  refreshToken: string;
}

/** `evt.users.user.registered.v1`: no email, no secrets; other services need the person only. */
export interface UserRegisteredEvent {
  userId: string;
  displayName: string;
  locale: Locale;
  registeredAt: string;
}

/**
 * `evt.users.user.erased.v1`: the person asked to be forgotten. Every service erases or
 * pseudonymises what it holds about `userId` (aggregates stay, anonymous); the gateway stops
 * accepting their access tokens.
 */
export interface UserErasedEvent {
  userId: string;
  erasedAt: string;
}

/**
 * `evt.users.user.roles-changed.v1`: roles were granted or revoked. Access tokens issued
 * before `changedAt` no longer carry the truth: the gateway refuses them (the client refreshes).
 */
export interface UserRolesChangedEvent {
  userId: string;
  roles: Role[];
  changedAt: string;
}

/** `evt.users.membership.added.v1` / `evt.users.membership.removed.v1`. */
export interface MembershipChangedEvent {
  organizationId: string;
  userId: string;
  role: 'owner' | 'coordinator';
  changedAt: string;
}
