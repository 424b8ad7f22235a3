/**
 * Moves outbox records to JetStream: oldest first, one at a time, each published with
 * `Nats-Msg-Id` = event id and marked published only after the stream's PubAck. A failure (NATS
 * down, JetStream not ready, a timeout) stops the batch at that record and retries it after a
 * capped backoff, so nothing is skipped and nothing overtakes it; the loop never throws.
 *
 * JetStream may lose messages it has acknowledged when the server crashes (nats-server < 2.10
 * cannot fsync per message; Jepsen 2025). The outbox is the record of truth, so after every
 * reconnect (and when this relay becomes the active one) it re-publishes the records it marked
 * published during the last `republishWindowMs` before the outage, in order. The stream drops
 * the ones it still has (same msg id inside its duplicate window) and stores the lost ones.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { ErrorCode as NatsErrorCode, NatsConnection, NatsError, PubAck } from 'nats';
import { createLogger, Logger } from '@spilno/config';
import { BackoffOptions, Sleeper, backoffDelay } from '../jetstream/backoff';
import { errorSummary } from '../jetstream/error-summary';
import { EventStreamOptions, ensureEventStream } from '../jetstream/event-stream';
import { Outbox } from './outbox';
import { OutboxRecord } from './outbox.schema';
import { RelayLease } from './relay-lease';

export interface OutboxRelayOptions {
  logger?: Logger;
  /** Records read and published per round. */
  batchSize?: number;
  /** Fallback poll when no `outbox.add` in this process wakes the relay (other replicas). */
  pollIntervalMs?: number;
  /** How long to wait for a PubAck before treating the publish as failed. */
  publishTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** How long the active relay's lease lasts without renewal. */
  leaseMs?: number;
  /** Records published this long before an outage are re-published after it; keep it below
   * the stream's duplicate window (2 min) so that surviving copies are de-duplicated. */
  republishWindowMs?: number;
  stream?: EventStreamOptions;
}

export interface OutboxRelayStats {
  /** Records published and marked. */
  published: number;
  /** Publishes the stream answered as duplicates (it had the message already). */
  duplicates: number;
  /** Re-published records the stream did not have any more: lost by a crashed server. */
  recovered: number;
  /** Failed rounds (each followed by a backoff). */
  failures: number;
}

const DEFAULTS = {
  batchSize: 100,
  pollIntervalMs: 1000,
  publishTimeoutMs: 2000,
  backoff: { initialMs: 100, maxMs: 5000 },
  leaseMs: 15_000,
  republishWindowMs: 90_000,
};

const encoder = new TextEncoder();

export class OutboxRelay {
  readonly stats: OutboxRelayStats = { published: 0, duplicates: 0, recovered: 0, failures: 0 };
  private readonly options: typeof DEFAULTS & { stream: EventStreamOptions };
  private readonly logger: Logger;
  private readonly lease: RelayLease;
  private readonly sleeper = new Sleeper();
  private running = false;
  private loop: Promise<void> | null = null;
  private backingOff = false;
  private streamReady = false;
  private leader = false;
  /** Earliest publishedAt to re-publish from, and how many outages asked for it. */
  private republishFrom: number | null = null;
  private republishRequests = 0;
  private disconnectedAt: number | null = null;
  private unsubscribeAdded: (() => void) | null = null;
  private statusIterator: AsyncIterable<unknown> | null = null;

  constructor(
    private readonly outbox: Outbox,
    private readonly nc: NatsConnection,
    options: OutboxRelayOptions = {},
  ) {
    this.options = {
      ...DEFAULTS,
      ...options,
      backoff: options.backoff ?? DEFAULTS.backoff,
      stream: options.stream ?? {},
    };
    this.logger = options.logger ?? createLogger('outbox-relay');
    const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.lease = new RelayLease(outbox.connection, owner, this.options.leaseMs);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.outbox.init();
    this.unsubscribeAdded = this.outbox.onAdded(() => {
      if (!this.backingOff) this.sleeper.wake();
    });
    this.watchConnection();
    this.loop = this.run();
  }

  /** Stops after the record in flight; records not yet published stay for the next start. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.sleeper.wake();
    this.unsubscribeAdded?.();
    stopIterator(this.statusIterator);
    await this.loop;
    if (this.leader) {
      await this.lease.release().catch((e: unknown) => {
        this.logger.warn({ err: errorSummary(e) }, 'outbox relay could not release its lease');
      });
    }
  }

  private watchConnection(): void {
    const status = this.nc.status();
    this.statusIterator = status;
    void (async () => {
      for await (const s of status) {
        if (s.type === 'disconnect') this.disconnectedAt ??= Date.now();
        if (s.type === 'reconnect') {
          this.requestRepublish(
            (this.disconnectedAt ?? Date.now()) - this.options.republishWindowMs,
          );
          this.disconnectedAt = null;
          this.streamReady = false;
          this.sleeper.wake();
        }
      }
    })().catch((e: unknown) => {
      this.logger.error({ err: errorSummary(e) }, 'outbox relay stopped watching NATS status');
    });
  }

  private requestRepublish(from: number): void {
    this.republishFrom = Math.min(this.republishFrom ?? from, from);
    this.republishRequests++;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const idle = await this.round();
        failures = 0;
        if (idle) await this.sleeper.sleep(this.options.pollIntervalMs);
      } catch (e) {
        this.stats.failures++;
        const delayMs = backoffDelay(failures++, this.options.backoff);
        this.logger.warn({ err: errorSummary(e), delayMs }, 'outbox relay round failed, retrying');
        this.backingOff = true;
        await this.sleeper.sleep(delayMs);
        this.backingOff = false;
      }
    }
  }

  /** One round; true when there is nothing more to do right now. */
  private async round(): Promise<boolean> {
    if (!(await this.lease.acquire())) {
      this.leader = false;
      return true;
    }
    if (!this.leader) {
      // The previous holder (or this process before a restart) may have published records a
      // crashed server then lost: treat taking over like an outage.
      this.leader = true;
      this.requestRepublish(Date.now() - this.options.republishWindowMs);
    }
    if (!this.streamReady) {
      await ensureEventStream(this.nc, this.options.stream);
      this.streamReady = true;
    }
    if (this.republishFrom !== null) await this.republish();
    const batch = await this.outbox.model
      .find({ publishedAt: null })
      .sort({ position: 1 })
      .limit(this.options.batchSize)
      .lean<OutboxRecord[]>();
    if (batch.length > 0) await this.publishAll(batch, false);
    return batch.length < this.options.batchSize;
  }

  private async republish(): Promise<void> {
    const requests = this.republishRequests;
    const since = new Date(this.republishFrom ?? Date.now());
    let cursor = -1;
    let count = 0;
    for (;;) {
      const batch = await this.outbox.model
        .find({
          // Services turn on mongoose's sanitizeFilter, which would make these operators
          // literal values: they are ours, not input.
          publishedAt: mongoose.trusted({ $gte: since }),
          position: mongoose.trusted({ $gt: cursor }),
        })
        .sort({ position: 1 })
        .limit(this.options.batchSize)
        .lean<OutboxRecord[]>();
      if (batch.length === 0) break;
      await this.publishAll(batch, true);
      count += batch.length;
      cursor = batch[batch.length - 1].position;
      if (!this.running) return;
    }
    // A reconnect while this ran asks again (its window may start later, never earlier).
    if (this.republishRequests === requests) this.republishFrom = null;
    if (count > 0) this.logger.info({ count }, 'outbox relay re-published recent records');
  }

  /**
   * Publishes records in order, stopping at the first failure. Marks what was acknowledged
   * even then, so a retry starts at the failed record, not before it.
   */
  private async publishAll(records: OutboxRecord[], again: boolean): Promise<void> {
    const acked: { record: OutboxRecord; ack: PubAck }[] = [];
    let failure: { record: OutboxRecord; error: unknown } | null = null;
    for (const record of records) {
      if (!this.running) break;
      try {
        acked.push({ record, ack: await this.publish(record) });
      } catch (error) {
        failure = { record, error };
        break;
      }
    }
    await this.mark(acked, again);
    if (failure) {
      if ((failure.error as NatsError).code === NatsErrorCode.NoResponders)
        this.streamReady = false;
      await this.noteFailure(failure.record, failure.error);
      throw failure.error;
    }
  }

  private publish(record: OutboxRecord): Promise<PubAck> {
    return this.nc
      .jetstream()
      .publish(record.subject, encoder.encode(JSON.stringify(record.envelope)), {
        msgID: record._id,
        timeout: this.options.publishTimeoutMs,
      });
  }

  private async mark(
    acked: { record: OutboxRecord; ack: PubAck }[],
    again: boolean,
  ): Promise<void> {
    if (acked.length === 0) return;
    const now = new Date();
    const writes = [];
    for (const { record, ack } of acked) {
      if (ack.duplicate) this.stats.duplicates++;
      if (!again) {
        this.stats.published++;
        writes.push({
          updateOne: {
            filter: { _id: record._id },
            update: { $set: { publishedAt: now, streamSeq: ack.seq }, $unset: { lastError: 1 } },
          },
        });
      } else if (!ack.duplicate) {
        this.stats.recovered++;
        this.logger.warn(
          { eventId: record._id, subject: record.subject, streamSeq: ack.seq },
          'the stream had lost a published event; re-published it from the outbox',
        );
        writes.push({
          updateOne: { filter: { _id: record._id }, update: { $set: { streamSeq: ack.seq } } },
        });
      }
    }
    if (writes.length > 0) await this.outbox.model.bulkWrite(writes, { ordered: false });
  }

  private async noteFailure(record: OutboxRecord, error: unknown): Promise<void> {
    await this.outbox.model
      .updateOne(
        { _id: record._id },
        { $inc: { attempts: 1 }, $set: { lastError: errorSummary(error).message } },
      )
      .catch(() => undefined); // Best effort: the record stays unpublished either way.
  }
}

function stopIterator(iterator: AsyncIterable<unknown> | null): void {
  const stoppable = iterator as { stop?: () => void } | null;
  stoppable?.stop?.();
}
