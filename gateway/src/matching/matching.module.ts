import { Module } from '@nestjs/common';
import {
  AssignmentPlanController,
  MyMatchingController,
  NotificationsController,
  TaskCandidatesController,
} from './matching.controller';

/** Recommendations, candidates, assignment plans and notifications, answered by the matching service. */
@Module({
  controllers: [
    MyMatchingController,
    TaskCandidatesController,
    AssignmentPlanController,
    NotificationsController,
  ],
})
export class MatchingModule {}
