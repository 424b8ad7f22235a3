import { Module } from '@nestjs/common';
import { serviceDatabase } from '@spilno/messaging';
import { MatchingHealthModule } from './health/health.module';

/** The matching service: its own database (`matching` unless MONGODB_URI names one), its health responder. */
@Module({
  imports: [serviceDatabase('matching'), MatchingHealthModule],
})
export class AppModule {}
