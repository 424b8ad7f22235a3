/**
 * A durable pull consumer on SPILNO_EVENTS (one per service and purpose) that applies each
 * event exactly once to its service's database:
 *
 * 1. in one transaction: remember the event id in `processed_events` and run the handler's
 *    effect (an id already there means applied before: the effect is skipped);
 * 2. commit, THEN ack. A crash between the two redelivers the event, and step 1 skips it.
 *
 * A failing handler gets the event again after a growing delay (nak); after `maxDeliveries`
 * the event goes to `dead_letters` with its error and is terminated, and the consumer moves
 * on (errors never vanish nor stop the process). A database outage or a write conflict is not
 * the event's fault: it is retried without being dead-lettered. The fetch loop survives NATS restarts,
 * re-creating the consumer if the server lost it; being durable, it resumes where it left off.
 */
import {
  AckPolicy,
  Consumer,
  ConsumerConfig,
  ConsumerMessages,
  DeliverPolicy,
  JsMsg,
  NatsConnection,
  nanos,
} from 'nats';
import type { ClientSession, Connection, Model } from 'mongoose';
import { EVENTS_STREAM, EventEnvelope } from '@spilno/contracts';
import { createLogger, Logger } from '@spilno/config';
import { BackoffOptions, Sleeper, backoffDelay } from './backoff';
import {
  DeadLetter,
  ProcessedEvent,
  deadLetterModel,
  processedEventModel,
} from './consumer-stores';
import {
  errorKind,
  errorSummary,
  isDatabaseUnavailable,
  isTransactionConflict,
} from './error-summary';
import { EventStreamOptions, JS_ERR, ensureEventStream, jsErrorCode } from './event-stream';

/** Applies an event's effect; every write must use `session` so it commits with the id. */
export type EventHandler = (event: EventEnvelope, session: ClientSession) => Promise<void>;

export interface EventConsumerOptions {
  /** Durable name, `<service>-<purpose>`, e.g. `matching-volunteers`. */
  durable: string;
  /** Which events, e.g. `evt.users.>`. */
  filterSubject: string;
  handler: EventHandler;
  logger?: Logger;
  /** Deliveries before an event is dead-lettered. */
  maxDeliveries?: number;
  /** Delay before a failed event is delivered again, growing with its delivery count. */
  retryDelay?: BackoffOptions;
  /** Unacknowledged this long (a crashed consumer), an event is delivered again. */
  ackWaitMs?: number;
  /** Messages per pull request. */
  batchSize?: number;
  /** How long one pull waits for messages; also bounds how stale a lost pull can get. */
  fetchExpiresMs?: number;
  /** Wait between attempts while NATS or the consumer is unavailable. */
  reconnectBackoff?: BackoffOptions;
  stream?: EventStreamOptions;
  /**
   * After the NATS server restarts, events are delivered again from this long before the
   * outage. A crashed nats-server < 2.10 can lose its unsynced tail (up to its 2-minute sync
   * interval) and then reuse those sequence numbers, which a durable consumer believes it has
   * already delivered; re-reading the window (idempotently) catches what would be skipped.
   * 0 turns it off (a server with `sync_interval: always`).
   */
  rewindAfterRestartMs?: number;
  /**
   * Observation hook (metrics): runs once the effect, or the skip of a known id, committed, and
   * before the ack; a crash here is the case redelivery plus `processed_events` exists for.
   */
  afterCommit?: (event: EventEnvelope, applied: boolean) => Promise<void> | void;
}

export interface EventConsumerStats {
  /** Events whose effect was applied. */
  applied: number;
  /** Deliveries of events already applied (redeliveries), acknowledged without effect. */
  skipped: number;
  /** Failed attempts, delivered again later. */
  retried: number;
  deadLettered: number;
  /** Times the consumer was re-created to re-read the window before a server restart. */
  rewinds: number;
}

const DEFAULTS = {
  maxDeliveries: 5,
  retryDelay: { initialMs: 1000, maxMs: 60_000 },
  ackWaitMs: 30_000,
  batchSize: 50,
  fetchExpiresMs: 5000,
  rewindAfterRestartMs: 150_000,
  reconnectBackoff: { initialMs: 100, maxMs: 5000 },
};

const decoder = new TextDecoder();
/** Quick retries of a conflicting transaction before the event is handed back for later. */
const CONFLICT_ATTEMPTS = 3;

export class EventConsumer {
  readonly stats: EventConsumerStats = {
    applied: 0,
    skipped: 0,
    retried: 0,
    deadLettered: 0,
    rewinds: 0,
  };
  private readonly options: typeof DEFAULTS & EventConsumerOptions;
  private readonly logger: Logger;
  private readonly processed: Model<ProcessedEvent>;
  private readonly deadLetters: Model<DeadLetter>;
  private readonly sleeper = new Sleeper();
  private running = false;
  private loop: Promise<void> | null = null;
  private messages: ConsumerMessages | null = null;
  private serverId: string | undefined;
  private disconnectedAt: number | null = null;
  /** Set after a server restart: when the outage began, and where to re-read from. */
  private rewind: { outageAt: number; from: number } | null = null;
  private statusIterator: AsyncIterable<unknown> | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly connection: Connection,
    options: EventConsumerOptions,
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.logger = (options.logger ?? createLogger('event-consumer')).child({
      consumer: options.durable,
    });
    this.processed = processedEventModel(connection);
    this.deadLetters = deadLetterModel(connection);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await Promise.all([this.processed.init(), this.deadLetters.init()]);
    this.serverId = this.nc.info?.server_id;
    this.watchConnection();
    this.loop = this.run();
  }

  /** Finishes the event in hand; the rest of the pulled batch is handed back (nak) at once. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.messages?.stop();
    (this.statusIterator as { stop?: () => void } | null)?.stop?.();
    this.sleeper.wake();
    await this.loop;
  }

  private watchConnection(): void {
    const status = this.nc.status();
    this.statusIterator = status;
    void (async () => {
      for await (const s of status) {
        if (s.type === 'disconnect') this.disconnectedAt ??= Date.now();
        if (s.type !== 'reconnect') continue;
        const outageAt = this.disconnectedAt ?? Date.now();
        this.disconnectedAt = null;
        const serverId = this.nc.info?.server_id;
        if (serverId === this.serverId || this.options.rewindAfterRestartMs <= 0) continue;
        // A new server id: the server restarted (or we moved to another node; a harmless rewind).
        this.serverId = serverId;
        const from = outageAt - this.options.rewindAfterRestartMs;
        this.rewind = { outageAt, from: Math.min(this.rewind?.from ?? from, from) };
        this.messages?.stop();
      }
    })().catch((e: unknown) => {
      this.logger.error({ err: errorSummary(e) }, 'event consumer stopped watching NATS status');
    });
  }

  private async run(): Promise<void> {
    let consumer: Consumer | null = null;
    let failures = 0;
    while (this.running) {
      try {
        if (this.rewind) consumer = null;
        consumer ??= await this.ensureConsumer();
        await this.pull(consumer);
        failures = 0;
      } catch (e) {
        // Look the consumer up again: the server may have restarted without it.
        consumer = null;
        const delayMs = backoffDelay(failures++, this.options.reconnectBackoff);
        this.logger.warn({ err: errorSummary(e), delayMs }, 'event consumer pull failed, retrying');
        await this.sleeper.sleep(delayMs);
      }
    }
  }

  private async ensureConsumer(): Promise<Consumer> {
    await ensureEventStream(this.nc, this.options.stream);
    const jsm = await this.nc.jetstreamManager();
    const wanted: Partial<ConsumerConfig> = {
      durable_name: this.options.durable,
      filter_subject: this.options.filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.options.ackWaitMs),
      // Unlimited at the server: dead-lettering is ours, so that no event is dropped unrecorded.
      max_deliver: -1,
    };
    const rewind = this.rewind;
    try {
      const info = await jsm.consumers.info(EVENTS_STREAM, this.options.durable);
      // Re-created since the outage (by a replica that saw it too): already rewound.
      if (rewind && Date.parse(info.created) < rewind.outageAt) {
        await jsm.consumers.delete(EVENTS_STREAM, this.options.durable);
        await jsm.consumers.add(EVENTS_STREAM, {
          ...wanted,
          deliver_policy: DeliverPolicy.StartTime,
          opt_start_time: new Date(rewind.from).toISOString(),
        });
        this.stats.rewinds++;
        this.logger.info({ from: new Date(rewind.from).toISOString() }, 'event consumer rewound');
      } else if (
        info.config.filter_subject !== wanted.filter_subject ||
        info.config.ack_wait !== wanted.ack_wait
      ) {
        await jsm.consumers.update(EVENTS_STREAM, this.options.durable, {
          filter_subject: wanted.filter_subject,
          ack_wait: wanted.ack_wait,
        });
      }
    } catch (e) {
      if (jsErrorCode(e) !== JS_ERR.consumerNotFound) throw e;
      await jsm.consumers.add(EVENTS_STREAM, wanted);
    }
    if (this.rewind === rewind) this.rewind = null;
    return this.nc.jetstream().consumers.get(EVENTS_STREAM, this.options.durable);
  }

  private async pull(consumer: Consumer): Promise<void> {
    const messages = await consumer.fetch({
      max_messages: this.options.batchSize,
      expires: this.options.fetchExpiresMs,
    });
    this.messages = messages;
    try {
      for await (const msg of messages) {
        if (this.running) await this.handle(msg);
        else msg.nak();
      }
    } finally {
      this.messages = null;
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    const event = parseEnvelope(msg);
    if (!event) {
      await this.deadLetter(msg, null, new Error('the message is not an event envelope'));
      return;
    }
    let applied: boolean;
    try {
      applied = await this.apply(event, msg.subject);
    } catch (e) {
      await this.failed(msg, event, e);
      return;
    }
    if (applied) this.stats.applied++;
    else this.stats.skipped++;
    await this.options.afterCommit?.(event, applied);
    msg.ack();
  }

  /**
   * One transaction: remember the id and apply the effect, or skip an id already remembered.
   * A write conflict is retried briefly here and otherwise left to redelivery (not the driver's
   * two-minute retry loop), so one event held by a crashed process's open transaction does not
   * stall the events behind it.
   */
  private async apply(event: EventEnvelope, subject: string): Promise<boolean> {
    const key = `${this.options.durable}:${event.id}`;
    // Most redeliveries are of applied events: skip them without a transaction.
    if (await this.processed.exists({ _id: key })) return false;
    const session = await this.connection.startSession();
    try {
      for (let attempt = 1; ; attempt++) {
        session.startTransaction();
        try {
          let applied = false;
          if (!(await this.processed.exists({ _id: key }).session(session))) {
            const record = {
              _id: key,
              consumer: this.options.durable,
              eventId: event.id,
              subject,
              processedAt: new Date(),
            };
            await this.processed.create([record], { session });
            await this.options.handler(event, session);
            applied = true;
          }
          await session.commitTransaction();
          return applied;
        } catch (e) {
          if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
          if (!isTransactionConflict(e) || attempt >= CONFLICT_ATTEMPTS) throw e;
        }
      }
    } finally {
      await session.endSession();
    }
  }

  private async failed(msg: JsMsg, event: EventEnvelope, e: unknown): Promise<void> {
    const deliveries = msg.info.deliveryCount;
    const context = { eventId: event.id, subject: msg.subject, deliveries, err: errorKind(e) };
    const notTheEvents = isDatabaseUnavailable(e) || isTransactionConflict(e);
    if (notTheEvents || deliveries < this.options.maxDeliveries) {
      this.stats.retried++;
      const delayMs = backoffDelay(deliveries - 1, this.options.retryDelay);
      this.logger.warn({ ...context, delayMs }, 'event handling failed, will retry');
      msg.nak(delayMs);
      if (isDatabaseUnavailable(e)) throw e; // Pause the whole loop, not just this event.
      return;
    }
    await this.deadLetter(msg, event, e);
  }

  /** Stores the event and its error, then terminates it; until stored, it is retried. */
  private async deadLetter(msg: JsMsg, event: EventEnvelope | null, e: unknown): Promise<void> {
    const eventId = event?.id ?? null;
    const seq = msg.info.streamSequence;
    const id = eventId
      ? `${this.options.durable}:${eventId}`
      : `${this.options.durable}:seq:${seq}`;
    const error = errorSummary(e);
    try {
      await this.deadLetters.updateOne(
        { _id: id },
        {
          $set: {
            consumer: this.options.durable,
            eventId,
            subject: msg.subject,
            streamSeq: seq,
            envelope: event ?? { raw: decoder.decode(msg.data) },
            error,
            deliveries: msg.info.deliveryCount,
            deadLetteredAt: new Date(),
          },
        },
        { upsert: true },
      );
    } catch (storeError) {
      msg.nak(backoffDelay(0, this.options.retryDelay));
      throw storeError;
    }
    msg.term();
    this.stats.deadLettered++;
    this.logger.error(
      { eventId, subject: msg.subject, deliveries: msg.info.deliveryCount, err: errorKind(e) },
      'event dead-lettered',
    );
  }
}

function parseEnvelope(msg: JsMsg): EventEnvelope | null {
  try {
    const value = JSON.parse(decoder.decode(msg.data)) as Partial<EventEnvelope> | null;
    if (
      value &&
      typeof value.id === 'string' &&
      typeof value.type === 'string' &&
      typeof value.occurredAt === 'string' &&
      typeof value.source === 'string' &&
      'data' in value
    ) {
      return value as EventEnvelope;
    }
    return null;
  } catch {
    return null;
  }
}
