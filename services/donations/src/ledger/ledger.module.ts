import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { LedgerController } from './ledger.controller';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';
import { LedgerWriter } from './ledger-writer';
import { LedgerEntry, LedgerEntrySchema } from './schemas/ledger-entry.schema';

/** The public ledger: reading and verifying it; exports the writer the money modules append with. */
@Module({
  imports: [
    CampaignsModule,
    MongooseModule.forFeature([{ name: LedgerEntry.name, schema: LedgerEntrySchema }]),
  ],
  controllers: [LedgerController],
  providers: [LedgerRepository, LedgerService, LedgerWriter],
  exports: [LedgerWriter],
})
export class LedgerModule {}
