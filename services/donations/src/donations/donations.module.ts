import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { LedgerModule } from '../ledger/ledger.module';
import { PeopleModule } from '../people/people.module';
import { ManualConfirmation } from './confirmation';
import { DonationsController } from './donations.controller';
import { DonationsRepository } from './donations.repository';
import { DonationsService } from './donations.service';
import { Donation, DonationSchema } from './schemas/donation.schema';

/** Pledges, their confirmation (through a `DonationConfirmer`) and refunds. */
@Module({
  imports: [
    CampaignsModule,
    LedgerModule,
    PeopleModule,
    MongooseModule.forFeature([{ name: Donation.name, schema: DonationSchema }]),
  ],
  controllers: [DonationsController],
  providers: [DonationsService, DonationsRepository, ManualConfirmation],
})
export class DonationsModule {}
