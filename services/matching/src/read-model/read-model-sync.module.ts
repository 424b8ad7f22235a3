import { Module } from '@nestjs/common';
import { MatchingIndexModule } from '../index/index.module';
import { OutreachModule } from '../outreach/outreach.module';
import { MatchingPrivacyModule } from '../privacy/privacy.module';
import { ReadModelModule } from './read-model.module';
import { ReadModelSync } from './read-model.sync';

/** The durable consumer (MongoDB, outreach) and this replica's follower (the index). */
@Module({
  imports: [ReadModelModule, MatchingIndexModule, OutreachModule, MatchingPrivacyModule],
  providers: [ReadModelSync],
  exports: [ReadModelSync],
})
export class ReadModelSyncModule {}
