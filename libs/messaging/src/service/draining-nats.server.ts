/**
 * NestJS's NATS server with a shutdown that finishes what it started: stop taking requests
 * (unsubscribe, so the queue group's other replicas get them), wait for the in-flight ones
 * up to a grace period, flush their replies, then close. The built-in `gracefulShutdown`
 * option always sleeps the whole grace period, which makes every stop (and every test) slow.
 */
import { MessageHandler, NatsContext, ServerNats } from '@nestjs/microservices';
import type { NatsOptions } from '@nestjs/microservices';
import { defer, from, mergeMap } from 'rxjs';
import type { NatsConnection, Subscription } from 'nats';
import type { Logger } from '@spilno/config';
import { coalesceWrites } from '../nats-options';
import { InFlightRequests } from './in-flight';
import { trackMessage } from './rpc-logging.interceptor';

type NatsServerOptions = Required<NatsOptions>['options'];

const MAX_CACHED_ROUTES = 1000;

export class DrainingNatsServer extends ServerNats {
  private readonly ownSubscriptions: Subscription[] = [];
  /** Route per subscribed subject; Nest re-derives it for every message (JSON.parse, throw). */
  private readonly routes = new Map<string, string>();
  private readonly tracked = new WeakMap<MessageHandler, MessageHandler>();

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
    coalesceWrites(client);
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

  // ServerNats asks this for every message with the subject it subscribed (a bounded set):
  // the base tries JSON.parse on it first, and a plain subject makes that throw each time.
  protected override getRouteFromPattern(pattern: string): string {
    let route = this.routes.get(pattern);
    if (route === undefined) {
      route = super.getRouteFromPattern(pattern);
      if (this.routes.size < MAX_CACHED_ROUTES) this.routes.set(pattern, route);
    }
    return route;
  }

  // Every message and event goes through its handler wrapped here: counted in flight until its
  // answer is out, and logged (subject, request id, outcome, duration) as the interceptor did.
  override getHandlerByPattern(pattern: string): MessageHandler | null {
    const handler = super.getHandlerByPattern(pattern);
    if (!handler) return null;
    let tracked = this.tracked.get(handler);
    if (!tracked) {
      tracked = this.track(handler);
      this.tracked.set(handler, tracked);
    }
    return tracked;
  }

  private track(handler: MessageHandler): MessageHandler {
    const tracked = (data: unknown, ctx: NatsContext) =>
      Promise.resolve(
        trackMessage(this.log, this.inFlight, ctx.getSubject(), data, ctx, () =>
          defer(() => from(handler(data, ctx))).pipe(
            mergeMap((result) => this.transformToObservable(result)),
          ),
        ),
      );
    return Object.assign(tracked, handler) as MessageHandler;
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
      // A message counts as done when its handler's result completes; Nest publishes the
      // reply on the next tick. Let those replies reach the outbound buffer, then flush.
      await new Promise((resolve) => setImmediate(resolve));
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
