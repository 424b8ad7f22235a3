import { Module } from '@nestjs/common';
import { OutboxRelayModule, serviceDatabase } from '@spilno/messaging';
import { ApplicationsModule } from './applications/applications.module';
import { InitiativesHealthModule } from './health/health.module';
import { InitiativesModule } from './initiatives/initiatives.module';
import { InitiativesPrivacyModule } from './privacy/privacy.module';
import { ProposalsModule } from './proposals/proposals.module';
import { ReportsModule } from './reports/reports.module';
import { TasksModule } from './tasks/tasks.module';

/**
 * The initiatives service: its own database (`initiatives` unless MONGODB_URI names one), its link to
 * JetStream (the event stream, its outbox relay), its health responder, and data-subject rights.
 */
@Module({
  imports: [
    serviceDatabase('initiatives'),
    OutboxRelayModule.forService(),
    InitiativesHealthModule,
    InitiativesPrivacyModule,
    InitiativesModule,
    TasksModule,
    ApplicationsModule,
    ProposalsModule,
    ReportsModule,
  ],
})
export class AppModule {}
