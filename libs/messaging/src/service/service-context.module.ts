/**
 * What the bootstrap knows and every module of a service may inject: its name, its validated
 * configuration and its logger. Global, so feature modules need not import it.
 */
import { DynamicModule, Global, Module } from '@nestjs/common';
import type { ServiceName } from '@spilno/contracts';
import type { Logger, ServiceConfig } from '@spilno/config';

export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');

export interface ServiceContext {
  service: ServiceName;
  config: ServiceConfig;
  logger: Logger;
}

@Global()
@Module({})
export class ServiceContextModule {
  static forRoot({ service, config, logger }: ServiceContext): DynamicModule {
    return {
      module: ServiceContextModule,
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: SERVICE_LOGGER, useValue: logger },
      ],
      exports: [SERVICE_NAME, SERVICE_CONFIG, SERVICE_LOGGER],
    };
  }
}
