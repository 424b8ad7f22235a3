import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  REGION_CODES,
  SKILL_CODE_PATTERN,
  TASK_LIMITS,
  TASK_STATUSES,
  TASK_TIME_RULES,
  TASK_URGENCIES,
  type RegionCode,
  type TaskFields,
  type TaskListItem,
  type TaskPage,
  type TaskStatus,
  type TaskUrgency,
  type TaskView,
} from '@spilno/contracts';
import { GeoPointDto } from './initiatives.dto';
import { FollowsTimeRules, IfPresent, IsDateTime, IsPlainText, Trim } from './validators';

// The initiatives service validates these again; limits here keep junk off the bus.

const LIMITS = TASK_LIMITS;

const TitleRules = () =>
  applyDecorators(
    Trim(),
    IsString(),
    MinLength(LIMITS.titleMinLength),
    MaxLength(LIMITS.titleMaxLength),
    IsPlainText(false),
  );

const DescriptionRules = () =>
  applyDecorators(
    IsOptional(),
    IsString(),
    MaxLength(LIMITS.descriptionMaxLength),
    Matches(/\S/, { message: 'description must not be blank' }),
    IsPlainText(true),
  );

const RequiredSkillsRules = () =>
  applyDecorators(
    IfPresent(),
    IsArray(),
    ArrayMaxSize(LIMITS.maxRequiredSkills),
    ArrayUnique(),
    IsString({ each: true }),
    MaxLength(LIMITS.skillCodeMaxLength, { each: true }),
    Matches(SKILL_CODE_PATTERN, {
      each: true,
      message: 'each of requiredSkills must be a skill code (lower snake case)',
    }),
  );

const SlotsRules = () => applyDecorators(IsInt(), Min(LIMITS.minSlots), Max(LIMITS.maxSlots));

const LocationRules = () =>
  applyDecorators(
    IsOptional(),
    IsObject(),
    ValidateNested(),
    Type(() => GeoPointDto),
  );

const TITLE_DOC: ApiPropertyOptions = {
  example: 'Розбір завалів, ранкова зміна',
  minLength: LIMITS.titleMinLength,
  maxLength: LIMITS.titleMaxLength,
  description: 'Trimmed; plain text, verbatim',
};
const DESCRIPTION_DOC: ApiPropertyOptions = {
  type: String,
  nullable: true,
  maxLength: LIMITS.descriptionMaxLength,
  description: 'Plain text, verbatim (never rendered as HTML)',
};
const SKILLS_DOC: ApiPropertyOptions = {
  type: [String],
  example: ['first_aid', 'driving_licence_b'],
  maxItems: LIMITS.maxRequiredSkills,
  uniqueItems: true,
  description:
    `Skill codes of GET /skills (lower snake case, at most ${LIMITS.skillCodeMaxLength} ` +
    'characters); the users service owns the taxonomy, so codes are checked for form only',
};
const SLOTS_DOC: ApiPropertyOptions = {
  minimum: LIMITS.minSlots,
  maximum: LIMITS.maxSlots,
  example: 5,
};

/** `POST /initiatives/:id/tasks` */
export class CreateTaskDto implements TaskFields {
  @ApiProperty(TITLE_DOC)
  @TitleRules()
  title!: string;

  @ApiPropertyOptional(DESCRIPTION_DOC)
  @DescriptionRules()
  description?: string | null;

  @ApiPropertyOptional({ ...SKILLS_DOC, default: [] })
  @RequiredSkillsRules()
  requiredSkills?: string[];

  @ApiProperty(SLOTS_DOC)
  @SlotsRules()
  slots!: number;

  @ApiProperty({
    example: '2025-06-01T06:00:00Z',
    description: 'ISO-8601 with a zone; at most 1 day in the past',
  })
  @IsDateTime()
  @FollowsTimeRules(TASK_TIME_RULES, true)
  startsAt!: string;

  @ApiProperty({
    example: '2025-06-01T12:00:00Z',
    description: 'Later than startsAt; a shift lasts at most 30 days',
  })
  @IsDateTime()
  @FollowsTimeRules(TASK_TIME_RULES, true)
  endsAt!: string;

  @ApiPropertyOptional({ type: GeoPointDto, nullable: true })
  @LocationRules()
  location?: GeoPointDto | null;

  @ApiPropertyOptional({ enum: TASK_URGENCIES, default: 'normal' })
  @IfPresent()
  @IsIn(TASK_URGENCIES)
  urgency?: TaskUrgency;

  @ApiPropertyOptional({
    default: false,
    description: 'Applications take a free slot without review',
  })
  @IfPresent()
  @IsBoolean()
  autoAccept?: boolean;
}

/** `PATCH /tasks/:id`: any of the fields; `null` clears description and location. */
export class UpdateTaskDto implements Partial<TaskFields> {
  @ApiPropertyOptional(TITLE_DOC)
  @IfPresent()
  @TitleRules()
  title?: string;

  @ApiPropertyOptional(DESCRIPTION_DOC)
  @DescriptionRules()
  description?: string | null;

  @ApiPropertyOptional(SKILLS_DOC)
  @RequiredSkillsRules()
  requiredSkills?: string[];

  @ApiPropertyOptional({ ...SLOTS_DOC, description: 'Not fewer than `filled` (409)' })
  @IfPresent()
  @SlotsRules()
  slots?: number;

  @ApiPropertyOptional({ description: 'A new value lies at most 1 day in the past' })
  @IfPresent()
  @IsDateTime()
  @FollowsTimeRules(TASK_TIME_RULES, false)
  startsAt?: string;

  @ApiPropertyOptional({ description: 'Later than startsAt; a shift lasts at most 30 days' })
  @IfPresent()
  @IsDateTime()
  @FollowsTimeRules(TASK_TIME_RULES, false)
  endsAt?: string;

  @ApiPropertyOptional({ type: GeoPointDto, nullable: true })
  @LocationRules()
  location?: GeoPointDto | null;

  @ApiPropertyOptional({ enum: TASK_URGENCIES })
  @IfPresent()
  @IsIn(TASK_URGENCIES)
  urgency?: TaskUrgency;

  @ApiPropertyOptional()
  @IfPresent()
  @IsBoolean()
  autoAccept?: boolean;
}

class TaskFieldsDto {
  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9e1' })
  id!: string;

  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9d0' })
  initiativeId!: string;

  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5b' })
  organizationId!: string;

  @ApiProperty({ example: 'Розбір завалів, ранкова зміна' })
  title!: string;

  @ApiProperty({ type: [String] })
  requiredSkills!: string[];

  @ApiProperty({ example: 5 })
  slots!: number;

  @ApiProperty({ example: 2, description: 'Slots taken by accepted applications, 0..slots' })
  filled!: number;

  @ApiProperty({ example: '2025-06-01T06:00:00.000Z' })
  startsAt!: string;

  @ApiProperty({ example: '2025-06-01T12:00:00.000Z' })
  endsAt!: string;

  @ApiProperty({ type: GeoPointDto, nullable: true })
  location!: GeoPointDto | null;

  @ApiProperty({ enum: REGION_CODES, description: "The initiative's region" })
  region!: RegionCode;

  @ApiProperty({ enum: TASK_URGENCIES })
  urgency!: TaskUrgency;

  @ApiProperty()
  autoAccept!: boolean;

  @ApiProperty({ enum: TASK_STATUSES })
  status!: TaskStatus;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The co-monitoring report it came from',
  })
  sourceReportId!: string | null;

  @ApiProperty()
  createdAt!: string;

  @ApiProperty()
  updatedAt!: string;

  @ApiProperty({ type: String, nullable: true })
  closedAt!: string | null;
}

export class TaskDto extends TaskFieldsDto implements TaskView {
  @ApiProperty({ type: String, nullable: true })
  description!: string | null;
}

export class TaskListItemDto extends TaskFieldsDto implements TaskListItem {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The first 280 characters of the description',
  })
  excerpt!: string | null;
}

export class TaskPageDto implements TaskPage {
  @ApiProperty({ type: [TaskListItemDto] })
  items!: TaskListItemDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
