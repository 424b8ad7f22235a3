import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { anyone, authenticated, Policy } from '@spilno/auth';
import {
  RequestMeta,
  Subjects,
  TaskIdPayload,
  TaskView,
  UpdateTaskPayload,
} from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import { TaskDto, UpdateTaskDto } from './tasks.dto';

const ID_PARAM = { name: 'id', description: 'A task id; anything else is not found' };
const NOT_FOUND = 'No such task, or one the caller may not see (of a draft of another org)';
const NOT_ALLOWED = 'The caller may see the task but not act for its organization';

@ApiTags('initiatives')
@Controller('tasks')
export class TasksController {
  constructor(private readonly rpc: RpcClient) {}

  @Get(':id')
  @Policy(anyone)
  @ApiOperation({ summary: 'A task, with its slots and how many are filled' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: TaskDto })
  @ApiProblemResponse(404, NOT_FOUND)
  get(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<TaskView> {
    return this.rpc.send<TaskView, TaskIdPayload>(
      Subjects.initiatives.taskGet,
      { taskId: id },
      { meta },
    );
  }

  @Patch(':id')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change an open task' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: TaskDto })
  @ApiProblemResponse(400, 'Invalid input, or nothing to change')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'The task is closed, its initiative ended, or slots < filled')
  update(
    @Param('id') id: string,
    @Body() body: UpdateTaskDto,
    @Meta() meta: RequestMeta,
  ): Promise<TaskView> {
    return this.rpc.send<TaskView, UpdateTaskPayload>(
      Subjects.initiatives.taskUpdate,
      { taskId: id, changes: body },
      { meta },
    );
  }

  @Post(':id/close')
  @HttpCode(200)
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Close a task: it takes no more volunteers' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: TaskDto })
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'Already closed, or its initiative ended')
  close(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<TaskView> {
    return this.rpc.send<TaskView, TaskIdPayload>(
      Subjects.initiatives.taskClose,
      { taskId: id },
      { meta },
    );
  }
}
