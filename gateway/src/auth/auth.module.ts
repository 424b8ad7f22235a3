import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';

/** Accounts and sign-in, answered by the users service. */
@Module({ controllers: [AuthController] })
export class AuthModule {}
