import { Module } from '@nestjs/common';
import { serviceDatabase } from '@spilno/messaging';
import { InitiativesHealthModule } from './health/health.module';

/** The initiatives service: its own database (`initiatives` unless MONGODB_URI names one), its health responder. */
@Module({
  imports: [serviceDatabase('initiatives'), InitiativesHealthModule],
})
export class AppModule {}
