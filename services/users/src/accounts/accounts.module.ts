import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { PasswordHasher } from './password-hasher';
import { PasswordPolicy } from './password-policy';
import { User, UserSchema } from './schemas/user.schema';

@Module({
  imports: [MongooseModule.forFeature([{ name: User.name, schema: UserSchema }])],
  controllers: [AccountsController],
  providers: [AccountsService, AccountsRepository, PasswordHasher, PasswordPolicy],
  exports: [AccountsService],
})
export class AccountsModule {}
