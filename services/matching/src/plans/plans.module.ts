import { Module } from '@nestjs/common';
import { MatchingIndexModule } from '../index/index.module';
import { PlansController } from './plans.controller';
import { PlansService } from './plans.service';

/** Assignment plans over the in-memory index. */
@Module({
  imports: [MatchingIndexModule],
  controllers: [PlansController],
  providers: [PlansService],
})
export class PlansModule {}
