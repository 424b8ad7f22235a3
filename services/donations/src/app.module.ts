import { Module } from '@nestjs/common';
import { OutboxRelayModule, serviceDatabase } from '@spilno/messaging';
import { DonationsHealthModule } from './health/health.module';
import { DonationsPrivacyModule } from './privacy/privacy.module';

/**
 * The donations service: its own database (`donations` unless MONGODB_URI names one), its link to
 * JetStream (the event stream, its outbox relay), its health responder, and data-subject rights.
 */
@Module({
  imports: [
    serviceDatabase('donations'),
    OutboxRelayModule.forService(),
    DonationsHealthModule,
    DonationsPrivacyModule,
  ],
})
export class AppModule {}
