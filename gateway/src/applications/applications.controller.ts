import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { authenticated, Policy } from '@spilno/auth';
import {
  ApplicationIdPayload,
  ApplicationView,
  ApplyPayload,
  CompleteApplicationPayload,
  DomainError,
  ErrorCode,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_PATTERN,
  ListMyApplicationsPayload,
  ListTaskApplicationsPayload,
  MyApplicationPage,
  RequestMeta,
  Subjects,
  TaskApplicationPage,
} from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import {
  ApplicationDto,
  ApplyDto,
  CompleteApplicationDto,
  ListMyApplicationsQuery,
  ListTaskApplicationsQuery,
  MyApplicationPageDto,
  TaskApplicationPageDto,
} from './applications.dto';

const TASK_PARAM = { name: 'id', description: 'A task id; anything else is not found' };
const APPLICATION_PARAM = { name: 'id', description: 'An application id' };
const TASK_NOT_FOUND = 'No such task, or one the caller may not see (of a draft of another org)';
const NOT_FOUND = 'No such application, or not the caller’s nor of their organization';
const NOT_ALLOWED = 'Only coordinators and owners of the task’s organization take this step';
const WRONG_STATUS = 'The application is not in a status this step starts from';

/** One step of an application's lifecycle: `POST /applications/:id/<step>`, answering it. */
function ApplicationStep(step: string) {
  return applyDecorators(
    Post(`:id/${step}`),
    HttpCode(200),
    Policy(authenticated),
    ApiParam(APPLICATION_PARAM),
    ApiOkResponse({ type: ApplicationDto }),
    ApiProblemResponse(401, 'No or invalid access token'),
    ApiProblemResponse(404, NOT_FOUND),
  );
}

@ApiTags('participation')
@ApiBearerAuth()
@Controller('tasks')
export class TaskApplicationsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post(':id/applications')
  @Policy(authenticated)
  @ApiOperation({
    summary: 'Apply to a task',
    description:
      '`pending`; with `autoAccept`, `accepted` when a slot is free and `waitlisted` when the ' +
      'task is full. The body is a JSON object (`{}` is fine). With `Idempotency-Key`, a ' +
      'repeat with the same body answers the first answer (for 24 hours); with another body, 422.',
  })
  @ApiParam(TASK_PARAM)
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description: '1..200 visible ASCII characters, e.g. a UUID',
  })
  @ApiCreatedResponse({ type: ApplicationDto })
  @ApiProblemResponse(400, 'Invalid body or Idempotency-Key')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(404, TASK_NOT_FOUND)
  @ApiProblemResponse(
    409,
    'Already applied, the task is closed, its initiative is not published, or the shift ' +
      'overlaps another one the caller is accepted for',
  )
  @ApiProblemResponse(422, 'The Idempotency-Key was used with another body')
  apply(
    @Param('id') id: string,
    @Body() body: ApplyDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Meta() meta: RequestMeta,
  ): Promise<ApplicationView> {
    const payload: ApplyPayload = { ...body, taskId: id };
    if (idempotencyKey !== undefined) {
      if (!IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
        throw new DomainError(ErrorCode.Validation, 'the request is invalid', [
          {
            field: IDEMPOTENCY_KEY_HEADER,
            message: `${IDEMPOTENCY_KEY_HEADER} must be 1..200 visible ASCII characters`,
          },
        ]);
      }
      payload.idempotencyKey = idempotencyKey;
    }
    return this.rpc.send<ApplicationView, ApplyPayload>(
      Subjects.initiatives.applicationCreate,
      payload,
      { meta },
    );
  }

  @Get(':id/applications')
  @Policy(authenticated)
  @ApiOperation({
    summary: 'A task’s applications, oldest first (coordinators and owners)',
    description:
      'Each with what the volunteer shares by applying: display name, skills, languages, ' +
      'region, district, availability, and the contact they chose to give. Never an email.',
  })
  @ApiParam(TASK_PARAM)
  @ApiOkResponse({ type: TaskApplicationPageDto })
  @ApiProblemResponse(400, 'Invalid status, limit or cursor')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, 'Not a coordinator or owner of the task’s organization')
  @ApiProblemResponse(404, TASK_NOT_FOUND)
  list(
    @Param('id') id: string,
    @Query() query: ListTaskApplicationsQuery,
    @Meta() meta: RequestMeta,
  ): Promise<TaskApplicationPage> {
    return this.rpc.send<TaskApplicationPage, ListTaskApplicationsPayload>(
      Subjects.initiatives.applicationList,
      { ...query, taskId: id },
      { meta },
    );
  }
}

@ApiTags('participation')
@ApiBearerAuth()
@Controller('me')
export class MyApplicationsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('applications')
  @Policy(authenticated)
  @ApiOperation({
    summary: 'The caller’s applications, newest first',
    description: 'With task and initiative titles, verified hours, and the caller’s totals.',
  })
  @ApiOkResponse({ type: MyApplicationPageDto })
  @ApiProblemResponse(400, 'Invalid status, limit or cursor')
  @ApiProblemResponse(401, 'No or invalid access token')
  mine(
    @Query() query: ListMyApplicationsQuery,
    @Meta() meta: RequestMeta,
  ): Promise<MyApplicationPage> {
    return this.rpc.send<MyApplicationPage, ListMyApplicationsPayload>(
      Subjects.initiatives.applicationListMine,
      { ...query },
      { meta },
    );
  }
}

@ApiTags('participation')
@ApiBearerAuth()
@Controller('applications')
export class ApplicationsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get(':id')
  @Policy(authenticated)
  @ApiOperation({ summary: 'An application (the volunteer’s, or of the caller’s organization)' })
  @ApiParam(APPLICATION_PARAM)
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(404, NOT_FOUND)
  get(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<ApplicationView> {
    return this.send(Subjects.initiatives.applicationGet, id, meta);
  }

  @ApplicationStep('accept')
  @ApiOperation({ summary: 'Accept a pending or waitlisted application: it takes a slot' })
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(
    409,
    `${WRONG_STATUS}; the task is full or closed; or the shift overlaps another one the ` +
      'volunteer is accepted for',
  )
  accept(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<ApplicationView> {
    return this.send(Subjects.initiatives.applicationAccept, id, meta);
  }

  @ApplicationStep('reject')
  @ApiOperation({
    summary: 'Reject a pending, waitlisted or accepted application',
    description: 'An accepted one frees its slot: the first waitlisted volunteer is promoted.',
  })
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(409, WRONG_STATUS)
  reject(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<ApplicationView> {
    return this.send(Subjects.initiatives.applicationReject, id, meta);
  }

  @ApplicationStep('withdraw')
  @ApiOperation({
    summary: 'Withdraw one’s application before completion',
    description: 'An accepted one frees its slot: the first waitlisted volunteer is promoted.',
  })
  @ApiProblemResponse(403, 'Only the volunteer withdraws')
  @ApiProblemResponse(409, WRONG_STATUS)
  withdraw(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<ApplicationView> {
    return this.send(Subjects.initiatives.applicationWithdraw, id, meta);
  }

  @ApplicationStep('check-in')
  @ApiOperation({ summary: 'Check in an accepted volunteer at the shift' })
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(409, WRONG_STATUS)
  checkIn(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<ApplicationView> {
    return this.send(Subjects.initiatives.applicationCheckIn, id, meta);
  }

  @ApplicationStep('complete')
  @ApiOperation({
    summary: 'Complete a checked-in application with verified hours',
    description: 'The hours count toward the volunteer’s record and the initiative’s stats.',
  })
  @ApiProblemResponse(400, 'hours outside 0..24 or not in quarter hours')
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(409, WRONG_STATUS)
  complete(
    @Param('id') id: string,
    @Body() body: CompleteApplicationDto,
    @Meta() meta: RequestMeta,
  ): Promise<ApplicationView> {
    return this.rpc.send<ApplicationView, CompleteApplicationPayload>(
      Subjects.initiatives.applicationComplete,
      { applicationId: id, hours: body.hours },
      { meta },
    );
  }

  @ApplicationStep('no-show')
  @ApiOperation({
    summary: 'Record that an accepted or checked-in volunteer did not come',
    description: 'The slot stays taken (the shift was theirs).',
  })
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(409, WRONG_STATUS)
  noShow(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<ApplicationView> {
    return this.send(Subjects.initiatives.applicationNoShow, id, meta);
  }

  private send(subject: string, id: string, meta: RequestMeta): Promise<ApplicationView> {
    return this.rpc.send<ApplicationView, ApplicationIdPayload>(
      subject,
      { applicationId: id },
      { meta },
    );
  }
}
