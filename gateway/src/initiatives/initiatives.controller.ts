import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
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
  CreateInitiativePayload,
  CreateTaskPayload,
  InitiativeIdPayload,
  InitiativePage,
  InitiativeView,
  ListTasksPayload,
  RequestMeta,
  SearchInitiativesPayload,
  Subjects,
  TaskPage,
  TaskView,
  UpdateInitiativePayload,
} from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import {
  CreateInitiativeDto,
  InitiativeDto,
  InitiativePageDto,
  UpdateInitiativeDto,
} from './initiatives.dto';
import { ListTasksQuery, SearchInitiativesQuery, toSearchPayload } from './search.dto';
import { CreateTaskDto, TaskDto, TaskPageDto } from './tasks.dto';

const ID_PARAM = { name: 'id', description: 'An initiative id; anything else is not found' };
const NOT_FOUND = 'No such initiative, or one the caller may not see (a draft of another org)';
const NOT_ALLOWED = 'The caller may see the initiative but not act for its organization';

@ApiTags('initiatives')
@Controller('initiatives')
export class InitiativesController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Create a draft initiative for an organization',
    description: 'The caller must be an owner or coordinator of the (verified) organization.',
  })
  @ApiCreatedResponse({ type: InitiativeDto })
  @ApiProblemResponse(400, 'Invalid input: unknown field, wrong type, bad dates or place, ...')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, 'Not a member of this verified organization')
  create(@Body() body: CreateInitiativeDto, @Meta() meta: RequestMeta): Promise<InitiativeView> {
    return this.rpc.send<InitiativeView, CreateInitiativePayload>(
      Subjects.initiatives.initiativeCreate,
      body,
      { meta },
    );
  }

  @Get()
  @Policy(anyone)
  @ApiOperation({
    summary: 'Search initiatives',
    description:
      'Published and completed initiatives, newest published first; with near= nearest first. ' +
      'Filters combine (all must hold). Cursor paging is stable under inserts.',
  })
  @ApiOkResponse({ type: InitiativePageDto })
  @ApiProblemResponse(400, 'Invalid filter, limit above 100, malformed cursor, q with near, ...')
  search(
    @Query() query: SearchInitiativesQuery,
    @Meta() meta: RequestMeta,
  ): Promise<InitiativePage> {
    return this.rpc.send<InitiativePage, SearchInitiativesPayload>(
      Subjects.initiatives.initiativeSearch,
      toSearchPayload(query),
      { meta },
    );
  }

  @Get(':id')
  @Policy(anyone)
  @ApiOperation({ summary: 'An initiative, with its stats' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: InitiativeDto })
  @ApiProblemResponse(404, NOT_FOUND)
  get(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<InitiativeView> {
    return this.rpc.send<InitiativeView, InitiativeIdPayload>(
      Subjects.initiatives.initiativeGet,
      { initiativeId: id },
      { meta },
    );
  }

  @Patch(':id')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Change a draft or published initiative',
    description: 'Any field but organizationId and mode; `null` clears the optional ones.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: InitiativeDto })
  @ApiProblemResponse(400, 'Invalid input, or nothing to change')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'The initiative is completed or cancelled')
  update(
    @Param('id') id: string,
    @Body() body: UpdateInitiativeDto,
    @Meta() meta: RequestMeta,
  ): Promise<InitiativeView> {
    return this.rpc.send<InitiativeView, UpdateInitiativePayload>(
      Subjects.initiatives.initiativeUpdate,
      { initiativeId: id, changes: body },
      { meta },
    );
  }

  @Post(':id/publish')
  @HttpCode(200)
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Publish a draft: anyone may now find it' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: InitiativeDto })
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'Not a draft')
  publish(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<InitiativeView> {
    return this.lifecycle(Subjects.initiatives.initiativePublish, id, meta);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Complete a published initiative; its open tasks close' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: InitiativeDto })
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'Not published')
  complete(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<InitiativeView> {
    return this.lifecycle(Subjects.initiatives.initiativeComplete, id, meta);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Cancel a draft or published initiative; its open tasks close' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: InitiativeDto })
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'Already completed or cancelled')
  cancel(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<InitiativeView> {
    return this.lifecycle(Subjects.initiatives.initiativeCancel, id, meta);
  }

  @Post(':id/tasks')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Add a task (a shift with slots)',
    description: 'Only to co-delivery and co-monitoring initiatives that are drafts or published.',
  })
  @ApiParam(ID_PARAM)
  @ApiCreatedResponse({ type: TaskDto })
  @ApiProblemResponse(400, 'Invalid input: slots out of 1..10000, shift ends before it starts, ...')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'A co-design initiative, or one completed or cancelled')
  createTask(
    @Param('id') id: string,
    @Body() body: CreateTaskDto,
    @Meta() meta: RequestMeta,
  ): Promise<TaskView> {
    return this.rpc.send<TaskView, CreateTaskPayload>(
      Subjects.initiatives.taskCreate,
      { ...body, initiativeId: id },
      { meta },
    );
  }

  @Get(':id/tasks')
  @Policy(anyone)
  @ApiOperation({ summary: "An initiative's tasks, by shift start" })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: TaskPageDto })
  @ApiProblemResponse(400, 'Invalid status, limit or cursor')
  @ApiProblemResponse(404, NOT_FOUND)
  tasks(
    @Param('id') id: string,
    @Query() query: ListTasksQuery,
    @Meta() meta: RequestMeta,
  ): Promise<TaskPage> {
    return this.rpc.send<TaskPage, ListTasksPayload>(
      Subjects.initiatives.taskList,
      { ...query, initiativeId: id },
      { meta },
    );
  }

  private lifecycle(subject: string, id: string, meta: RequestMeta): Promise<InitiativeView> {
    return this.rpc.send<InitiativeView, InitiativeIdPayload>(
      subject,
      { initiativeId: id },
      { meta },
    );
  }
}
