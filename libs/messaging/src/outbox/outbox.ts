/**
 * Writing facts: `outbox.add(events, session)` inside the transaction that changes the state,
 * so both commit or neither does. The relay is woken when that session ends, so an event
 * usually reaches JetStream within milliseconds rather than at the next poll.
 */
import { randomUUID } from 'node:crypto';
import type { ClientSession, Connection, Model } from 'mongoose';
import type { EventEnvelope, ServiceName } from '@spilno/contracts';
import { OutboxRecord, outboxModel } from './outbox.schema';

export function newEvent<T>(type: string, source: ServiceName, data: T): EventEnvelope<T> {
  return { id: randomUUID(), type, occurredAt: new Date().toISOString(), source, data };
}

let lastPosition = 0;

/** Wall-clock microseconds, forced strictly increasing so events of one process keep order. */
export function nextPosition(): number {
  const now = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  lastPosition = Math.max(now, lastPosition + 1);
  return lastPosition;
}

/**
 * Runs `work` in a transaction (retried by the driver on transient conflicts, so `work` must be
 * safe to run again) and ends the session, which wakes any relay of an outbox written to.
 */
export async function withTransaction<T>(
  connection: Connection,
  work: (session: ClientSession) => Promise<T>,
): Promise<T> {
  const session = await connection.startSession();
  try {
    return await session.withTransaction(() => work(session));
  } finally {
    await session.endSession();
  }
}

/**
 * Listeners per connection, not per `Outbox`: a service's handlers and its relay each hold
 * their own `Outbox`, and a commit through any of them must wake the relay.
 */
const listenersByConnection = new WeakMap<Connection, Set<() => void>>();

function listenersOf(connection: Connection): Set<() => void> {
  let listeners = listenersByConnection.get(connection);
  if (!listeners) {
    listeners = new Set();
    listenersByConnection.set(connection, listeners);
  }
  return listeners;
}

export class Outbox {
  readonly model: Model<OutboxRecord>;
  private readonly listeners: Set<() => void>;
  private readonly watched = new WeakSet<ClientSession>();

  constructor(readonly connection: Connection) {
    this.model = outboxModel(connection);
    this.listeners = listenersOf(connection);
  }

  /** Creates the collection's indexes; call once at start (the relay does). */
  async init(): Promise<void> {
    await this.model.init();
  }

  /**
   * Adds records in the caller's transaction. Refuses a session without one: an outbox write
   * outside the state change's transaction could commit alone, or be lost alone.
   */
  async add(
    events: EventEnvelope | readonly EventEnvelope[],
    session: ClientSession,
  ): Promise<void> {
    if (!session.inTransaction()) {
      throw new Error('outbox.add needs the session of the transaction that changes the state');
    }
    const list = Array.isArray(events) ? events : [events as EventEnvelope];
    if (list.length === 0) return;
    const createdAt = new Date();
    const records: OutboxRecord[] = list.map((envelope) => ({
      _id: envelope.id,
      subject: envelope.type,
      envelope,
      position: nextPosition(),
      createdAt,
      publishedAt: null,
      attempts: 0,
    }));
    await this.model.insertMany(records, { session, ordered: true });
    if (!this.watched.has(session)) {
      this.watched.add(session);
      // After the commit the session ends; an aborted one wakes the relay for nothing.
      session.once('ended', () => this.notify());
    }
  }

  /** Called when records may have committed; returns the unsubscribe function. */
  onAdded(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
