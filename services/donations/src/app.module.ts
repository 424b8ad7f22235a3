import { Module } from '@nestjs/common';
import { serviceDatabase } from '@spilno/messaging';
import { DonationsHealthModule } from './health/health.module';

/** The donations service: its own database (`donations` unless MONGODB_URI names one), its health responder. */
@Module({
  imports: [serviceDatabase('donations'), DonationsHealthModule],
})
export class AppModule {}
