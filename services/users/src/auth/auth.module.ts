import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsModule } from '../accounts/accounts.module';
import { UsersConfig } from '../config/users.config';
import { UsersConfigModule } from '../config/users-config.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { FairHashingGate } from './hashing-gate';
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
    OrganizationsModule,
    MongooseModule.forFeature([
      { name: RefreshToken.name, schema: RefreshTokenSchema },
      { name: SignInAttempts.name, schema: SignInAttemptsSchema },
    ]),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    RefreshTokensRepository,
    SignInAttemptsRepository,
    SignInThrottle,
    {
      provide: FairHashingGate,
      inject: [UsersConfig],
      useFactory: (config: UsersConfig) =>
        new FairHashingGate(
          config.PASSWORD_HASH_CONCURRENCY,
          config.PASSWORD_HASH_QUEUE_PER_CLIENT,
        ),
    },
  ],
})
export class AuthModule {}
