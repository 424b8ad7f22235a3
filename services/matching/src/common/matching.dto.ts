/**
 * What the matching subjects accept, validated again on receipt (the service trusts no caller).
 * Each request is the `{ meta, data }` envelope.
 */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  MATCHING_LIMITS,
  PAGE_CURSOR_MAX_LENGTH,
  PAGE_LIMIT_MAX,
  type AssignmentPlanPayload,
  type CandidatesPayload,
  type ListNotificationsPayload,
  type NotificationIdPayload,
  type RecommendationsPayload,
  type RequestEnvelope,
} from '@spilno/contracts';
import { Envelope } from './envelope';

/** Path ids: any short string; one that names nothing the caller may see is `not_found`. */
const ID_MAX_LENGTH = 64;

export class RecommendationsData implements RecommendationsPayload {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MATCHING_LIMITS.rankingLimitMax)
  limit?: number;
}

export class CandidatesData implements CandidatesPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  taskId!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MATCHING_LIMITS.rankingLimitMax)
  limit?: number;
}

export class AssignmentPlanData implements AssignmentPlanPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  initiativeId!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MATCHING_LIMITS.planMaxTaskIds)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(ID_MAX_LENGTH, { each: true })
  taskIds?: string[];
}

export class ListNotificationsData implements ListNotificationsPayload {
  @IsOptional()
  @IsBoolean()
  unread?: boolean;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(PAGE_CURSOR_MAX_LENGTH)
  cursor?: string;
}

export class NotificationIdData implements NotificationIdPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  notificationId!: string;
}

export class RecommendationsRequest
  extends Envelope
  implements RequestEnvelope<RecommendationsData>
{
  @IsObject()
  @ValidateNested()
  @Type(() => RecommendationsData)
  data!: RecommendationsData;
}

export class CandidatesRequest extends Envelope implements RequestEnvelope<CandidatesData> {
  @IsObject()
  @ValidateNested()
  @Type(() => CandidatesData)
  data!: CandidatesData;
}

export class AssignmentPlanRequest extends Envelope implements RequestEnvelope<AssignmentPlanData> {
  @IsObject()
  @ValidateNested()
  @Type(() => AssignmentPlanData)
  data!: AssignmentPlanData;
}

export class ListNotificationsRequest
  extends Envelope
  implements RequestEnvelope<ListNotificationsData>
{
  @IsObject()
  @ValidateNested()
  @Type(() => ListNotificationsData)
  data!: ListNotificationsData;
}

export class NotificationIdRequest extends Envelope implements RequestEnvelope<NotificationIdData> {
  @IsObject()
  @ValidateNested()
  @Type(() => NotificationIdData)
  data!: NotificationIdData;
}
