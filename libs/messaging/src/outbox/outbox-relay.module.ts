/**
 * `OutboxRelayModule.forService()`: a service's link to JetStream, run with the service's
 * lifecycle. It opens one NATS connection for events (`JETSTREAM_CONNECTION`, which the
 * service's event consumers use too), ensures the stream `SPILNO_EVENTS` at boot with the
 * service's `EVENTS_STREAM_REPLICAS`, and runs the outbox relay, so every event the service
 * writes to its outbox reaches the stream.
 *
 * Stopping: the relay stops when modules are destroyed (after the NATS server has drained the
 * requests in flight, before MongoDB and this connection close at application shutdown), so
 * `app.close()` leaves nothing running.
 */
import { hostname } from 'node:os';
import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { connect, NatsConnection } from 'nats';
import type { ServiceName } from '@spilno/contracts';
import { Logger, natsServers, ServiceConfig } from '@spilno/config';
import { errorSummary } from '../jetstream/error-summary';
import { EventStreamOptions, ensureEventStream } from '../jetstream/event-stream';
import { natsConnectionOptions } from '../nats-options';
import { SERVICE_CONFIG, SERVICE_LOGGER, SERVICE_NAME } from '../service/service-context.module';
import { Outbox } from './outbox';
import { OutboxRelay, OutboxRelayOptions } from './outbox-relay';

/** The service's NATS connection for JetStream (publishing, consuming, stream management). */
export const JETSTREAM_CONNECTION = Symbol('JETSTREAM_CONNECTION');

/**
 * The stream settings of this service's configuration (`EVENTS_STREAM_REPLICAS`): whoever
 * ensures the stream must pass them, or it would bring a replicated stream down to one replica.
 */
export const EVENT_STREAM_OPTIONS = Symbol('EVENT_STREAM_OPTIONS');

const RELAY_OPTIONS = Symbol('RELAY_OPTIONS');

@Injectable()
class OutboxRelayLifecycle
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly relay: OutboxRelay;
  private readonly logger: Logger;

  constructor(
    @Inject(JETSTREAM_CONNECTION) private readonly nc: NatsConnection,
    @InjectConnection() connection: Connection,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(RELAY_OPTIONS) options: OutboxRelayOptions,
    @Inject(EVENT_STREAM_OPTIONS) private readonly stream: EventStreamOptions,
  ) {
    this.logger = logger.child({ component: 'outbox-relay' });
    this.relay = new OutboxRelay(new Outbox(connection), nc, {
      ...options,
      stream,
      logger: this.logger,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // The relay and consumers ensure the stream again while it is missing; a JetStream that is
    // not ready yet must not keep the service from answering requests.
    await ensureEventStream(this.nc, this.stream).catch((e: unknown) => {
      this.logger.warn({ err: errorSummary(e) }, 'could not ensure the event stream at boot');
    });
    await this.relay.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }
}

@Global()
@Module({})
export class OutboxRelayModule {
  /** Import once, in the service's AppModule (after `serviceDatabase`). */
  static forService(options: Omit<OutboxRelayOptions, 'stream'> = {}): DynamicModule {
    return {
      module: OutboxRelayModule,
      providers: [
        {
          provide: JETSTREAM_CONNECTION,
          inject: [SERVICE_CONFIG, SERVICE_NAME],
          useFactory: (config: ServiceConfig, service: ServiceName): Promise<NatsConnection> =>
            connect(
              natsConnectionOptions(
                natsServers(config.NATS_URL),
                `${service}-events@${hostname()}:${process.pid}`,
              ),
            ),
        },
        {
          provide: EVENT_STREAM_OPTIONS,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig): EventStreamOptions => ({
            replicas: config.EVENTS_STREAM_REPLICAS,
          }),
        },
        { provide: RELAY_OPTIONS, useValue: options },
        OutboxRelayLifecycle,
      ],
      exports: [JETSTREAM_CONNECTION, EVENT_STREAM_OPTIONS],
    };
  }
}
