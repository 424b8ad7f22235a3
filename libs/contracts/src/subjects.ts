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
  },
  initiatives: {
    health: 'initiatives.health.check.v1',
  },
  matching: {
    health: 'matching.health.check.v1',
  },
  donations: {
    health: 'donations.health.check.v1',
  },
} as const;

/** Event subjects (JetStream, through each service's outbox). */
export const EventSubjects = {
  users: {
    userRegistered: 'evt.users.user.registered.v1',
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
