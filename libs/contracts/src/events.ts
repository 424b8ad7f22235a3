/**
 * Facts services publish to JetStream (stream SPILNO_EVENTS, subjects `evt.>`). The event id is
 * the JetStream message id (`Nats-Msg-Id`), so a re-publish is de-duplicated, and consumers
 * remember processed ids so a redelivery is not applied twice.
 */
export const EVENTS_STREAM = 'SPILNO_EVENTS';
export const EVENTS_SUBJECTS = 'evt.>';

export interface EventEnvelope<T = unknown> {
  /** UUID; also the JetStream `Nats-Msg-Id`. */
  id: string;
  /** The subject, e.g. `evt.users.user.registered.v1`. */
  type: string;
  /** ISO-8601 UTC. */
  occurredAt: string;
  /** The service that produced it. */
  source: ServiceName;
  data: T;
}

export type ServiceName = 'users' | 'initiatives' | 'matching' | 'donations';
export const SERVICE_NAMES: readonly ServiceName[] = [
  'users',
  'initiatives',
  'matching',
  'donations',
];
