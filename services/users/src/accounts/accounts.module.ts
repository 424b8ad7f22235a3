import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { PasswordHasher } from './password-hasher';
import { PasswordPolicy } from './password-policy';
import { User, UserSchema } from './schemas/user.schema';

/** The users collection: registration and credentials here; profiles build on the repository. */
@Module({
  imports: [MongooseModule.forFeature([{ name: User.name, schema: UserSchema }])],
  providers: [AccountsService, AccountsRepository, PasswordHasher, PasswordPolicy],
  exports: [AccountsService, AccountsRepository],
})
export class AccountsModule {}
