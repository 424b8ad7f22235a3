/**
 * Keeps the people read model: a durable consumer (`initiatives-people`) of the users
 * service's `evt.users.user.>` events, each applied exactly once in the transaction that
 * remembers its id (libs/messaging EventConsumer). One consumer in stream order sees a
 * person's registration, updates and erasure in the order they happened, so an erasure is
 * not followed by an older profile of them (a profile event retried after a failure could be;
 * the users service deletes a person's earlier events from the stream when it erases them, best
 * effort, and the registry's erasure deletes the copy too).
 */
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ClientSession, Connection } from 'mongoose';
import type { NatsConnection } from 'nats';
import type { Logger } from '@spilno/config';
import type { EventEnvelope } from '@spilno/contracts';
import {
  EVENT_STREAM_OPTIONS,
  EventConsumer,
  JETSTREAM_CONNECTION,
  SERVICE_LOGGER,
  type EventStreamOptions,
} from '@spilno/messaging';
import { peopleChangeOf } from './volunteer-events';
import { VolunteersRepository } from './volunteers.repository';

export const PEOPLE_DURABLE = 'initiatives-people';
export const PEOPLE_FILTER_SUBJECT = 'evt.users.user.>';

@Injectable()
export class VolunteersConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  readonly consumer: EventConsumer;

  constructor(
    private readonly volunteers: VolunteersRepository,
    @Inject(JETSTREAM_CONNECTION) nc: NatsConnection,
    @InjectConnection() connection: Connection,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(EVENT_STREAM_OPTIONS) stream: EventStreamOptions,
  ) {
    this.consumer = new EventConsumer(nc, connection, {
      durable: PEOPLE_DURABLE,
      filterSubject: PEOPLE_FILTER_SUBJECT,
      stream,
      logger,
      handler: (event, session) => this.apply(event, session),
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.consumer.stop();
  }

  private async apply(event: EventEnvelope, session: ClientSession): Promise<void> {
    const change = peopleChangeOf(event);
    if (change.kind === 'profile') await this.volunteers.apply(change.volunteer, session);
    else if (change.kind === 'erased') await this.volunteers.remove(change.userId, session);
  }
}
