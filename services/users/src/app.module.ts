import { Module } from '@nestjs/common';
import { serviceDatabase } from '@spilno/messaging';
import { AuthModule } from './auth/auth.module';
import { UsersHealthModule } from './health/health.module';

/** The users service: its own database (`users` unless MONGODB_URI names one), its health responder. */
@Module({
  imports: [serviceDatabase('users'), UsersHealthModule, AuthModule],
})
export class AppModule {}
