import { Module } from '@nestjs/common';
import {
  ApplicationsController,
  MyApplicationsController,
  TaskApplicationsController,
} from './applications.controller';

/** Participation (co-delivery): applications to tasks and hours, answered by the initiatives service. */
@Module({
  controllers: [TaskApplicationsController, MyApplicationsController, ApplicationsController],
})
export class ApplicationsModule {}
