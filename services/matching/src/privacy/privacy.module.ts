import { Module } from '@nestjs/common';
import { PrivacyModule } from '@spilno/messaging';
import { MATCHING_PERSONAL_DATA } from './personal-data';

/** Answers `matching.subject.export.v1` and applies erasures, from the service's registry. */
@Module({
  imports: [PrivacyModule.forService('matching', { declarations: MATCHING_PERSONAL_DATA })],
})
export class MatchingPrivacyModule {}
