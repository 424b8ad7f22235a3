import { Module } from '@nestjs/common';
import { HealthModule } from '@spilno/messaging';
import { version } from '../../package.json';

/** Answers `HEALTH_SUBJECTS.donations`; the gateway's readiness check asks it. */
@Module({
  imports: [HealthModule.forService('donations', { version })],
})
export class DonationsHealthModule {}
