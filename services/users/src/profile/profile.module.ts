import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { SkillsModule } from '../skills/skills.module';
import { ProfileController } from './profile.controller';
import { ProfileService } from './profile.service';

/** Profiles: the caller's own (read, update), and other people as CASL field rules allow. */
@Module({
  imports: [AccountsModule, SkillsModule],
  controllers: [ProfileController],
  providers: [ProfileService],
})
export class ProfileModule {}
