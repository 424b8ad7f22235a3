import { Module } from '@nestjs/common';
import { InitiativeReportsController, ReportsController } from './reports.controller';

/** Co-monitoring: reports and their hand-off to tasks, answered by the initiatives service. */
@Module({ controllers: [InitiativeReportsController, ReportsController] })
export class ReportsModule {}
