import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { InKindController } from './in-kind.controller';
import { InKindRepository } from './in-kind.repository';
import { InKindService } from './in-kind.service';
import { InKindPledge, InKindPledgeSchema } from './schemas/in-kind-pledge.schema';

/** In-kind pledges against campaigns' needs, and their receipt. */
@Module({
  imports: [
    CampaignsModule,
    MongooseModule.forFeature([{ name: InKindPledge.name, schema: InKindPledgeSchema }]),
  ],
  controllers: [InKindController],
  providers: [InKindService, InKindRepository],
})
export class InKindModule {}
