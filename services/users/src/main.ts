/** The users service process: validated config, then the shared NATS microservice bootstrap. */
// First: the config classes' decorators record property types only if Reflect.metadata exists
// when they run, and loadConfig converts numeric variables (RPC_TIMEOUT_MS) by those types.
import 'reflect-metadata';
import { bootstrapService, exitOnStartupFailure } from '@spilno/messaging';
import { AppModule } from './app.module';
import { loadUsersConfig } from './config/users.config';

async function main(): Promise<void> {
  const config = loadUsersConfig();
  await bootstrapService({ service: 'users', module: AppModule, config });
}

main().catch(exitOnStartupFailure('users'));
