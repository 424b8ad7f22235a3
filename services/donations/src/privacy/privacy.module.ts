import { Module } from '@nestjs/common';
import { PrivacyModule } from '@spilno/messaging';
import { DONATIONS_PERSONAL_DATA } from './personal-data';

/** Answers `donations.subject.export.v1` and applies erasures, from the service's registry. */
@Module({
  imports: [PrivacyModule.forService('donations', { declarations: DONATIONS_PERSONAL_DATA })],
})
export class DonationsPrivacyModule {}
