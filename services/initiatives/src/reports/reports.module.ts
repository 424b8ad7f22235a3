import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { InitiativesModule } from '../initiatives/initiatives.module';
import { TasksModule } from '../tasks/tasks.module';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';
import { Report, ReportSchema } from './schemas/report.schema';

/** Co-monitoring: reports, their triage, and their hand-off to co-delivery tasks. */
@Module({
  imports: [
    InitiativesModule,
    TasksModule,
    MongooseModule.forFeature([{ name: Report.name, schema: ReportSchema }]),
  ],
  controllers: [ReportsController],
  providers: [ReportsService, ReportsRepository],
})
export class ReportsModule {}
