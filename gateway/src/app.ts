/**
 * Builds the gateway: Fastify with a 1 MiB body limit and sane request ids, the hooks (rate
 * limit, content type, request log, metrics), the global validation pipe and problem filter,
 * the guards, OpenAPI. Used by main.ts, the tests and the benchmark.
 */
import { RequestMethod, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessTokenVerifier } from '@spilno/auth';
import { DomainError, ErrorCode } from '@spilno/contracts';
import { createLogger, Logger, natsServers } from '@spilno/config';
import { AppModule } from './app.module';
import { registerHttpHooks } from './common/http-hooks';
import { NestPinoLogger } from './common/nest-logger';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { TokenBucketLimiter } from './common/rate-limiter';
import { requestIdFor } from './common/request-id';
import { RpcClient, strictValidationPipe } from '@spilno/messaging';
import { GatewayConfig } from './config/gateway.config';
import { setupDocs } from './docs/docs';
import { NatsConnectionState } from './health/nats-state';
import { GatewayMetrics } from './metrics/gateway-metrics';

export const API_PREFIX = 'api/v1';
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface GatewayOverrides {
  logger?: Logger;
  /** A client on an existing connection; the app then leaves closing it to the caller. */
  rpc?: RpcClient;
  /** Extra feature modules (tests mount probe controllers this way). */
  modules?: Type[];
}

export async function createGatewayApp(
  config: GatewayConfig,
  overrides: GatewayOverrides = {},
): Promise<NestFastifyApplication> {
  const logger = overrides.logger ?? createLogger('gateway', config.LOG_LEVEL);
  const rpc =
    overrides.rpc ??
    (await RpcClient.connect(natsServers(config.NATS_URL), 'gateway', config.RPC_TIMEOUT_MS));
  const ownsRpc = overrides.rpc === undefined;
  const metrics = new GatewayMetrics();
  rpc.observe(metrics.observeRpc);
  const limiter = new TokenBucketLimiter(config.RATE_LIMIT_BURST, config.RATE_LIMIT_PER_MINUTE);
  const sweeper = setInterval(() => limiter.sweep(), 60_000).unref();

  const problems = new ProblemDetailsFilter(logger);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestIdFor,
    requestIdHeader: false,
    trustProxy: config.TRUST_PROXY_HOPS > 0 ? config.TRUST_PROXY_HOPS : false,
    logger: false,
    // A malformed URL (bad percent-encoding) fails before routing, hooks or Nest.
    frameworkErrors: (_error: Error, request: FastifyRequest, reply: FastifyReply) =>
      problems.reply(new DomainError(ErrorCode.Validation, 'the URL is malformed'), request, reply),
  });
  registerHttpHooks(adapter.getInstance(), { limiter, metrics, logger });

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(
      {
        config,
        logger,
        rpc,
        metrics,
        natsState: new NatsConnectionState(rpc.connection),
        verifier: new AccessTokenVerifier(config.auth),
        release: async () => {
          clearInterval(sweeper);
          if (ownsRpc) await rpc.close();
        },
      },
      overrides.modules,
    ),
    adapter,
    { logger: new NestPinoLogger(logger), abortOnError: false },
  );
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'health/services/:name', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(problems);
  setupDocs(app);

  await app.init();
  await adapter.getInstance().ready();
  return app;
}
