import { Module } from '@nestjs/common';
import { PrivacyModule } from '@spilno/messaging';
import { INITIATIVES_PERSONAL_DATA } from './personal-data';

/** Answers `initiatives.subject.export.v1` and applies erasures, from the service's registry. */
@Module({
  imports: [PrivacyModule.forService('initiatives', { declarations: INITIATIVES_PERSONAL_DATA })],
})
export class InitiativesPrivacyModule {}
