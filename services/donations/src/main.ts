/** The donations service process: validated config, then the shared NATS microservice bootstrap. */
// First: the config classes' decorators record property types only if Reflect.metadata exists
// when they run, and loadConfig converts numeric variables (RPC_TIMEOUT_MS) by those types.
import 'reflect-metadata';
import { bootstrapService, exitOnStartupFailure } from '@spilno/messaging';
import { AppModule } from './app.module';
import { loadDonationsConfig } from './config/donations.config';

async function main(): Promise<void> {
  const config = loadDonationsConfig();
  await bootstrapService({ service: 'donations', module: AppModule, config });
}

main().catch(exitOnStartupFailure('donations'));
