/**
 * The stream keeps published events for 30 days, and some carry a person's name
 * (`user.registered`). After an erasure, the messages of the person's earlier events are
 * deleted from the stream (overwritten on disk), found by the stream sequence the relay noted
 * on each outbox record. Best effort, after the erasure committed: a message still in flight
 * when the erasure read the outbox, or a NATS outage, leaves a copy until the stream's max age.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { EVENTS_STREAM } from '@spilno/contracts';
import type { Logger } from '@spilno/config';
import { errorSummary, JETSTREAM_CONNECTION, SERVICE_LOGGER } from '@spilno/messaging';

@Injectable()
export class EventStreamEraser {
  constructor(
    @Inject(JETSTREAM_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  /** Deletes these stream messages; answers how many were deleted. Never throws. */
  async forget(sequences: number[]): Promise<number> {
    if (sequences.length === 0) return 0;
    try {
      const jsm = await this.nc.jetstreamManager();
      let deleted = 0;
      for (const seq of sequences) {
        // false: already gone (aged out, or deleted by an earlier attempt).
        const gone = await jsm.streams.deleteMessage(EVENTS_STREAM, seq, true).catch(() => false);
        if (gone) deleted++;
      }
      return deleted;
    } catch (e) {
      this.logger.warn({ err: errorSummary(e) }, 'could not delete an erased person’s events');
      return 0;
    }
  }
}
