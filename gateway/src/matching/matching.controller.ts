import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { authenticated, Policy } from '@spilno/auth';
import {
  DomainError,
  ErrorCode,
  OBJECT_ID_PATTERN,
  Subjects,
  type AssignmentPlanPayload,
  type AssignmentPlanView,
  type CandidatesPayload,
  type CandidateView,
  type ListNotificationsPayload,
  type NotificationIdPayload,
  type NotificationPage,
  type NotificationView,
  type RecommendationsPayload,
  type RecommendationView,
  type RequestMeta,
} from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import {
  AssignmentPlanDto,
  AssignmentPlanResponseDto,
  CandidateDto,
  ListNotificationsQuery,
  NotificationDto,
  NotificationPageDto,
  RankingQuery,
  RecommendationDto,
} from './matching.dto';

const TASK_PARAM = { name: 'id', description: 'A task id; anything else is not found' };
const INITIATIVE_PARAM = {
  name: 'id',
  description: 'An initiative id; anything else is not found',
};
const NOTIFICATION_PARAM = { name: 'id', description: 'A notification id of the caller' };
const ORGANIZERS_ONLY = 'Not a coordinator or owner of its organization';

/** An id of another form names nothing: 404 here, without asking the service. */
function idOrNotFound(id: string, what: string): string {
  if (!OBJECT_ID_PATTERN.test(id)) throw new DomainError(ErrorCode.NotFound, `no such ${what}`);
  return id;
}

@ApiTags('matching')
@ApiBearerAuth()
@Controller('me')
export class MyMatchingController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('recommendations')
  @Policy(authenticated)
  @ApiOperation({
    summary: 'Open tasks the caller can take, best first, with reasons',
    description:
      'Tasks of published initiatives with a free slot whose shift starts later, within reach ' +
      '(100 km, or the same region), requiring a skill the caller has (or none), not ' +
      'overlapping a shift the caller is accepted for and within their weekly hours, not ' +
      'applied to yet. `reasons` are in the caller’s locale. Empty until the profile reached ' +
      'the matching service (seconds after registering).',
  })
  @ApiOkResponse({ type: [RecommendationDto] })
  @ApiProblemResponse(400, 'Invalid limit')
  @ApiProblemResponse(401, 'No or invalid access token')
  recommendations(
    @Query() query: RankingQuery,
    @Meta() meta: RequestMeta,
  ): Promise<RecommendationView[]> {
    return this.rpc.send<RecommendationView[], RecommendationsPayload>(
      Subjects.matching.recommendationList,
      { ...query },
      { meta },
    );
  }

  @Get('notifications')
  @Policy(authenticated)
  @ApiOperation({
    summary: 'The caller’s notifications, newest first',
    description:
      'Urgent tasks the caller fits (at most 3 a day), in their locale when sent. ' +
      '`unread=true`: only those not yet read.',
  })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiProblemResponse(400, 'Invalid unread, limit or cursor')
  @ApiProblemResponse(401, 'No or invalid access token')
  notifications(
    @Query() query: ListNotificationsQuery,
    @Meta() meta: RequestMeta,
  ): Promise<NotificationPage> {
    return this.rpc.send<NotificationPage, ListNotificationsPayload>(
      Subjects.matching.notificationList,
      { ...query },
      { meta },
    );
  }
}

@ApiTags('matching')
@ApiBearerAuth()
@Controller('tasks')
export class TaskCandidatesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get(':id/candidates')
  @Policy(authenticated)
  @ApiOperation({
    summary: 'Contactable volunteers for a task, best first (coordinators and owners)',
    description:
      'Only volunteers who are `contactable`, and only what they let organizers see: id, ' +
      'display name, skills. Ranked like recommendations; `reasons` in the caller’s locale. ' +
      'Those who already applied are in the task’s applications instead.',
  })
  @ApiParam(TASK_PARAM)
  @ApiOkResponse({ type: [CandidateDto] })
  @ApiProblemResponse(400, 'Invalid limit')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, ORGANIZERS_ONLY)
  @ApiProblemResponse(404, 'No such task, or one the caller may not see')
  candidates(
    @Param('id') id: string,
    @Query() query: RankingQuery,
    @Meta() meta: RequestMeta,
  ): Promise<CandidateView[]> {
    return this.rpc.send<CandidateView[], CandidatesPayload>(
      Subjects.matching.candidateList,
      { ...query, taskId: idOrNotFound(id, 'task') },
      { meta },
    );
  }
}

@ApiTags('matching')
@ApiBearerAuth()
@Controller('initiatives')
export class AssignmentPlanController {
  constructor(private readonly rpc: RpcClient) {}

  @Post(':id/assignment-plan')
  @HttpCode(200)
  @Policy(authenticated)
  @ApiOperation({
    summary: 'A suggested assignment of volunteers to the initiative’s open tasks',
    description:
      'Maximises the total score exactly (min-cost flow), each task up to its open slots, each ' +
      'contactable volunteer in at most one task, respecting their accepted shifts and weekly ' +
      'hours; `unfilled` says what stays open and why. Nobody is assigned or told: a ' +
      'suggestion. The body is a JSON object (`{}` for all open tasks).',
  })
  @ApiParam(INITIATIVE_PARAM)
  @ApiOkResponse({ type: AssignmentPlanResponseDto })
  @ApiProblemResponse(400, 'Invalid body')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, ORGANIZERS_ONLY)
  @ApiProblemResponse(404, 'No such initiative, or one the caller may not see')
  @ApiProblemResponse(422, 'taskIds name tasks of another initiative')
  plan(
    @Param('id') id: string,
    @Body() body: AssignmentPlanDto,
    @Meta() meta: RequestMeta,
  ): Promise<AssignmentPlanView> {
    return this.rpc.send<AssignmentPlanView, AssignmentPlanPayload>(
      Subjects.matching.assignmentPlanCreate,
      { ...body, initiativeId: idOrNotFound(id, 'initiative') },
      { meta },
    );
  }
}

@ApiTags('matching')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post(':id/read')
  @HttpCode(200)
  @Policy(authenticated)
  @ApiOperation({ summary: 'Mark one of the caller’s notifications read' })
  @ApiParam(NOTIFICATION_PARAM)
  @ApiOkResponse({ type: NotificationDto })
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(404, 'No such notification, or another person’s')
  read(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<NotificationView> {
    return this.rpc.send<NotificationView, NotificationIdPayload>(
      Subjects.matching.notificationRead,
      { notificationId: idOrNotFound(id, 'notification') },
      { meta },
    );
  }
}
