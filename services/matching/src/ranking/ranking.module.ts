import { Module } from '@nestjs/common';
import { MatchingIndexModule } from '../index/index.module';
import { RankingController } from './ranking.controller';
import { RankingService } from './ranking.service';
import { SkillNames } from './skill-names';

/** Recommendations and candidates; the skills taxonomy's names for reasons. */
@Module({
  imports: [MatchingIndexModule],
  controllers: [RankingController],
  providers: [RankingService, SkillNames],
  exports: [SkillNames],
})
export class RankingModule {}
