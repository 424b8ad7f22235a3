/**
 * `PrivacyModule.forService(service, { declarations })`: a service's data-subject rights from
 * its personal-data registry. It answers `SUBJECT_EXPORT_SUBJECTS[service]` with the
 * registry's export and applies `evt.users.user.erased.v1` with the registry's erasure. Needs
 * `OutboxRelayModule.forService()` (the JetStream connection) when it consumes erasures.
 */
import { Controller, DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import {
  SUBJECT_EXPORT_SUBJECTS,
  type ServiceName,
  type SubjectExportSections,
} from '@spilno/contracts';
import {
  ERASURE_CONSUMER_OPTIONS,
  ErasureConsumer,
  ErasureConsumerOptions,
} from './erasure-consumer';
import type { PersonalDataDeclaration } from './personal-data';
import { PersonalDataRegistry } from './personal-data.registry';
import { SubjectRequest, subjectOf } from './subject-request';

export interface PrivacyOptions {
  /** The service's registry: every collection holding personal data. */
  declarations: readonly PersonalDataDeclaration[];
  /**
   * Answer the export subject from the registry (default). The users service answers its own,
   * shaped for people (account, profile, sessions).
   */
  exportResponder?: boolean;
  /**
   * Apply erasures announced by the users service (default). The users service erases
   * first-hand, in the transaction that writes the announcement.
   */
  erasureConsumer?: boolean | ErasureConsumerOptions;
}

/** `@MessagePattern` needs the subject at class definition: one controller class per service. */
function subjectExportController(service: ServiceName): Type<unknown> {
  @Controller()
  class SubjectExportController {
    constructor(private readonly registry: PersonalDataRegistry) {}

    @MessagePattern(SUBJECT_EXPORT_SUBJECTS[service])
    export(@Payload() request: SubjectRequest): Promise<SubjectExportSections> {
      return this.registry.exportFor({ userId: subjectOf(request.meta) });
    }
  }
  return SubjectExportController;
}

@Module({})
export class PrivacyModule {
  static forService(service: ServiceName, options: PrivacyOptions): DynamicModule {
    const providers: Provider[] = [
      {
        provide: PersonalDataRegistry,
        inject: [getConnectionToken()],
        useFactory: (connection: Connection) =>
          new PersonalDataRegistry(connection, options.declarations),
      },
    ];
    const consume = options.erasureConsumer ?? true;
    if (consume !== false) {
      providers.push(
        { provide: ERASURE_CONSUMER_OPTIONS, useValue: consume === true ? {} : consume },
        ErasureConsumer,
      );
    }
    return {
      module: PrivacyModule,
      controllers: options.exportResponder === false ? [] : [subjectExportController(service)],
      providers,
      exports: [PersonalDataRegistry],
    };
  }
}
