/**
 * What the report subjects accept, validated again on receipt (the service trusts no caller).
 * Each request is the `{ meta, data }` envelope.
 */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  REPORT_LIMITS,
  REPORT_REVIEW_STATUSES,
  REPORT_SEVERITIES,
  REPORT_STATUSES,
  type CreateReportPayload,
  type ListReportsPayload,
  type ReportIdPayload,
  type ReportReviewStatus,
  type ReportSeverity,
  type ReportStatus,
  type ReportTaskPayload,
  type RequestEnvelope,
  type ReviewReportPayload,
} from '@spilno/contracts';
import { Envelope } from '../common/envelope';
import { GeoPointData, IsDateTime, IsPlainText, PageData, Trim } from '../common/validators';
import { CreateTaskData } from '../tasks/tasks.dto';

/** Path ids: any short string; one that names nothing the caller may see is `not_found`. */
const ID_MAX_LENGTH = 64;

export class CreateReportData implements CreateReportPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  initiativeId!: string;

  @Trim()
  @IsString()
  @MinLength(REPORT_LIMITS.titleMinLength)
  @MaxLength(REPORT_LIMITS.titleMaxLength)
  @IsPlainText(false)
  title!: string;

  @IsString()
  @MinLength(REPORT_LIMITS.descriptionMinLength)
  @MaxLength(REPORT_LIMITS.descriptionMaxLength)
  @Matches(/\S/, { message: 'description must not be blank' })
  @IsPlainText(true)
  description!: string;

  @IsIn(REPORT_SEVERITIES)
  severity!: ReportSeverity;

  @IsObject()
  @ValidateNested()
  @Type(() => GeoPointData)
  location!: GeoPointData;

  @IsDateTime()
  observedAt!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(REPORT_LIMITS.maxEvidenceUrls)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(REPORT_LIMITS.evidenceUrlMaxLength, { each: true })
  @IsUrl(
    { protocols: ['https'], require_protocol: true, require_valid_protocol: true },
    { each: true, message: 'each of evidenceUrls must be an https URL' },
  )
  evidenceUrls?: string[];
}

export class ListReportsData extends PageData implements ListReportsPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  initiativeId!: string;

  @IsOptional()
  @IsIn(REPORT_STATUSES)
  status?: ReportStatus;

  @IsOptional()
  @IsIn(REPORT_SEVERITIES)
  severity?: ReportSeverity;
}

export class ReportIdData implements ReportIdPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  reportId!: string;
}

export class ReviewReportData extends ReportIdData implements ReviewReportPayload {
  @IsIn(REPORT_REVIEW_STATUSES)
  status!: ReportReviewStatus;

  @IsOptional()
  @IsString()
  @MaxLength(REPORT_LIMITS.responseMaxLength)
  @Matches(/\S/, { message: 'response must not be blank' })
  @IsPlainText(true)
  response?: string | null;
}

export class ReportTaskData extends CreateTaskData implements ReportTaskPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  reportId!: string;
}

export class CreateReportRequest extends Envelope implements RequestEnvelope<CreateReportData> {
  @IsObject()
  @ValidateNested()
  @Type(() => CreateReportData)
  data!: CreateReportData;
}

export class ListReportsRequest extends Envelope implements RequestEnvelope<ListReportsData> {
  @IsObject()
  @ValidateNested()
  @Type(() => ListReportsData)
  data!: ListReportsData;
}

export class ReportIdRequest extends Envelope implements RequestEnvelope<ReportIdData> {
  @IsObject()
  @ValidateNested()
  @Type(() => ReportIdData)
  data!: ReportIdData;
}

export class ReviewReportRequest extends Envelope implements RequestEnvelope<ReviewReportData> {
  @IsObject()
  @ValidateNested()
  @Type(() => ReviewReportData)
  data!: ReviewReportData;
}

export class ReportTaskRequest extends Envelope implements RequestEnvelope<ReportTaskData> {
  @IsObject()
  @ValidateNested()
  @Type(() => ReportTaskData)
  data!: ReportTaskData;
}
