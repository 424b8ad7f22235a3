/**
 * Keeps the initiatives read model: two durable consumers of the initiatives service's events,
 * each event applied exactly once in the transaction that remembers its id (libs/messaging
 * EventConsumer):
 * - `donations-initiatives` (`evt.initiatives.initiative.>`): organization, title, status,
 *   and the copy of the status on the initiative's campaigns, in the same transaction;
 * - `donations-volunteer-hours` (`evt.initiatives.application.completed.v1`): verified hours,
 *   summed per initiative (a completed application is final, so each adds once).
 * Neither stores anything about a person: the hours are summed, the volunteer is dropped.
 */
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ClientSession, Connection } from 'mongoose';
import type { NatsConnection } from 'nats';
import type { Logger } from '@spilno/config';
import { EventSubjects, type EventEnvelope } from '@spilno/contracts';
import {
  EVENT_STREAM_OPTIONS,
  EventConsumer,
  JETSTREAM_CONNECTION,
  SERVICE_LOGGER,
  type EventStreamOptions,
} from '@spilno/messaging';
import { completedHoursOf, initiativeStateOf } from './initiative-events';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { InitiativesRepository } from './initiatives.repository';

export const INITIATIVES_DURABLE = 'donations-initiatives';
export const INITIATIVES_FILTER_SUBJECT = 'evt.initiatives.initiative.>';
export const VOLUNTEER_HOURS_DURABLE = 'donations-volunteer-hours';

@Injectable()
export class InitiativesConsumers implements OnApplicationBootstrap, OnModuleDestroy {
  readonly initiatives: EventConsumer;
  readonly hours: EventConsumer;

  constructor(
    private readonly repository: InitiativesRepository,
    private readonly campaigns: CampaignsRepository,
    @Inject(JETSTREAM_CONNECTION) nc: NatsConnection,
    @InjectConnection() connection: Connection,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(EVENT_STREAM_OPTIONS) stream: EventStreamOptions,
  ) {
    this.initiatives = new EventConsumer(nc, connection, {
      durable: INITIATIVES_DURABLE,
      filterSubject: INITIATIVES_FILTER_SUBJECT,
      stream,
      logger,
      handler: (event, session) => this.applyInitiative(event, session),
    });
    this.hours = new EventConsumer(nc, connection, {
      durable: VOLUNTEER_HOURS_DURABLE,
      filterSubject: EventSubjects.initiatives.applicationCompleted,
      stream,
      logger,
      handler: (event, session) => this.applyHours(event, session),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all([this.initiatives.start(), this.hours.start()]);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.initiatives.stop(), this.hours.stop()]);
  }

  private async applyInitiative(event: EventEnvelope, session: ClientSession): Promise<void> {
    const state = initiativeStateOf(event);
    if (state && (await this.repository.applyState(state, session))) {
      await this.campaigns.setInitiativeStatus(state.id, state.status, session);
    }
  }

  private async applyHours(event: EventEnvelope, session: ClientSession): Promise<void> {
    const completed = completedHoursOf(event);
    if (completed && completed.hours > 0) {
      await this.repository.addHours(completed.initiativeId, completed.hours, session);
    }
  }
}
