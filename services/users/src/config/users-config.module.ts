import { Global, Module } from '@nestjs/common';
import type { ServiceConfig } from '@spilno/config';
import { SERVICE_CONFIG } from '@spilno/messaging';
import { loadUsersConfig, UsersConfig } from './users.config';

/**
 * Provides `UsersConfig`: the one main.ts loaded, or, when the process was started with only
 * the common `ServiceConfig` (the shared service test suites), loaded from the environment;
 * either way validated before the first request.
 */
@Global()
@Module({
  providers: [
    {
      provide: UsersConfig,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ServiceConfig): UsersConfig =>
        config instanceof UsersConfig
          ? config
          : loadUsersConfig({
              ...process.env,
              NATS_URL: config.NATS_URL,
              MONGODB_URI: config.MONGODB_URI,
            }),
    },
  ],
  exports: [UsersConfig],
})
export class UsersConfigModule {}
