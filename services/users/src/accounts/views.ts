/**
 * A stored user as the outside sees it: the account (sessions), the whole profile (its owner),
 * the snapshot other services get in events, and the field lists CASL field rules choose from.
 * Accounts created before profiles existed lack the profile fields: they read as the defaults.
 */
import type {
  AccountView,
  ProfileFields,
  ProfileView,
  UserProfileSnapshot,
} from '@spilno/contracts';
import { User } from './schemas/user.schema';

export function toAccountView(user: User): AccountView {
  return {
    id: user._id.toHexString(),
    email: user.email,
    displayName: user.displayName,
    locale: user.locale,
    roles: [...user.roles],
    createdAt: user.createdAt.toISOString(),
  };
}

/** Every field of a `ProfileView`; the record makes a field added to the type fail here. */
const PROFILE_VIEW_FIELD_SET: Record<keyof ProfileView, true> = {
  id: true,
  email: true,
  displayName: true,
  locale: true,
  roles: true,
  createdAt: true,
  updatedAt: true,
  region: true,
  district: true,
  birthYear: true,
  languages: true,
  skills: true,
  availability: true,
  maxHoursPerWeek: true,
  contactable: true,
  researchConsent: true,
  location: true,
};
export const PROFILE_VIEW_FIELDS = Object.keys(PROFILE_VIEW_FIELD_SET) as (keyof ProfileView)[];

/** Every field a profile update may name (CASL decides which of them a caller may change). */
const PROFILE_FIELD_SET: Record<keyof ProfileFields, true> = {
  displayName: true,
  locale: true,
  region: true,
  district: true,
  birthYear: true,
  languages: true,
  skills: true,
  availability: true,
  maxHoursPerWeek: true,
  contactable: true,
  researchConsent: true,
  location: true,
};
export const PROFILE_FIELDS = Object.keys(PROFILE_FIELD_SET) as (keyof ProfileFields)[];

export function toProfileFields(user: User): ProfileFields {
  return {
    displayName: user.displayName,
    locale: user.locale,
    region: user.region ?? null,
    district: user.district ?? null,
    birthYear: user.birthYear ?? null,
    languages: [...(user.languages ?? [])],
    skills: (user.skills ?? []).map(({ code, level }) => ({ code, level })),
    availability: (user.availability ?? []).map(({ day, from, to }) => ({ day, from, to })),
    maxHoursPerWeek: user.maxHoursPerWeek ?? null,
    contactable: user.contactable ?? false,
    researchConsent: user.researchConsent ?? false,
    location: user.location ? { lat: user.location.lat, lng: user.location.lng } : null,
  };
}

/** The whole profile, as its owner sees it. Never the password hash. */
export function toProfileView(user: User): ProfileView {
  return {
    ...toAccountView(user),
    ...toProfileFields(user),
    updatedAt: user.updatedAt.toISOString(),
  };
}

/** The profile as events carry it: no email, no roles, no secrets. */
export function toProfileSnapshot(user: User): UserProfileSnapshot {
  return {
    userId: user._id.toHexString(),
    ...toProfileFields(user),
    updatedAt: user.updatedAt.toISOString(),
  };
}
