/**
 * Keeps the read model, in both copies, in step with the event stream:
 * - the durable consumer `matching-read-model` (every `evt.>` event, in stream order, shared by
 *   the replicas) applies each event once to MongoDB, in a transaction with its id, and runs
 *   the outreach it triggers in the same transaction;
 * - each replica's follower applies the same events to its in-memory index.
 * At boot the index is loaded from MongoDB and the follower starts after the durable
 * consumer's acknowledged floor read just before. `replayFromZero` rebuilds both from the
 * whole stream (a new consumer from the first event); outreach does not run again for events
 * it already ran for, nor for events older than an hour.
 */
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ClientSession, Connection } from 'mongoose';
import type { NatsConnection } from 'nats';
import { EVENTS_STREAM, EVENTS_SUBJECTS, type EventEnvelope } from '@spilno/contracts';
import type { Logger } from '@spilno/config';
import {
  ensureEventStream,
  errorSummary,
  EVENT_STREAM_OPTIONS,
  EventConsumer,
  JETSTREAM_CONNECTION,
  JS_ERR,
  jsErrorCode,
  PersonalDataRegistry,
  processedEventModel,
  SERVICE_LOGGER,
  type EventStreamOptions,
} from '@spilno/messaging';
import { MatchingIndex } from '../index/matching-index';
import { OutreachService } from '../outreach/outreach.service';
import { changeOf } from './read-model-events';
import { applyChange } from './read-model.reducer';
import { ReadModelRepository } from './read-model.repository';
import { StreamFollower } from './stream-follower';

export const READ_MODEL_DURABLE = 'matching-read-model';

export interface SyncProgress {
  /** The stream's last sequence. */
  streamSequence: number;
  /** Events the durable consumer has not acknowledged yet (pending or in flight). */
  durablePending: number;
  /** The last sequence the follower applied to the index. */
  followerSequence: number;
}

@Injectable()
export class ReadModelSync implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: EventConsumer | null = null;
  private follower: StreamFollower | null = null;
  private readonly logger: Logger;

  constructor(
    private readonly repository: ReadModelRepository,
    private readonly index: MatchingIndex,
    private readonly outreach: OutreachService,
    private readonly registry: PersonalDataRegistry,
    @Inject(JETSTREAM_CONNECTION) private readonly nc: NatsConnection,
    @InjectConnection() private readonly connection: Connection,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(EVENT_STREAM_OPTIONS) private readonly stream: EventStreamOptions,
  ) {
    this.logger = logger.child({ component: 'read-model' });
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureEventStream(this.nc, this.stream).catch((e: unknown) => {
      this.logger.warn({ err: errorSummary(e) }, 'could not ensure the event stream at boot');
    });
    const floor = await this.acknowledgedFloor();
    this.index.load(await this.repository.contents());
    this.startFollower(floor + 1);
    await this.startConsumer();
    const size = this.index.size;
    this.logger.info({ ...size, fromSequence: floor + 1 }, 'read model loaded');
  }

  async onModuleDestroy(): Promise<void> {
    await this.stopAll();
  }

  /** Forgets the read model and rebuilds it, in MongoDB and in memory, from the first event. */
  async replayFromZero(): Promise<void> {
    await this.stopAll();
    const jsm = await this.nc.jetstreamManager();
    await jsm.consumers.delete(EVENTS_STREAM, READ_MODEL_DURABLE).catch((e: unknown) => {
      if (jsErrorCode(e) !== JS_ERR.consumerNotFound) throw e;
    });
    await processedEventModel(this.connection).deleteMany({ consumer: READ_MODEL_DURABLE });
    await this.repository.clear();
    this.index.clear();
    this.startFollower(1);
    await this.startConsumer();
  }

  async progress(): Promise<SyncProgress> {
    const jsm = await this.nc.jetstreamManager();
    const stream = await jsm.streams.info(EVENTS_STREAM);
    const consumer = await jsm.consumers.info(EVENTS_STREAM, READ_MODEL_DURABLE).catch((e) => {
      // Not created yet (just started, or replaying): everything is still to apply.
      if (jsErrorCode(e) === JS_ERR.consumerNotFound) return null;
      throw e;
    });
    return {
      streamSequence: stream.state.last_seq,
      durablePending: consumer
        ? consumer.num_pending + consumer.num_ack_pending
        : stream.state.messages,
      followerSequence: this.follower?.lastSequence ?? 0,
    };
  }

  /** Applied an event to MongoDB and ran its outreach, in the consumer's transaction. */
  private async persist(event: EventEnvelope, session: ClientSession): Promise<void> {
    const store = this.repository.inTransaction(session, async (userId, erasedAt, s) => {
      await this.registry.erase({ userId }, erasedAt, s);
    });
    const effect = await applyChange(store, changeOf(event));
    await this.outreach.follow(event, effect, store, session);
  }

  private async follow(event: EventEnvelope): Promise<void> {
    await applyChange(this.index, changeOf(event));
  }

  private startFollower(fromSequence: number): void {
    this.follower = new StreamFollower(
      this.nc,
      fromSequence,
      (event) => this.follow(event),
      this.logger,
    );
    this.follower.start();
  }

  private async startConsumer(): Promise<void> {
    this.consumer = new EventConsumer(this.nc, this.connection, {
      durable: READ_MODEL_DURABLE,
      filterSubject: EVENTS_SUBJECTS,
      stream: this.stream,
      logger: this.logger,
      handler: (event, session) => this.persist(event, session),
    });
    await this.consumer.start();
  }

  private async stopAll(): Promise<void> {
    await this.consumer?.stop();
    await this.follower?.stop();
    this.consumer = null;
    this.follower = null;
  }

  /**
   * The last stream sequence the durable consumer acknowledged: 0 when there is none yet, or
   * when NATS cannot tell (the follower then re-applies the whole stream: slower, same state).
   */
  private async acknowledgedFloor(): Promise<number> {
    try {
      const jsm = await this.nc.jetstreamManager();
      const info = await jsm.consumers.info(EVENTS_STREAM, READ_MODEL_DURABLE);
      return info.ack_floor.stream_seq;
    } catch (e) {
      const code = jsErrorCode(e);
      if (code !== JS_ERR.consumerNotFound && code !== JS_ERR.streamNotFound) {
        this.logger.warn({ err: errorSummary(e) }, 'durable position unknown, following from 1');
      }
      return 0;
    }
  }
}
