import { Module } from '@nestjs/common';
import { OutboxRelayModule, serviceDatabase } from '@spilno/messaging';
import { DonationsHealthModule } from './health/health.module';
import { DonationsPrivacyModule } from './privacy/privacy.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { DonationsConfigModule } from './config/donations-config.module';
import { DonationsModule } from './donations/donations.module';
import { ExpensesModule } from './expenses/expenses.module';
import { InKindModule } from './in-kind/in-kind.module';
import { InitiativesModule } from './initiatives/initiatives.module';
import { LedgerModule } from './ledger/ledger.module';
import { PeopleModule } from './people/people.module';

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
    DonationsConfigModule,
    InitiativesModule,
    PeopleModule,
    CampaignsModule,
    LedgerModule,
    DonationsModule,
    ExpensesModule,
    InKindModule,
  ],
})
export class AppModule {}
