import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsModule } from '../accounts/accounts.module';
import { User, UserSchema } from '../accounts/schemas/user.schema';
import { RefreshTokensRepository } from '../auth/refresh-tokens.repository';
import { RefreshToken, RefreshTokenSchema } from '../auth/schemas/refresh-token.schema';
import { UsersConfigModule } from '../config/users-config.module';
import { AccountRolesRepository } from './account-roles.repository';
import { CallerAbilities } from './caller-abilities';
import { FirstAdminBootstrap } from './first-admin.bootstrap';
import { RolesController } from './roles.controller';
import { RolesService } from './roles.service';
import { RoleGuard, RoleGuardSchema } from './schemas/role-guard.schema';

/**
 * Platform roles (researcher, admin) and the first admin. Exports `CallerAbilities`, the
 * database-backed CASL ability every module of this service checks documents against. Takes
 * the refresh-token repository directly rather than through AuthModule, which depends on the
 * organizations module, which depends on this one.
 */
@Module({
  imports: [
    UsersConfigModule,
    AccountsModule,
    MongooseModule.forFeature([
      { name: User.name, schema: UserSchema },
      { name: RefreshToken.name, schema: RefreshTokenSchema },
      { name: RoleGuard.name, schema: RoleGuardSchema },
    ]),
  ],
  controllers: [RolesController],
  providers: [
    AccountRolesRepository,
    CallerAbilities,
    RolesService,
    RefreshTokensRepository,
    FirstAdminBootstrap,
  ],
  exports: [CallerAbilities],
})
export class RolesModule {}
