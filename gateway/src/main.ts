import 'reflect-metadata';
import { ConfigError, createLogger } from '@spilno/config';
import { createGatewayApp } from './app';
import { loadGatewayConfig } from './config/gateway.config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadGatewayConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`gateway: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger('gateway', config.LOG_LEVEL);
  logger.info({ nats: config.NATS_URL }, 'connecting to NATS');
  const app = await createGatewayApp(config, { logger });
  // SIGTERM/SIGINT: stop taking requests, finish those in flight, then drain NATS.
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  logger.info({ url: await app.getUrl() }, 'gateway listening');
}

main().catch((e: unknown) => {
  process.stderr.write(`gateway failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
