import { Global, Module } from '@nestjs/common';
import type { ServiceConfig } from '@spilno/config';
import { SERVICE_CONFIG } from '@spilno/messaging';
import { DonationsConfig, loadDonationsConfig } from './donations.config';

/**
 * Provides `DonationsConfig`: the one main.ts loaded, or, when the process was started with
 * only the common `ServiceConfig` (the shared service suites, the whole-system tests), loaded
 * from the environment; either way validated before the first request.
 */
@Global()
@Module({
  providers: [
    {
      provide: DonationsConfig,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ServiceConfig): DonationsConfig =>
        config instanceof DonationsConfig
          ? config
          : loadDonationsConfig({
              ...process.env,
              NATS_URL: config.NATS_URL,
              MONGODB_URI: config.MONGODB_URI,
              LOG_LEVEL: config.LOG_LEVEL,
              RPC_TIMEOUT_MS: String(config.RPC_TIMEOUT_MS),
              EVENTS_STREAM_REPLICAS: String(config.EVENTS_STREAM_REPLICAS),
            }),
    },
  ],
  exports: [DonationsConfig],
})
export class DonationsConfigModule {}
