/**
 * NestJS's NATS server with a shutdown that finishes what it started: stop taking requests
 * (unsubscribe, so the queue group's other replicas get them), wait for the in-flight ones
 * up to a grace period, flush their replies, then close. The built-in `gracefulShutdown`
 * option always sleeps the whole grace period, which makes every stop (and every test) slow.
 */
import { ServerNats } from '@nestjs/microservices';
import type { NatsOptions } from '@nestjs/microservices';
import type { NatsConnection, Subscription } from 'nats';
import type { Logger } from '@spilno/config';
import { InFlightRequests } from './in-flight';

type NatsServerOptions = Required<NatsOptions>['options'];

export class DrainingNatsServer extends ServerNats {
  private readonly ownSubscriptions: Subscription[] = [];

  constructor(
    private readonly natsOptions: NatsServerOptions & { queue: string },
    private readonly inFlight: InFlightRequests,
    private readonly gracePeriodMs: number,
    private readonly log: Logger,
  ) {
    super({ ...natsOptions, gracefulShutdown: false });
  }

  // Flush before reporting "listening": until the server has processed the SUB lines, a
  // request from another connection finds no responder.
  override start(callback: (err?: unknown) => void): void {
    const client = this.unwrap<NatsConnection>();
    this.bindEvents(client);
    client.flush().then(() => callback(), callback);
  }

  // Same subscriptions as ServerNats.bindEvents, but kept here so close() can end them first.
  override bindEvents(client: NatsConnection): void {
    for (const [channel, handler] of this.messageHandlers) {
      const queue = (handler.extras?.queue as string | undefined) ?? this.natsOptions.queue;
      const callback = this.getMessageHandler(channel).bind(this) as (
        err: Error | null,
        msg: unknown,
      ) => void;
      this.ownSubscriptions.push(client.subscribe(channel, { queue, callback }));
    }
  }

  override async close(): Promise<void> {
    this.ownSubscriptions.splice(0).forEach((sub) => sub.unsubscribe());
    const pending = this.inFlight.size;
    if (pending > 0) {
      const drained = await this.inFlight.drained(this.gracePeriodMs);
      this.log.info({ pending, drained }, 'waited for in-flight requests before closing');
    }
    const connection = this.connectionOrNull();
    if (connection && !connection.isClosed()) {
      await connection.flush().catch(() => undefined);
    }
    await super.close();
  }

  private connectionOrNull(): NatsConnection | null {
    try {
      return this.unwrap<NatsConnection>();
    } catch {
      return null;
    }
  }
}
