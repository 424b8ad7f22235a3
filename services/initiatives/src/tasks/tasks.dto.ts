/**
 * What the task subjects accept, validated again on receipt (the service trusts no caller).
 * Each request is the `{ meta, data }` envelope.
 */
import { applyDecorators } from '@nestjs/common';
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
  SKILL_CODE_PATTERN,
  TASK_LIMITS,
  TASK_STATUSES,
  TASK_URGENCIES,
  type CreateTaskPayload,
  type ListTasksPayload,
  type RequestEnvelope,
  type TaskFields,
  type TaskIdPayload,
  type TaskStatus,
  type TaskUrgency,
  type UpdateTaskPayload,
} from '@spilno/contracts';
import { Envelope } from '../common/envelope';
import {
  GeoPointData,
  IfPresent,
  IsDateTime,
  IsPlainText,
  PageData,
  Trim,
} from '../common/validators';

const LIMITS = TASK_LIMITS;
/** Path ids: any short string; one that names nothing the caller may see is `not_found`. */
const ID_MAX_LENGTH = 64;

const Title = () =>
  applyDecorators(
    Trim(),
    IsString(),
    MinLength(LIMITS.titleMinLength),
    MaxLength(LIMITS.titleMaxLength),
    IsPlainText(false),
  );

const Description = () =>
  applyDecorators(
    IsOptional(),
    IsString(),
    MaxLength(LIMITS.descriptionMaxLength),
    Matches(/\S/, { message: 'description must not be blank' }),
    IsPlainText(true),
  );

const RequiredSkills = () =>
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

const Slots = () => applyDecorators(IsInt(), Min(LIMITS.minSlots), Max(LIMITS.maxSlots));

const Location = () =>
  applyDecorators(
    IsOptional(),
    IsObject(),
    ValidateNested(),
    Type(() => GeoPointData),
  );

export class CreateTaskData implements CreateTaskPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  initiativeId!: string;

  @Title()
  title!: string;

  @Description()
  description?: string | null;

  @RequiredSkills()
  requiredSkills?: string[];

  @Slots()
  slots!: number;

  @IsDateTime()
  startsAt!: string;

  @IsDateTime()
  endsAt!: string;

  @Location()
  location?: GeoPointData | null;

  @IfPresent()
  @IsIn(TASK_URGENCIES)
  urgency?: TaskUrgency;

  @IfPresent()
  @IsBoolean()
  autoAccept?: boolean;
}

/** Any of the fields; `null` clears description and location. */
export class TaskChangesData implements Partial<TaskFields> {
  @IfPresent()
  @Title()
  title?: string;

  @Description()
  description?: string | null;

  @RequiredSkills()
  requiredSkills?: string[];

  @IfPresent()
  @Slots()
  slots?: number;

  @IfPresent()
  @IsDateTime()
  startsAt?: string;

  @IfPresent()
  @IsDateTime()
  endsAt?: string;

  @Location()
  location?: GeoPointData | null;

  @IfPresent()
  @IsIn(TASK_URGENCIES)
  urgency?: TaskUrgency;

  @IfPresent()
  @IsBoolean()
  autoAccept?: boolean;
}

export class UpdateTaskData implements UpdateTaskPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  taskId!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => TaskChangesData)
  changes!: TaskChangesData;
}

export class TaskIdData implements TaskIdPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  taskId!: string;
}

export class ListTasksData extends PageData implements ListTasksPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  initiativeId!: string;

  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;
}

export class CreateTaskRequest extends Envelope implements RequestEnvelope<CreateTaskData> {
  @IsObject()
  @ValidateNested()
  @Type(() => CreateTaskData)
  data!: CreateTaskData;
}

export class UpdateTaskRequest extends Envelope implements RequestEnvelope<UpdateTaskData> {
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateTaskData)
  data!: UpdateTaskData;
}

export class TaskIdRequest extends Envelope implements RequestEnvelope<TaskIdData> {
  @IsObject()
  @ValidateNested()
  @Type(() => TaskIdData)
  data!: TaskIdData;
}

export class ListTasksRequest extends Envelope implements RequestEnvelope<ListTasksData> {
  @IsObject()
  @ValidateNested()
  @Type(() => ListTasksData)
  data!: ListTasksData;
}
