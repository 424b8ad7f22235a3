import { Module } from '@nestjs/common';
import { AuthController, MeController } from './auth.controller';

/** Accounts and sign-in, answered by the users service. */
@Module({ controllers: [AuthController, MeController] })
export class AuthModule {}
