/**
 * Every NATS subject, declared once. Requests: `<service>.<entity>.<verb>.v<N>`; events:
 * `evt.<service>.<entity>.<past-tense verb>.v<N>`. Nowhere else may a subject be a literal.
 */
import { ServiceName } from './events';

export const Subjects = {
  users: {
    health: 'users.health.check.v1',
    register: 'users.account.register.v1',
    login: 'users.auth.login.v1',
    refresh: 'users.auth.refresh.v1',
    logout: 'users.auth.logout.v1',
    profileGet: 'users.profile.get.v1',
    profileUpdate: 'users.profile.update.v1',
    /** Another person, as the caller may see them (CASL field rules). */
    userGet: 'users.user.get.v1',
    skillsList: 'users.skill.list.v1',
    rolesUpdate: 'users.role.update.v1',
    organizationCreate: 'users.organization.create.v1',
    organizationList: 'users.organization.list.v1',
    organizationGet: 'users.organization.get.v1',
    organizationVerify: 'users.organization.verify.v1',
    memberAdd: 'users.member.add.v1',
    memberRemove: 'users.member.remove.v1',
    memberList: 'users.member.list.v1',
    /** Data-subject rights: everything about the caller; erasure of the caller. */
    subjectExport: 'users.subject.export.v1',
    subjectErase: 'users.subject.erase.v1',
  },
  initiatives: {
    health: 'initiatives.health.check.v1',
    subjectExport: 'initiatives.subject.export.v1',
  },
  matching: {
    health: 'matching.health.check.v1',
    subjectExport: 'matching.subject.export.v1',
  },
  donations: {
    health: 'donations.health.check.v1',
    subjectExport: 'donations.subject.export.v1',
  },
} as const;

/** Event subjects (JetStream, through each service's outbox). */
export const EventSubjects = {
  users: {
    userRegistered: 'evt.users.user.registered.v1',
    userUpdated: 'evt.users.user.updated.v1',
    userErased: 'evt.users.user.erased.v1',
    rolesChanged: 'evt.users.user.roles-changed.v1',
    organizationCreated: 'evt.users.organization.created.v1',
    organizationVerified: 'evt.users.organization.verified.v1',
    membershipAdded: 'evt.users.membership.added.v1',
    membershipRemoved: 'evt.users.membership.removed.v1',
  },
} as const;

export const HEALTH_SUBJECTS: Record<ServiceName, string> = {
  users: Subjects.users.health,
  initiatives: Subjects.initiatives.health,
  matching: Subjects.matching.health,
  donations: Subjects.donations.health,
};

/** Queue group per service: replicas share requests instead of each answering. */
export function queueGroup(service: ServiceName): string {
  return `${service}-service`;
}

/** Every service answers `<service>.subject.export.v1` with what it holds about the caller. */
export const SUBJECT_EXPORT_SUBJECTS: Record<ServiceName, string> = {
  users: Subjects.users.subjectExport,
  initiatives: Subjects.initiatives.subjectExport,
  matching: Subjects.matching.subjectExport,
  donations: Subjects.donations.subjectExport,
};
