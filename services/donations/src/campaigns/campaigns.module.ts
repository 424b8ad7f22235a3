import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { InitiativesConsumers } from '../initiatives/initiatives.consumers';
import { InitiativesModule } from '../initiatives/initiatives.module';
import { CampaignAccess } from './campaign-access';
import { CampaignsController } from './campaigns.controller';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';
import { Campaign, CampaignSchema } from './schemas/campaign.schema';

/**
 * Campaigns and an initiative's funding. Exports what the money modules need: the repository
 * (totals, in-kind counters) and the access checks.
 */
@Module({
  imports: [
    InitiativesModule,
    MongooseModule.forFeature([{ name: Campaign.name, schema: CampaignSchema }]),
  ],
  controllers: [CampaignsController],
  providers: [CampaignsService, CampaignsRepository, CampaignAccess, InitiativesConsumers],
  exports: [CampaignsRepository, CampaignAccess],
})
export class CampaignsModule {}
