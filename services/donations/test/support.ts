/**
 * The donations e2e harness: a real nats-server with JetStream, the embedded MongoDB (or
 * MONGODB_URI), the donations service in-process, an RpcClient speaking to it over NATS, and
 * the other services' events published to JetStream exactly as their outbox relays publish
 * them (the same envelope, `Nats-Msg-Id` = event id), so the service's durable consumers
 * build their read models from real deliveries.
 */
import { INestMicroservice } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import { connect, NatsConnection } from 'nats';
import { createLogger } from '@spilno/config';
import {
  DomainError,
  EventSubjects,
  type InitiativeEvent,
  type InitiativeStatus,
  type Principal,
  type RequestMeta,
  type ServiceName,
} from '@spilno/contracts';
import {
  createServiceApp,
  ensureEventStream,
  natsConnectionOptions,
  newEvent,
  RpcClient,
} from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
import { AppModule } from '../src/app.module';
import { loadDonationsConfig } from '../src/config/donations.config';

export const newId = () => new Types.ObjectId().toHexString();

export interface Harness {
  nats: TestNatsServer;
  app: INestMicroservice;
  client: RpcClient;
  events: NatsConnection;
  connection: Connection;
  mongoUri: string;
  close(): Promise<void>;
}

export async function startDonations(env: Record<string, string> = {}): Promise<Harness> {
  const nats = await startNatsServer();
  const mongo = await testMongo('donations');
  const app = await createServiceApp({
    service: 'donations',
    module: AppModule,
    config: loadDonationsConfig({
      NATS_URL: nats.url,
      MONGODB_URI: mongo.uri,
      LOG_LEVEL: 'silent',
      ...env,
    }),
    logger: createLogger('donations', 'silent'),
  });
  const client = await RpcClient.connect([nats.url], 'donations-e2e', 15_000);
  const events = await connect(natsConnectionOptions([nats.url], 'donations-e2e-events'));
  await ensureEventStream(events);
  return {
    nats,
    app,
    client,
    events,
    connection: app.get<Connection>(getConnectionToken()),
    mongoUri: mongo.uri,
    async close() {
      await client.close();
      await events.close();
      await app.close();
      await nats.stop();
      await stopTestMongo();
    },
  };
}

/** Publishes an event as a service's outbox relay does. */
export async function publishEvent(
  nc: NatsConnection,
  type: string,
  source: ServiceName,
  data: unknown,
): Promise<string> {
  const envelope = newEvent(type, source, data);
  await nc.jetstream().publish(type, JSON.stringify(envelope), { msgID: envelope.id });
  return envelope.id;
}

export function initiativeEvent(
  initiativeId: string,
  organizationId: string,
  status: InitiativeStatus,
): InitiativeEvent {
  const now = new Date().toISOString();
  return {
    initiativeId,
    organizationId,
    title: 'Відбудова школи',
    mode: 'co-delivery',
    category: 'reconstruction',
    region: 'UA-12',
    district: null,
    location: null,
    startsAt: null,
    endsAt: null,
    tags: [],
    skills: [],
    status,
    publishedAt: now,
    completedAt: status === 'completed' ? now : null,
    cancelledAt: status === 'cancelled' ? now : null,
    changedAt: now,
  };
}

const SUBJECT_OF: Record<Exclude<InitiativeStatus, 'draft'>, string> = {
  published: EventSubjects.initiatives.initiativePublished,
  completed: EventSubjects.initiatives.initiativeCompleted,
  cancelled: EventSubjects.initiatives.initiativeCancelled,
};

/** Announces an initiative's status as the initiatives service does, and waits until applied. */
export async function announceInitiative(
  harness: Harness,
  initiativeId: string,
  organizationId: string,
  status: Exclude<InitiativeStatus, 'draft'>,
): Promise<void> {
  await publishEvent(
    harness.events,
    SUBJECT_OF[status],
    'initiatives',
    initiativeEvent(initiativeId, organizationId, status),
  );
  const initiatives = harness.connection.collection('initiatives');
  await waitFor(
    async () =>
      (await initiatives.findOne({ _id: new Types.ObjectId(initiativeId) }))?.status === status,
    10_000,
    `initiative ${initiativeId} to be ${status}`,
  );
}

export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface Actor {
  principal: Principal | null;
}

export function coordinatorOf(organizationId: string): Actor {
  return {
    principal: {
      userId: newId(),
      roles: ['citizen'],
      memberships: [{ organizationId, role: 'coordinator' }],
    },
  };
}

export function citizen(userId = newId()): Actor {
  return { principal: { userId, roles: ['citizen'], memberships: [] } };
}

export const anonymousDonor: Actor = { principal: null };

let requests = 0;

/** Calls a subject as `actor`; resolves with the answer, or with the DomainError it failed with. */
export async function call<T>(
  client: RpcClient,
  subject: string,
  data: unknown,
  actor: Actor,
): Promise<T | DomainError> {
  const meta: RequestMeta = {
    requestId: `donations-e2e-${++requests}`,
    principal: actor.principal,
  };
  try {
    return await client.send<T>(subject, data, { meta });
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
}

/** The answer of a call that must succeed. */
export async function ok<T>(
  client: RpcClient,
  subject: string,
  data: unknown,
  actor: Actor,
): Promise<T> {
  const answer = await call<T>(client, subject, data, actor);
  if (answer instanceof DomainError) {
    throw new Error(
      `${subject} failed: ${answer.code} ${answer.message} ${JSON.stringify(answer.errors)}`,
    );
  }
  return answer;
}
