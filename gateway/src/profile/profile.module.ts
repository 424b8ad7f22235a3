import { Module } from '@nestjs/common';
import { MeController } from './me.controller';
import { SkillsController } from './skills.controller';
import { UsersController } from './users.controller';

/** Profiles (the caller's and other people's) and the skills taxonomy, answered by users. */
@Module({ controllers: [MeController, UsersController, SkillsController] })
export class ProfileModule {}
