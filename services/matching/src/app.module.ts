import { Module } from '@nestjs/common';
import { OutboxRelayModule, serviceDatabase } from '@spilno/messaging';
import { MatchingHealthModule } from './health/health.module';
import { MatchingPrivacyModule } from './privacy/privacy.module';

/**
 * The matching service: its own database (`matching` unless MONGODB_URI names one), its link to
 * JetStream (the event stream, its outbox relay), its health responder, and data-subject rights.
 */
@Module({
  imports: [
    serviceDatabase('matching'),
    OutboxRelayModule.forService(),
    MatchingHealthModule,
    MatchingPrivacyModule,
  ],
})
export class AppModule {}
