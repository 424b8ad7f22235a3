import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { anyone, authenticated, Policy } from '@spilno/auth';
import {
  CreateReportPayload,
  ListReportsPayload,
  ReportIdPayload,
  ReportPage,
  ReportTaskPayload,
  ReportView,
  RequestMeta,
  ReviewReportPayload,
  Subjects,
  TaskView,
} from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import { TaskDto } from '../initiatives/tasks.dto';
import {
  CreateReportDto,
  ListReportsQuery,
  ReportDto,
  ReportPageDto,
  ReportTaskDto,
  ReviewReportDto,
} from './reports.dto';

const INITIATIVE_PARAM = { name: 'id', description: 'An initiative id' };
const REPORT_PARAM = { name: 'id', description: 'A report id' };
const INITIATIVE_NOT_FOUND = 'No such initiative, or one the caller may not see';
const NOT_FOUND = 'No such report, or one the caller may not see (new and rejected ones)';
const NOT_ALLOWED = 'Not a coordinator or owner of the initiative’s organization';

@ApiTags('co-monitoring')
@Controller('initiatives')
export class InitiativeReportsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post(':id/reports')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Report an observation on a published co-monitoring initiative',
    description: '201 `status: "new"`. Only the organizers see it until they verify it.',
  })
  @ApiParam(INITIATIVE_PARAM)
  @ApiCreatedResponse({ type: ReportDto })
  @ApiProblemResponse(400, 'Invalid input: place outside Ukraine, observedAt in the future, ...')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(404, INITIATIVE_NOT_FOUND)
  @ApiProblemResponse(409, 'Not a co-monitoring initiative, or not published')
  create(
    @Param('id') id: string,
    @Body() body: CreateReportDto,
    @Meta() meta: RequestMeta,
  ): Promise<ReportView> {
    return this.rpc.send<ReportView, CreateReportPayload>(
      Subjects.initiatives.reportCreate,
      { ...body, initiativeId: id },
      { meta },
    );
  }

  @Get(':id/reports')
  @Policy(anyone)
  @ApiOperation({
    summary: 'An initiative’s reports, newest first',
    description:
      'The public sees verified and resolved ones, placed to about 1 km, never who reported; ' +
      'organizers of the initiative’s organization see all of them, exactly placed.',
  })
  @ApiParam(INITIATIVE_PARAM)
  @ApiOkResponse({ type: ReportPageDto })
  @ApiProblemResponse(400, 'Invalid status, severity, limit or cursor')
  @ApiProblemResponse(404, INITIATIVE_NOT_FOUND)
  list(
    @Param('id') id: string,
    @Query() query: ListReportsQuery,
    @Meta() meta: RequestMeta,
  ): Promise<ReportPage> {
    return this.rpc.send<ReportPage, ListReportsPayload>(
      Subjects.initiatives.reportList,
      { ...query, initiativeId: id },
      { meta },
    );
  }
}

@ApiTags('co-monitoring')
@Controller('reports')
export class ReportsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get(':id')
  @Policy(anyone)
  @ApiOperation({ summary: 'A report, as the caller may see it' })
  @ApiParam(REPORT_PARAM)
  @ApiOkResponse({ type: ReportDto })
  @ApiProblemResponse(404, NOT_FOUND)
  get(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<ReportView> {
    return this.rpc.send<ReportView, ReportIdPayload>(
      Subjects.initiatives.reportGet,
      { reportId: id },
      { meta },
    );
  }

  @Patch(':id')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Triage a report (coordinators and owners)' })
  @ApiParam(REPORT_PARAM)
  @ApiOkResponse({ type: ReportDto })
  @ApiProblemResponse(400, 'Invalid status or response')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'The status cannot follow the current one')
  review(
    @Param('id') id: string,
    @Body() body: ReviewReportDto,
    @Meta() meta: RequestMeta,
  ): Promise<ReportView> {
    return this.rpc.send<ReportView, ReviewReportPayload>(
      Subjects.initiatives.reportReview,
      { ...body, reportId: id },
      { meta },
    );
  }

  @Post(':id/task')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Turn a verified report into a co-delivery task',
    description:
      'On a co-delivery initiative of the caller’s organization; the task carries ' +
      '`sourceReportId` and the report `taskId`, written together.',
  })
  @ApiParam(REPORT_PARAM)
  @ApiCreatedResponse({ type: TaskDto })
  @ApiProblemResponse(400, 'Invalid task fields')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, `${NOT_ALLOWED}, or of the target initiative’s`)
  @ApiProblemResponse(404, `${NOT_FOUND}; or no such target initiative`)
  @ApiProblemResponse(
    409,
    'The report is not verified or already has a task; the target initiative is not ' +
      'co-delivery, or ended',
  )
  handOff(
    @Param('id') id: string,
    @Body() body: ReportTaskDto,
    @Meta() meta: RequestMeta,
  ): Promise<TaskView> {
    return this.rpc.send<TaskView, ReportTaskPayload>(
      Subjects.initiatives.reportHandOff,
      { ...body, reportId: id },
      { meta },
    );
  }
}
