import { Module } from '@nestjs/common';
import { CampaignsController } from './campaigns.controller';
import { DonationsController } from './donations.controller';
import { InitiativeCampaignsController } from './initiative-campaigns.controller';
import { InKindPledgesController } from './in-kind-pledges.controller';

/** Campaigns, donations, expenses, in-kind goods and the public ledger (donations service). */
@Module({
  controllers: [
    InitiativeCampaignsController,
    CampaignsController,
    DonationsController,
    InKindPledgesController,
  ],
})
export class DonationsModule {}
