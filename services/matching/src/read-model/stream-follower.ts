/**
 * Keeps one replica's in-memory index in step with the event stream: an ordered (ephemeral,
 * unacknowledged) JetStream consumer from a given sequence, each event applied to the index
 * with the read-model reducer. Every replica runs one, so each holds the whole model while the
 * durable consumer (shared by the replicas) writes MongoDB and decides outreach once.
 *
 * It starts where the durable consumer's acknowledged floor was when the index was loaded
 * from MongoDB: events after that floor may already be in what was loaded, and applying them
 * again, in order, ends in the same state. A failure (NATS away) retries from the last event
 * applied; a malformed event (dead-lettered by the durable consumer) is skipped here.
 */
import { DeliverPolicy, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import { EVENTS_STREAM, EVENTS_SUBJECTS, type EventEnvelope } from '@spilno/contracts';
import type { Logger } from '@spilno/config';
import { backoffDelay, errorKind, errorSummary, Sleeper } from '@spilno/messaging';

export type FollowedEventHandler = (event: EventEnvelope) => Promise<void>;

const decoder = new TextDecoder();
const BACKOFF = { initialMs: 100, maxMs: 5000 };

export class StreamFollower {
  private running = false;
  private loop: Promise<void> | null = null;
  private messages: ConsumerMessages | null = null;
  private readonly sleeper = new Sleeper();
  /** The stream sequence of the last event applied (0: none yet). */
  private applied: number;

  constructor(
    private readonly nc: NatsConnection,
    fromSequence: number,
    private readonly handle: FollowedEventHandler,
    private readonly logger: Logger,
  ) {
    this.applied = Math.max(0, fromSequence - 1);
  }

  get lastSequence(): number {
    return this.applied;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.messages?.stop();
    this.sleeper.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const consumer = await this.nc.jetstream().consumers.get(EVENTS_STREAM, {
          // One subject as a string: `filter_subjects` (a list) needs nats-server >= 2.10.
          filterSubjects: EVENTS_SUBJECTS,
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: this.applied + 1,
        });
        const messages = await consumer.consume({ max_messages: 256 });
        this.messages = messages;
        for await (const msg of messages) {
          if (!this.running) break;
          await this.apply(msg);
          failures = 0;
        }
      } catch (e) {
        if (this.running) {
          this.logger.warn({ err: errorSummary(e) }, 'stream follower failed, retrying');
        }
      } finally {
        this.messages = null;
      }
      // Ended or failed while meant to run: start again after a growing pause.
      if (this.running) await this.sleeper.sleep(backoffDelay(failures++, BACKOFF));
    }
  }

  private async apply(msg: JsMsg): Promise<void> {
    const sequence = msg.info.streamSequence;
    if (sequence <= this.applied) return;
    try {
      const event = JSON.parse(decoder.decode(msg.data)) as EventEnvelope;
      await this.handle(event);
    } catch (e) {
      this.logger.warn({ sequence, err: errorKind(e) }, 'stream follower skipped an event');
    }
    this.applied = sequence;
  }
}
