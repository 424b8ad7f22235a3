import { Module } from '@nestjs/common';
import type { EventEnvelope, UserErasedEvent } from '@spilno/contracts';
import {
  ERASURE_CONSUMER_OPTIONS,
  ErasureConsumer,
  PrivacyModule,
  type ErasureConsumerOptions,
} from '@spilno/messaging';
import { MatchingIndex } from '../index/matching-index';
import { MatchingIndexModule } from '../index/index.module';
import { MATCHING_PERSONAL_DATA } from './personal-data';

/**
 * Answers `matching.subject.export.v1` and applies erasures, from the service's registry. The
 * erasure consumer is the library's (durable `matching-subject-erasure`), given a hook: once an
 * erasure committed, the person also leaves this replica's in-memory index.
 */
@Module({
  imports: [
    MatchingIndexModule,
    PrivacyModule.forService('matching', {
      declarations: MATCHING_PERSONAL_DATA,
      erasureConsumer: false,
    }),
  ],
  providers: [
    {
      provide: ERASURE_CONSUMER_OPTIONS,
      inject: [MatchingIndex],
      useFactory: (index: MatchingIndex): ErasureConsumerOptions => ({
        afterCommit: (event: EventEnvelope) => {
          const userId = (event.data as Partial<UserErasedEvent> | null)?.userId;
          if (typeof userId === 'string') index.forget(userId);
        },
      }),
    },
    ErasureConsumer,
  ],
  exports: [PrivacyModule],
})
export class MatchingPrivacyModule {}
