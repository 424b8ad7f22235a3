import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsModule } from '../accounts/accounts.module';
import { UsersConfigModule } from '../config/users-config.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RefreshToken, RefreshTokenSchema } from './schemas/refresh-token.schema';
import { SignInAttempts, SignInAttemptsSchema } from './schemas/sign-in-attempts.schema';
import { SignInAttemptsRepository } from './sign-in-attempts.repository';
import { SignInThrottle } from './sign-in-throttle';

/** Registration, sign-in, refresh-token rotation, sign-out. */
@Module({
  imports: [
    UsersConfigModule,
    AccountsModule,
    MongooseModule.forFeature([
      { name: RefreshToken.name, schema: RefreshTokenSchema },
      { name: SignInAttempts.name, schema: SignInAttemptsSchema },
    ]),
  ],
  controllers: [AuthController],
  providers: [AuthService, RefreshTokensRepository, SignInAttemptsRepository, SignInThrottle],
})
export class AuthModule {}
