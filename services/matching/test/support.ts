/**
 * The matching service under test: in-process on a real nats-server (JetStream) and the
 * embedded MongoDB (or MONGODB_URI), on a clock the test moves. Other services' facts reach it
 * the way they do in production: event envelopes published to the stream.
 */
import { randomUUID } from 'node:crypto';
import { INestMicroservice } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import { connect, NatsConnection } from 'nats';
import {
  type ApplicationEvent,
  type ApplicationStatus,
  type EventEnvelope,
  EventSubjects,
  type InitiativeEvent,
  type Principal,
  type ServiceName,
  type TaskEvent,
  type UserProfileSnapshot,
} from '@spilno/contracts';
import { createLogger, loadConfig, ServiceConfig } from '@spilno/config';
import { createServiceApp, natsConnectionOptions, RpcClient } from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
import { AppModule } from '../src/app.module';
import type { Clock } from '../src/common/clock';
import { MatchingIndex } from '../src/index/matching-index';
import { ReadModelSync } from '../src/read-model/read-model.sync';

export const newId = () => new Types.ObjectId().toHexString();

/** A clock the test sets. */
export class TestClock implements Clock {
  constructor(private at: Date) {}

  now(): Date {
    return new Date(this.at);
  }

  set(at: Date | string): void {
    this.at = new Date(at);
  }
}

export interface MatchingUnderTest {
  nats: TestNatsServer;
  app: INestMicroservice;
  client: RpcClient;
  connection: Connection;
  index: MatchingIndex;
  sync: ReadModelSync;
  clock: TestClock;
  /** Publishes an event to JetStream as `source` would (occurred now, on the test's clock). */
  publish<T>(type: string, data: T, source?: ServiceName): Promise<EventEnvelope<T>>;
  send<T>(subject: string, data: unknown, principal: Principal | null): Promise<T>;
  close(): Promise<void>;
}

export async function startMatching(clock: TestClock, name: string): Promise<MatchingUnderTest> {
  const nats = await startNatsServer();
  const mongo = await testMongo(name);
  const app = await createServiceApp({
    service: 'matching',
    module: AppModule.withClock(clock),
    config: loadConfig(ServiceConfig, { NATS_URL: nats.url, MONGODB_URI: mongo.uri }),
    logger: createLogger(
      'matching',
      process.env.MATCHING_TEST_LOG === 'debug' ? 'debug' : 'silent',
    ),
  });
  const client = await RpcClient.connect([nats.url], `${name}-e2e`, 10_000);
  const publisher: NatsConnection = await connect(
    natsConnectionOptions([nats.url], `${name}-e2e-events`),
  );
  const encoder = new TextEncoder();
  return {
    nats,
    app,
    client,
    clock,
    connection: app.get<Connection>(getConnectionToken()),
    index: app.get(MatchingIndex),
    sync: app.get(ReadModelSync),
    async publish<T>(type: string, data: T, source: ServiceName = 'initiatives') {
      const envelope: EventEnvelope<T> = {
        id: randomUUID(),
        type,
        occurredAt: clock.now().toISOString(),
        source,
        data,
      };
      await publisher
        .jetstream()
        .publish(type, encoder.encode(JSON.stringify(envelope)), { msgID: envelope.id });
      return envelope;
    },
    send<T>(subject: string, data: unknown, principal: Principal | null): Promise<T> {
      return client.send<T>(subject, data, { meta: { requestId: `${name}-e2e`, principal } });
    },
    async close() {
      await publisher.close();
      await client.close();
      await app.close();
      await nats.stop();
      await stopTestMongo();
    },
  };
}

export async function until<T>(
  attempt: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const citizen = (userId = newId()): Principal => ({
  userId,
  roles: ['citizen'],
  memberships: [],
});

export const coordinatorOf = (organizationId: string, userId = newId()): Principal => ({
  userId,
  roles: ['citizen'],
  memberships: [{ organizationId, role: 'coordinator' }],
});

// --- events as the users and initiatives services emit them --------------------------------

export function profile(
  userId: string,
  fields: Partial<UserProfileSnapshot> & { displayName: string },
  updatedAt: Date,
): UserProfileSnapshot & { registeredAt: string } {
  return {
    userId,
    locale: 'en',
    region: null,
    district: null,
    birthYear: null,
    languages: [],
    skills: [],
    availability: [],
    maxHoursPerWeek: null,
    contactable: false,
    researchConsent: false,
    location: null,
    ...fields,
    updatedAt: updatedAt.toISOString(),
    registeredAt: updatedAt.toISOString(),
  };
}

export function initiativeEvent(
  fields: Partial<InitiativeEvent> & { initiativeId: string; organizationId: string },
  changedAt: Date,
): InitiativeEvent {
  return {
    title: 'Допомога громаді',
    mode: 'co-delivery',
    category: 'humanitarian_aid',
    region: 'UA-12',
    district: null,
    location: null,
    startsAt: null,
    endsAt: null,
    tags: [],
    skills: [],
    status: 'published',
    publishedAt: changedAt.toISOString(),
    completedAt: null,
    cancelledAt: null,
    ...fields,
    changedAt: changedAt.toISOString(),
  };
}

export function taskEvent(
  fields: Partial<TaskEvent> & {
    taskId: string;
    initiativeId: string;
    organizationId: string;
    startsAt: string;
    endsAt: string;
  },
  changedAt: Date,
): TaskEvent {
  return {
    title: 'Зміна',
    requiredSkills: [],
    slots: 3,
    filled: 0,
    location: null,
    region: 'UA-12',
    urgency: 'normal',
    autoAccept: false,
    status: 'open',
    initiativeStatus: 'published',
    sourceReportId: null,
    ...fields,
    changedAt: changedAt.toISOString(),
  };
}

export function applicationEvent(
  fields: {
    applicationId: string;
    taskId: string;
    initiativeId: string;
    organizationId: string;
    userId: string;
    status: ApplicationStatus;
    previousStatus?: ApplicationStatus | null;
    slots: number;
    filled: number;
  },
  changedAt: Date,
): ApplicationEvent {
  return { previousStatus: null, hours: null, ...fields, changedAt: changedAt.toISOString() };
}

export const SUBJECT_OF_STATUS: Record<ApplicationStatus, string> = {
  pending: EventSubjects.initiatives.applicationSubmitted,
  accepted: EventSubjects.initiatives.applicationAccepted,
  rejected: EventSubjects.initiatives.applicationRejected,
  waitlisted: EventSubjects.initiatives.applicationWaitlisted,
  checked_in: EventSubjects.initiatives.applicationCheckedIn,
  completed: EventSubjects.initiatives.applicationCompleted,
  no_show: EventSubjects.initiatives.applicationNoShow,
  withdrawn: EventSubjects.initiatives.applicationWithdrawn,
};
