/**
 * How every service process starts: a NestJS microservice on core NATS in its service's queue
 * group (replicas share requests), reconnecting forever, with the RPC error filter, the strict
 * validation pipe, per-message logging (in the server) and a shutdown that lets in-flight requests finish.
 */
import { hostname } from 'node:os';
import { DynamicModule, INestMicroservice, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { queueGroup, ServiceName } from '@spilno/contracts';
import { ConfigError, createLogger, Logger, natsServers, ServiceConfig } from '@spilno/config';
import { natsConnectionOptions } from '../nats-options';
import { RpcErrorFilter } from '../rpc-error.filter';
import { strictValidationPipe } from '../strict-validation.pipe';
import { DrainingNatsServer } from './draining-nats.server';
import { InFlightRequests } from './in-flight';
import { PinoNestLogger } from './nest-logger';
import { ServiceContextModule } from './service-context.module';

/** Long enough for a request that started just before the stop to finish its write. */
export const DEFAULT_GRACE_PERIOD_MS = 10_000;

export interface ServiceAppOptions {
  service: ServiceName;
  /** The service's root module (its AppModule). */
  module: Type<unknown> | DynamicModule;
  config: ServiceConfig;
  /** Defaults to a pino logger named after the service at `config.LOG_LEVEL`. */
  logger?: Logger;
  /** How long a stop waits for in-flight requests. */
  gracePeriodMs?: number;
}

@Module({})
class ServiceRootModule {}

/**
 * Creates the service and starts listening on NATS; resolves once it is subscribed. Installs
 * no signal handlers, so tests can run several in one process and `close()` each.
 */
export async function createServiceApp(options: ServiceAppOptions): Promise<INestMicroservice> {
  const { service, config } = options;
  const logger = options.logger ?? createLogger(service, config.LOG_LEVEL);
  const inFlight = new InFlightRequests();
  const strategy = new DrainingNatsServer(
    {
      ...natsConnectionOptions(
        natsServers(config.NATS_URL),
        `${service}@${hostname()}:${process.pid}`,
      ),
      queue: queueGroup(service),
    },
    inFlight,
    options.gracePeriodMs ?? DEFAULT_GRACE_PERIOD_MS,
    logger,
  );
  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [ServiceContextModule.forRoot({ service, config, logger }), options.module],
  };
  const app = await NestFactory.createMicroservice(root, {
    strategy,
    logger: new PinoNestLogger(logger),
  });
  app.useGlobalFilters(new RpcErrorFilter(logger));
  app.useGlobalPipes(strictValidationPipe());
  // Per-message logging and in-flight counting happen in DrainingNatsServer (as
  // RpcLoggingInterceptor does), outside Nest's interceptor chain and its per-message cost.
  await app.listen();
  return app;
}

/** `main.ts` of a service: start it, and stop it cleanly on SIGTERM or SIGINT. */
export async function bootstrapService(options: ServiceAppOptions): Promise<INestMicroservice> {
  const logger = options.logger ?? createLogger(options.service, options.config.LOG_LEVEL);
  const started = performance.now();
  const app = await createServiceApp({ ...options, logger });
  // Nest's hooks close the NATS server first (draining in-flight requests), then MongoDB.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  logger.info(
    { queue: queueGroup(options.service), startupMs: Math.round(performance.now() - started) },
    'service listening',
  );
  return app;
}

/**
 * For `main().catch(...)`: a process that cannot start says why on stderr in one line (bad
 * configuration names each wrong variable) and exits non-zero, so a supervisor notices.
 */
export function exitOnStartupFailure(service: ServiceName): (error: unknown) => never {
  return (error) => {
    const reason =
      error instanceof ConfigError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`${service}: refusing to start: ${reason}\n`);
    process.exit(1);
  };
}
