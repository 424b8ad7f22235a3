/**
 * `HealthModule.forService('users')`: answers `HEALTH_SUBJECTS.users` with a `ServiceHealth`.
 * The subject is only known per service, and `@MessagePattern` needs it at class definition,
 * so each service gets its own controller class.
 */
import { Controller, DynamicModule, Module, Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { HEALTH_SUBJECTS, ServiceHealth, ServiceName } from '@spilno/contracts';
import { HEALTH_OPTIONS, HealthService } from './health.service';

function healthController(service: ServiceName): Type<unknown> {
  @Controller()
  class HealthController {
    constructor(private readonly health: HealthService) {}

    @MessagePattern(HEALTH_SUBJECTS[service])
    check(): Promise<ServiceHealth> {
      return this.health.check();
    }
  }
  return HealthController;
}

@Module({})
export class HealthModule {
  static forService(service: ServiceName, options: { version: string }): DynamicModule {
    return {
      module: HealthModule,
      controllers: [healthController(service)],
      providers: [
        HealthService,
        { provide: HEALTH_OPTIONS, useValue: { service, version: options.version } },
      ],
    };
  }
}
