/**
 * Keeps the people read model: a durable consumer (`donations-people`) of the users service's
 * `evt.users.user.>` events, each applied once in the transaction that remembers its id. One
 * consumer in stream order sees a person's registration, updates and erasure in the order they
 * happened, so an erasure is never followed by an older name. Only the display name is kept.
 */
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ClientSession, Connection } from 'mongoose';
import type { NatsConnection } from 'nats';
import type { Logger } from '@spilno/config';
import {
  EventSubjects,
  PROFILE_LIMITS,
  type EventEnvelope,
  type UserErasedEvent,
  type UserRegisteredEvent,
} from '@spilno/contracts';
import {
  EVENT_STREAM_OPTIONS,
  EventConsumer,
  JETSTREAM_CONNECTION,
  SERVICE_LOGGER,
  type EventStreamOptions,
} from '@spilno/messaging';
import { PeopleRepository } from './people.repository';

export const PEOPLE_DURABLE = 'donations-people';
export const PEOPLE_FILTER_SUBJECT = 'evt.users.user.>';

@Injectable()
export class PeopleConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  readonly consumer: EventConsumer;

  constructor(
    private readonly people: PeopleRepository,
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
    switch (event.type) {
      case EventSubjects.users.userRegistered:
      case EventSubjects.users.userUpdated: {
        const { userId, displayName } = (event.data ?? {}) as Partial<UserRegisteredEvent>;
        if (typeof userId !== 'string' || userId === '' || typeof displayName !== 'string') {
          throw new Error('the user event carries no valid userId and displayName');
        }
        const name = displayName.slice(0, PROFILE_LIMITS.displayNameMaxLength);
        await this.people.upsert({ _id: userId, displayName: name }, session);
        return;
      }
      case EventSubjects.users.userErased: {
        const { userId } = (event.data ?? {}) as Partial<UserErasedEvent>;
        if (typeof userId !== 'string' || userId === '') {
          throw new Error('the erasure event carries no valid userId');
        }
        await this.people.remove(userId, session);
        return;
      }
      default:
        return;
    }
  }
}
