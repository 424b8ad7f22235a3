/**
 * Applies `evt.users.user.erased.v1` to a service's registry: a durable consumer per service
 * (`<service>-subject-erasure`), so an erasure announced while the service was down is applied
 * when it is back, exactly once (the event id and the erasure commit in one transaction).
 */
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ClientSession, Connection } from 'mongoose';
import type { NatsConnection } from 'nats';
import { EventEnvelope, EventSubjects, ServiceName, type UserErasedEvent } from '@spilno/contracts';
import type { Logger } from '@spilno/config';
import { EventConsumer, EventConsumerOptions } from '../jetstream/event-consumer';
import { EventStreamOptions } from '../jetstream/event-stream';
import { EVENT_STREAM_OPTIONS, JETSTREAM_CONNECTION } from '../outbox/outbox-relay.module';
import { SERVICE_LOGGER, SERVICE_NAME } from '../service/service-context.module';
import { PersonalDataRegistry } from './personal-data.registry';

/** Consumer settings a test may shorten; production uses the EventConsumer defaults. */
export const ERASURE_CONSUMER_OPTIONS = Symbol('ERASURE_CONSUMER_OPTIONS');
export type ErasureConsumerOptions = Partial<
  Omit<EventConsumerOptions, 'durable' | 'filterSubject' | 'handler' | 'stream'>
>;

export function erasureDurable(service: ServiceName): string {
  return `${service}-subject-erasure`;
}

@Injectable()
export class ErasureConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  readonly consumer: EventConsumer;

  constructor(
    private readonly registry: PersonalDataRegistry,
    @Inject(JETSTREAM_CONNECTION) nc: NatsConnection,
    @InjectConnection() connection: Connection,
    @Inject(SERVICE_NAME) service: ServiceName,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(ERASURE_CONSUMER_OPTIONS) options: ErasureConsumerOptions,
    @Inject(EVENT_STREAM_OPTIONS) stream: EventStreamOptions,
  ) {
    this.consumer = new EventConsumer(nc, connection, {
      ...options,
      stream,
      durable: erasureDurable(service),
      filterSubject: EventSubjects.users.userErased,
      handler: (event, session) => this.apply(event, session),
      logger,
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.consumer.stop();
  }

  private async apply(event: EventEnvelope, session: ClientSession): Promise<void> {
    const { userId, erasedAt } = erasedEventData(event);
    await this.registry.erase({ userId }, erasedAt, session);
  }
}

/** The event's data, checked: a malformed event fails (and is dead-lettered), never half-applied. */
function erasedEventData(event: EventEnvelope): { userId: string; erasedAt: Date } {
  const data = event.data as Partial<UserErasedEvent> | null;
  const erasedAt = new Date(data?.erasedAt ?? event.occurredAt);
  if (typeof data?.userId !== 'string' || data.userId === '' || isNaN(erasedAt.getTime())) {
    throw new Error('the user.erased event carries no valid userId and erasedAt');
  }
  return { userId: data.userId, erasedAt };
}
