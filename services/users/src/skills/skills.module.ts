import { Module } from '@nestjs/common';
import { SkillsController } from './skills.controller';
import { SkillsTaxonomy } from './skills-taxonomy';

/** The skills taxonomy, loaded and checked once at start (a broken file stops the service). */
@Module({
  controllers: [SkillsController],
  providers: [{ provide: SkillsTaxonomy, useFactory: () => SkillsTaxonomy.load() }],
  exports: [SkillsTaxonomy],
})
export class SkillsModule {}
