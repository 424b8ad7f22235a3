import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
} from 'class-validator';
import {
  MATCHING_LIMITS,
  NOTIFICATION_KINDS,
  OBJECT_ID_PATTERN,
  REGION_CODES,
  TASK_URGENCIES,
  UNFILLED_REASONS,
  type AssignmentPlanView,
  type CandidateView,
  type MatchedTaskView,
  type NotificationKind,
  type NotificationPage,
  type NotificationView,
  type PlannedAssignment,
  type RecommendationView,
  type RegionCode,
  type TaskUrgency,
  type UnfilledReason,
  type UnfilledTask,
} from '@spilno/contracts';
import { PageQuery } from '../applications/page.query';
import { QueryNumber } from '../initiatives/validators';
import { GeoPointDto, UserSkillDto } from '../profile/profile.dto';

// The matching service validates these again; limits here keep junk off the bus.

/** A query-string boolean: `true` / `false`; anything else stays as sent and fails. */
const QueryBoolean = () =>
  Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  );

/** `GET /me/recommendations`, `GET /tasks/:id/candidates` */
export class RankingQuery {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MATCHING_LIMITS.rankingLimitMax,
    default: MATCHING_LIMITS.rankingLimitDefault,
  })
  @IsOptional()
  @QueryNumber()
  @IsInt()
  @Min(1)
  @Max(MATCHING_LIMITS.rankingLimitMax)
  limit?: number;
}

/** `POST /initiatives/:id/assignment-plan`: a JSON object, `{}` for all open tasks. */
export class AssignmentPlanDto {
  @ApiPropertyOptional({
    type: String,
    isArray: true,
    maxItems: MATCHING_LIMITS.planMaxTaskIds,
    uniqueItems: true,
    pattern: OBJECT_ID_PATTERN.source,
    description: 'Only these tasks of the initiative; default: all its open tasks',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MATCHING_LIMITS.planMaxTaskIds)
  @ArrayUnique()
  @Matches(OBJECT_ID_PATTERN, { each: true, message: 'each of taskIds must be a task id' })
  taskIds?: string[];
}

/** `GET /me/notifications` */
export class ListNotificationsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only notifications not yet read' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  unread?: boolean;
}

export class MatchedTaskDto implements MatchedTaskView {
  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9e1' })
  id!: string;

  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9d0' })
  initiativeId!: string;

  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5b' })
  organizationId!: string;

  @ApiProperty({ example: 'Перев’язувальний пункт, ранкова зміна' })
  title!: string;

  @ApiProperty({ type: [String], example: ['first_aid'] })
  requiredSkills!: string[];

  @ApiProperty({ example: 5 })
  slots!: number;

  @ApiProperty({ example: 2 })
  filled!: number;

  @ApiProperty({ example: '2025-06-07T07:00:00.000Z' })
  startsAt!: string;

  @ApiProperty({ example: '2025-06-07T11:00:00.000Z' })
  endsAt!: string;

  @ApiProperty({ type: GeoPointDto, nullable: true })
  location!: GeoPointDto | null;

  @ApiProperty({ enum: REGION_CODES })
  region!: RegionCode;

  @ApiProperty({ enum: TASK_URGENCIES })
  urgency!: TaskUrgency;
}

export class InitiativeRefDto {
  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9d0' })
  id!: string;

  @ApiProperty({ example: 'Допомога в Дніпрі' })
  title!: string;
}

const SCORE_DOC = {
  minimum: 0,
  maximum: 1,
  example: 0.874,
  description:
    'Skill fit (levels count) 35 %, availability during the shift 20 %, distance 20 %, ' +
    'urgency 15 %, how soon it starts 10 %; 3 decimals',
};

const REASONS_DOC: ApiPropertyOptions = {
  type: [String],
  description: "Why, in the caller's locale (the profile's `locale`)",
};

export class RecommendationDto implements RecommendationView {
  @ApiProperty({ type: MatchedTaskDto })
  task!: MatchedTaskDto;

  @ApiProperty({ type: InitiativeRefDto })
  initiative!: InitiativeRefDto;

  @ApiProperty(SCORE_DOC)
  score!: number;

  @ApiProperty({
    ...REASONS_DOC,
    example: ['first aid, level 2', 'you are free Sat 10:00-14:00', '3 km away', 'urgent'],
  })
  reasons!: string[];
}

export class CandidateUserDto {
  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5c' })
  id!: string;

  @ApiProperty({ example: 'Олена' })
  displayName!: string;

  @ApiProperty({ type: [UserSkillDto] })
  skills!: UserSkillDto[];
}

export class CandidateDto implements CandidateView {
  @ApiProperty({
    type: CandidateUserDto,
    description: 'Only what a contactable volunteer lets organizers see',
  })
  user!: CandidateUserDto;

  @ApiProperty(SCORE_DOC)
  score!: number;

  @ApiProperty({
    ...REASONS_DOC,
    example: ['перша домедична допомога, рівень 2', 'має час Сб 10:00-14:00', '3 км від місця'],
  })
  reasons!: string[];
}

export class PlannedAssignmentDto implements PlannedAssignment {
  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9e1' })
  taskId!: string;

  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5c' })
  userId!: string;

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.812 })
  score!: number;
}

export class UnfilledTaskDto implements UnfilledTask {
  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9e2' })
  taskId!: string;

  @ApiProperty({ example: 2, description: 'Open slots the plan leaves open' })
  missing!: number;

  @ApiProperty({ enum: UNFILLED_REASONS })
  reason!: UnfilledReason;

  @ApiProperty({
    example: 1,
    description: 'Contactable volunteers who could take it, before the plan shares them out',
  })
  eligible!: number;

  @ApiProperty({ example: '2 short: too few contactable volunteers nearby have the skills' })
  why!: string;
}

export class AssignmentPlanResponseDto implements AssignmentPlanView {
  @ApiProperty({ type: [PlannedAssignmentDto] })
  assignments!: PlannedAssignmentDto[];

  @ApiProperty({ type: [UnfilledTaskDto] })
  unfilled!: UnfilledTaskDto[];

  @ApiProperty({ example: 3.204, description: 'The sum of the assignments’ scores: the maximum' })
  totalScore!: number;
}

export class NotificationDto implements NotificationView {
  @ApiProperty({ example: '6661f0a1b2c3d4e5f6a7b8c9' })
  id!: string;

  @ApiProperty({ enum: NOTIFICATION_KINDS })
  kind!: NotificationKind;

  @ApiProperty({ type: String, nullable: true, example: '6660a1b2c3d4e5f6a7b8c9e1' })
  taskId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '6660a1b2c3d4e5f6a7b8c9d0' })
  initiativeId!: string | null;

  @ApiProperty({ example: 'Терміново потрібна допомога: Перев’язувальний пункт' })
  title!: string;

  @ApiProperty({ example: 'Допомога в Дніпрі · Сб 07.06 10:00-14:00 · 3 км від вас' })
  body!: string;

  @ApiProperty({ example: '2025-06-06T08:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  readAt!: string | null;
}

export class NotificationPageDto implements NotificationPage {
  @ApiProperty({ type: [NotificationDto] })
  items!: NotificationDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
