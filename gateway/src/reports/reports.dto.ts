import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import {
  OBJECT_ID_PATTERN,
  observedAtProblem,
  parseDateTime,
  REPORT_LIMITS,
  REPORT_REVIEW_STATUSES,
  REPORT_SEVERITIES,
  REPORT_STATUSES,
  type ReportPage,
  type ReportReviewStatus,
  type ReportSeverity,
  type ReportStatus,
  type ReportView,
} from '@spilno/contracts';
import { PageQuery } from '../applications/page.query';
import { GeoPointDto } from '../initiatives/initiatives.dto';
import { CreateTaskDto } from '../initiatives/tasks.dto';
import { IsDateTime, IsPlainText, Trim } from '../initiatives/validators';

// The initiatives service validates these again; limits here keep junk off the bus.

/** Not in the future (a few minutes of clock skew aside), not over a year ago. */
function IsRecentObservation(options?: ValidationOptions) {
  const problem = (value: unknown) => {
    const date = typeof value === 'string' ? parseDateTime(value) : null;
    return date ? observedAtProblem(date, new Date()) : null;
  };
  return ValidateBy(
    {
      name: 'isRecentObservation',
      validator: {
        validate: (value) => problem(value) === null,
        defaultMessage: (args) => problem(args?.value) ?? 'observedAt is invalid',
      },
    },
    options,
  );
}

/** `POST /initiatives/:id/reports` */
export class CreateReportDto {
  @ApiProperty({
    minLength: REPORT_LIMITS.titleMinLength,
    maxLength: REPORT_LIMITS.titleMaxLength,
    example: 'Вибоїна на мосту',
    description: 'Trimmed; plain text, verbatim',
  })
  @Trim()
  @IsString()
  @MinLength(REPORT_LIMITS.titleMinLength)
  @MaxLength(REPORT_LIMITS.titleMaxLength)
  @IsPlainText(false)
  title!: string;

  @ApiProperty({
    minLength: REPORT_LIMITS.descriptionMinLength,
    maxLength: REPORT_LIMITS.descriptionMaxLength,
    description: 'Plain text, verbatim (never rendered as HTML); line breaks allowed',
  })
  @IsString()
  @MinLength(REPORT_LIMITS.descriptionMinLength)
  @MaxLength(REPORT_LIMITS.descriptionMaxLength)
  @Matches(/\S/, { message: 'description must not be blank' })
  @IsPlainText(true)
  description!: string;

  @ApiProperty({ enum: REPORT_SEVERITIES })
  @IsIn(REPORT_SEVERITIES)
  severity!: ReportSeverity;

  @ApiProperty({ type: GeoPointDto, description: 'Within Ukraine; the public sees it to ~1 km' })
  @IsObject()
  @ValidateNested()
  @Type(() => GeoPointDto)
  location!: GeoPointDto;

  @ApiProperty({
    example: '2025-05-30T08:15:00Z',
    description: 'ISO-8601 with a zone; not in the future, not over a year ago',
  })
  @IsDateTime()
  @IsRecentObservation()
  observedAt!: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: REPORT_LIMITS.maxEvidenceUrls,
    uniqueItems: true,
    example: ['https://example.org/photo.jpg'],
    description: `https URLs, at most ${REPORT_LIMITS.evidenceUrlMaxLength} characters each`,
  })
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

/** `PATCH /reports/:id` */
export class ReviewReportDto {
  @ApiProperty({
    enum: REPORT_REVIEW_STATUSES,
    description:
      'new -> verified | rejected; verified -> resolved | rejected; the current status again ' +
      'only changes the response',
  })
  @IsIn(REPORT_REVIEW_STATUSES)
  status!: ReportReviewStatus;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: REPORT_LIMITS.responseMaxLength,
    description: 'The organizers’ answer, plain text; `null` clears it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(REPORT_LIMITS.responseMaxLength)
  @Matches(/\S/, { message: 'response must not be blank' })
  @IsPlainText(true)
  response?: string | null;
}

/** `POST /reports/:id/task`: a task like `POST /initiatives/:id/tasks`, and where it goes. */
export class ReportTaskDto extends CreateTaskDto {
  @ApiProperty({
    example: '6660a1b2c3d4e5f6a7b8c9d0',
    pattern: OBJECT_ID_PATTERN.source,
    description: 'A co-delivery initiative of the caller’s organization',
  })
  @IsString()
  @Matches(OBJECT_ID_PATTERN, { message: 'initiativeId must be an initiative id' })
  initiativeId!: string;
}

/** `GET /initiatives/:id/reports` */
export class ListReportsQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: REPORT_STATUSES,
    description: 'The public sees verified and resolved ones (and a reporter their own)',
  })
  @IsOptional()
  @IsIn(REPORT_STATUSES)
  status?: ReportStatus;

  @ApiPropertyOptional({ enum: REPORT_SEVERITIES })
  @IsOptional()
  @IsIn(REPORT_SEVERITIES)
  severity?: ReportSeverity;
}

export class ReportDto implements ReportView {
  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9b1' })
  id!: string;

  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9d0' })
  initiativeId!: string;

  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5b' })
  organizationId!: string;

  @ApiProperty({ example: 'Вибоїна на мосту' })
  title!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ enum: REPORT_SEVERITIES })
  severity!: ReportSeverity;

  @ApiProperty({ type: GeoPointDto })
  location!: GeoPointDto;

  @ApiProperty({
    enum: ['exact', 'approximate'],
    description: '`approximate`: rounded to 2 decimals (about 1 km), as the public sees it',
  })
  locationPrecision!: 'exact' | 'approximate';

  @ApiProperty()
  observedAt!: string;

  @ApiProperty({ type: [String] })
  evidenceUrls!: string[];

  @ApiProperty({ enum: REPORT_STATUSES })
  status!: ReportStatus;

  @ApiProperty({ type: String, nullable: true })
  response!: string | null;

  @ApiProperty({ type: String, nullable: true })
  reviewedAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The co-delivery task made from it' })
  taskId!: string | null;

  @ApiProperty({ description: 'Whether the caller reported it (reporters are never shown)' })
  mine!: boolean;

  @ApiProperty()
  createdAt!: string;

  @ApiProperty()
  updatedAt!: string;
}

export class ReportPageDto implements ReportPage {
  @ApiProperty({ type: [ReportDto] })
  items!: ReportDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
