import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ReportPage, ReportView, Subjects, TaskView } from '@spilno/contracts';
import {
  CreateReportRequest,
  ListReportsRequest,
  ReportIdRequest,
  ReportTaskRequest,
  ReviewReportRequest,
} from './reports.dto';
import { ReportsService } from './reports.service';

@Controller()
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @MessagePattern(Subjects.initiatives.reportCreate)
  create(@Payload() request: CreateReportRequest): Promise<ReportView> {
    return this.reports.create(request.meta, request.data);
  }

  @MessagePattern(Subjects.initiatives.reportList)
  list(@Payload() request: ListReportsRequest): Promise<ReportPage> {
    return this.reports.list(request.meta, request.data);
  }

  @MessagePattern(Subjects.initiatives.reportGet)
  get(@Payload() request: ReportIdRequest): Promise<ReportView> {
    return this.reports.get(request.meta, request.data.reportId);
  }

  @MessagePattern(Subjects.initiatives.reportReview)
  review(@Payload() request: ReviewReportRequest): Promise<ReportView> {
    return this.reports.review(request.meta, request.data);
  }

  @MessagePattern(Subjects.initiatives.reportHandOff)
  handOff(@Payload() request: ReportTaskRequest): Promise<TaskView> {
    return this.reports.handOff(request.meta, request.data);
  }
}
