/**
 * Feeds `AccessRevocations` from the event stream: one ephemeral ordered consumer per event
 * that revokes access (erasure, roles changed, membership removed), each delivering from one
 * access-token lifetime ago. So every gateway replica learns of every revocation, and a
 * restarted gateway rebuilds the map from the stream before tokens issued earlier expire.
 * Nothing is acknowledged or stored: the stream is the memory.
 *
 * One consumer per subject rather than one with several filters: nats-server < 2.10 (this
 * project's test server) supports a single filter subject per consumer.
 */
import type { ConsumerMessages, JsMsg, NatsConnection } from 'nats';
import {
  EVENTS_STREAM,
  EventSubjects,
  type EventEnvelope,
  type MembershipChangedEvent,
  type UserErasedEvent,
  type UserRolesChangedEvent,
} from '@spilno/contracts';
import type { Logger } from '@spilno/config';
import { backoffDelay, errorSummary, Sleeper } from '@spilno/messaging';
import { AccessRevocations, RevocationReason } from './access-revocations';

export const REVOKING_EVENTS: Record<string, RevocationReason> = {
  [EventSubjects.users.userErased]: 'erased',
  [EventSubjects.users.rolesChanged]: 'access-changed',
  [EventSubjects.users.membershipRemoved]: 'access-changed',
};

export interface RevocationFeedOptions {
  /** How far back to read: the longest an access token lives (with clock tolerance). */
  windowMs: number;
  logger: Logger;
}

const RETRY = { initialMs: 200, maxMs: 5000 };
const decoder = new TextDecoder();

export class RevocationFeed {
  private running = false;
  /** One per loop: a Sleeper holds one sleep at a time. */
  private readonly sleepers = new Set<Sleeper>();
  private readonly loops: Promise<void>[] = [];
  private readonly consuming = new Set<ConsumerMessages>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly revocations: AccessRevocations,
    private readonly options: RevocationFeedOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const subject of Object.keys(REVOKING_EVENTS)) this.loops.push(this.follow(subject));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const sleeper of this.sleepers) sleeper.wake();
    for (const messages of this.consuming) messages.stop();
    await Promise.all(this.loops.splice(0));
  }

  /** Reads one subject until stopped, starting over (from the window) after any failure. */
  private async follow(subject: string): Promise<void> {
    const sleeper = new Sleeper();
    this.sleepers.add(sleeper);
    for (let failures = 0; this.running;) {
      try {
        await this.consume(subject);
        // The consumer ended without an error (the server dropped it): start over, not at once.
        failures = 0;
        await sleeper.sleep(RETRY.initialMs);
      } catch (e) {
        const delayMs = backoffDelay(failures++, RETRY);
        this.options.logger.warn(
          { err: errorSummary(e), subject, delayMs },
          'revocation feed failed, retrying',
        );
        await sleeper.sleep(delayMs);
      }
    }
    this.sleepers.delete(sleeper);
  }

  private async consume(subject: string): Promise<void> {
    // Not ensureEventStream: the services own the stream and its settings (replicas); until
    // one has created it, this fails and is retried.
    const consumer = await this.nc.jetstream().consumers.get(EVENTS_STREAM, {
      filterSubjects: subject,
      opt_start_time: new Date(Date.now() - this.options.windowMs).toISOString(),
    });
    if (!this.running) return;
    const messages = await consumer.consume();
    this.consuming.add(messages);
    if (!this.running) messages.stop(); // stopped while the consumer was being created
    try {
      for await (const msg of messages) this.apply(msg);
    } finally {
      this.consuming.delete(messages);
    }
  }

  private apply(msg: JsMsg): void {
    const revocation = revocationIn(msg);
    if (!revocation) {
      this.options.logger.warn(
        { subject: msg.subject, seq: msg.seq },
        'a revoking event without a user id or time; ignored',
      );
      return;
    }
    this.revocations.revoke(revocation.userId, revocation.at, revocation.reason);
  }
}

type RevokingEvent = Partial<UserErasedEvent & UserRolesChangedEvent & MembershipChangedEvent>;

/** Who and since when; the later of the event's own time and its occurrence, to be safe. */
export function revocationIn(
  msg: Pick<JsMsg, 'subject' | 'data'>,
): { userId: string; at: Date; reason: RevocationReason } | null {
  const reason = REVOKING_EVENTS[msg.subject];
  let event: Partial<EventEnvelope<RevokingEvent | null>>;
  try {
    event = JSON.parse(decoder.decode(msg.data)) as Partial<EventEnvelope<RevokingEvent | null>>;
  } catch {
    return null;
  }
  const userId = event.data?.userId;
  const times = [event.data?.erasedAt, event.data?.changedAt, event.occurredAt]
    .map((t) => (typeof t === 'string' ? Date.parse(t) : NaN))
    .filter((t) => !Number.isNaN(t));
  if (!reason || typeof userId !== 'string' || userId === '' || times.length === 0) return null;
  return { userId, at: new Date(Math.max(...times)), reason };
}
