/**
 * The whole system in one test process: a real nats-server, the embedded MongoDB (or
 * MONGODB_URI) with one database per service, the four services in-process and the gateway
 * on top, reached over real HTTP with supertest. For tests that must see every route and
 * every service at once (authorization table, contract fuzzing, data-subject rights).
 */
import { INestMicroservice, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createLogger, loadConfig, ServiceConfig } from '@spilno/config';
import { ServiceName, SERVICE_NAMES } from '@spilno/contracts';
import { createServiceApp } from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';
// System tests run every service in-process; nothing in gateway/src may do this.
/* eslint-disable @nx/enforce-module-boundaries */
import { AppModule as DonationsAppModule } from '../../services/donations/src/app.module';
import { AppModule as InitiativesAppModule } from '../../services/initiatives/src/app.module';
import { AppModule as MatchingAppModule } from '../../services/matching/src/app.module';
import { AppModule as UsersAppModule } from '../../services/users/src/app.module';
import { loadUsersConfig } from '../../services/users/src/config/users.config';
/* eslint-enable @nx/enforce-module-boundaries */
import { createGatewayApp } from '../src/app';
import { testConfig, TEST_JWT_SECRET } from './support';

export const ADMIN_EMAIL = 'admin@spilno.test';
export const ADMIN_PASSWORD = 'system test admin passphrase';

interface ServiceDefinition {
  module: Type<unknown>;
  config: (env: Record<string, string>) => ServiceConfig;
}

const SERVICES: Record<ServiceName, ServiceDefinition> = {
  users: { module: UsersAppModule, config: (env) => loadUsersConfig(env) },
  initiatives: { module: InitiativesAppModule, config: (env) => loadConfig(ServiceConfig, env) },
  matching: { module: MatchingAppModule, config: (env) => loadConfig(ServiceConfig, env) },
  donations: { module: DonationsAppModule, config: (env) => loadConfig(ServiceConfig, env) },
};

export interface SystemOptions {
  /** Extra environment per service (e.g. shorter windows). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  gatewayEnv?: Record<string, string>;
}

export interface TestSystem {
  nats: TestNatsServer;
  gateway: NestFastifyApplication;
  http: ReturnType<typeof request>;
  /** The MongoDB URI (naming its own database) of each service. */
  databases: Record<ServiceName, string>;
  services: Map<ServiceName, INestMicroservice>;
  stopService(name: ServiceName): Promise<void>;
  close(): Promise<void>;
}

export async function startSystem(options: SystemOptions = {}): Promise<TestSystem> {
  const nats = await startNatsServer();
  const databases = {} as Record<ServiceName, string>;
  const services = new Map<ServiceName, INestMicroservice>();
  for (const name of SERVICE_NAMES) {
    databases[name] = (await testMongo(name)).uri;
    const env = {
      NATS_URL: nats.url,
      MONGODB_URI: databases[name],
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'silent',
      ...(name === 'users'
        ? {
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
            LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
            LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '1000',
          }
        : {}),
      ...options.env?.[name],
    };
    const definition = SERVICES[name];
    services.set(
      name,
      await createServiceApp({
        service: name,
        module: definition.module,
        config: definition.config(env),
        logger: createLogger(name, 'silent'),
      }),
    );
  }
  const gateway = await createGatewayApp(
    testConfig(nats.url, { RPC_TIMEOUT_MS: '10000', ...options.gatewayEnv }),
    { logger: createLogger('gateway', 'silent') },
  );
  const stopService = async (name: ServiceName) => {
    await services.get(name)?.close();
    services.delete(name);
  };
  return {
    nats,
    gateway,
    http: request(gateway.getHttpServer()),
    databases,
    services,
    stopService,
    async close() {
      await gateway.close();
      for (const name of [...services.keys()]) await stopService(name);
      await nats.stop();
      await stopTestMongo();
    },
  };
}
