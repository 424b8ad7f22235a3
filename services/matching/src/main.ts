/** The matching service process: validated config, then the shared NATS microservice bootstrap. */
// First: the config classes' decorators record property types only if Reflect.metadata exists
// when they run, and loadConfig converts numeric variables (RPC_TIMEOUT_MS) by those types.
import 'reflect-metadata';
import { loadConfig, ServiceConfig } from '@spilno/config';
import { bootstrapService, exitOnStartupFailure } from '@spilno/messaging';
import { AppModule } from './app.module';

async function main(): Promise<void> {
  const config = loadConfig(ServiceConfig);
  await bootstrapService({ service: 'matching', module: AppModule, config });
}

main().catch(exitOnStartupFailure('matching'));
