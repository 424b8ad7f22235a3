import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNumber,
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
  INITIATIVE_CATEGORIES,
  INITIATIVE_LIMITS,
  INITIATIVE_MODES,
  INITIATIVE_STATUSES,
  INITIATIVE_TIME_RULES,
  OBJECT_ID_PATTERN,
  REGION_CODES,
  UKRAINE_BOUNDS,
  type CreateInitiativePayload,
  type GeoPoint,
  type InitiativeCategory,
  type InitiativeFields,
  type InitiativeListItem,
  type InitiativeMode,
  type InitiativePage,
  type InitiativeStats,
  type InitiativeStatus,
  type InitiativeView,
  type RegionCode,
} from '@spilno/contracts';
import { FollowsTimeRules, IfPresent, IsDateTime, IsPlainText, Trim, TrimEach } from './validators';

// The initiatives service validates these again; limits here keep junk off the bus.

const LIMITS = INITIATIVE_LIMITS;
const DATE_TIME_EXAMPLE = '2025-06-01T09:00:00Z';
const REGION_DESCRIPTION = 'ISO 3166-2:UA code of the oblast (or Kyiv, Crimea, Sevastopol)';

export class GeoPointDto implements GeoPoint {
  @ApiProperty({ example: 48.4647, minimum: UKRAINE_BOUNDS.minLat, maximum: UKRAINE_BOUNDS.maxLat })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(UKRAINE_BOUNDS.minLat)
  @Max(UKRAINE_BOUNDS.maxLat)
  lat!: number;

  @ApiProperty({ example: 35.0462, minimum: UKRAINE_BOUNDS.minLng, maximum: UKRAINE_BOUNDS.maxLng })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(UKRAINE_BOUNDS.minLng)
  @Max(UKRAINE_BOUNDS.maxLng)
  lng!: number;
}

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
    IsString(),
    MaxLength(LIMITS.descriptionMaxLength),
    Matches(/\S/, { message: 'description must not be blank' }),
    IsPlainText(true),
  );

const DistrictRules = () =>
  applyDecorators(
    IsOptional(),
    Trim(),
    IsString(),
    MinLength(1),
    MaxLength(LIMITS.districtMaxLength),
    IsPlainText(false),
  );

const LocationRules = () =>
  applyDecorators(
    IsOptional(),
    IsObject(),
    ValidateNested(),
    Type(() => GeoPointDto),
  );

const TagsRules = () =>
  applyDecorators(
    IfPresent(),
    TrimEach(),
    IsArray(),
    ArrayMaxSize(LIMITS.maxTags),
    ArrayUnique(),
    IsString({ each: true }),
    MinLength(1, { each: true }),
    MaxLength(LIMITS.tagMaxLength, { each: true }),
    IsPlainText(false, { each: true }),
  );

const TITLE_DOC: ApiPropertyOptions = {
  example: 'Відбудова школи №5 у Кам’янському',
  minLength: LIMITS.titleMinLength,
  maxLength: LIMITS.titleMaxLength,
  description: 'Trimmed; stored and answered as plain text, verbatim',
};
const DESCRIPTION_DOC: ApiPropertyOptions = {
  example: 'Прибираємо уламки, ремонтуємо дах і вікна. <b> stays as typed.',
  minLength: 1,
  maxLength: LIMITS.descriptionMaxLength,
  description: 'Plain text, verbatim (never rendered as HTML); line breaks allowed',
};
const TAGS_DOC: ApiPropertyOptions = {
  type: [String],
  example: ['дах', 'school'],
  maxItems: LIMITS.maxTags,
  uniqueItems: true,
  description: `Each 1..${LIMITS.tagMaxLength} characters; searched by q`,
};

/** `POST /initiatives` */
export class CreateInitiativeDto implements CreateInitiativePayload {
  @ApiProperty({
    example: '665f1c2e9b1d4a3f8c7e6d5b',
    pattern: OBJECT_ID_PATTERN.source,
    description: 'A verified organization the caller is a member of',
  })
  @IsString()
  @Matches(OBJECT_ID_PATTERN, { message: 'organizationId must be an organization id' })
  organizationId!: string;

  @ApiProperty(TITLE_DOC)
  @TitleRules()
  title!: string;

  @ApiProperty(DESCRIPTION_DOC)
  @DescriptionRules()
  description!: string;

  @ApiProperty({ enum: INITIATIVE_MODES, description: "Linders' typology; cannot change later" })
  @IsIn(INITIATIVE_MODES)
  mode!: InitiativeMode;

  @ApiProperty({ enum: INITIATIVE_CATEGORIES })
  @IsIn(INITIATIVE_CATEGORIES)
  category!: InitiativeCategory;

  @ApiProperty({ enum: REGION_CODES, example: 'UA-12', description: REGION_DESCRIPTION })
  @IsIn(REGION_CODES, { message: 'region must be an ISO 3166-2:UA code, e.g. UA-12' })
  region!: RegionCode;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'Кам’янська громада',
    maxLength: LIMITS.districtMaxLength,
    description: 'The hromada; trimmed',
  })
  @DistrictRules()
  district?: string | null;

  @ApiPropertyOptional({ type: GeoPointDto, nullable: true, description: 'Within Ukraine' })
  @LocationRules()
  location?: GeoPointDto | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: DATE_TIME_EXAMPLE,
    description: 'ISO-8601 with a zone; at most 1 day in the past',
  })
  @IsOptional()
  @IsDateTime()
  @FollowsTimeRules(INITIATIVE_TIME_RULES, true)
  startsAt?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2025-09-01T18:00:00Z',
    description: 'Later than startsAt',
  })
  @IsOptional()
  @IsDateTime()
  @FollowsTimeRules(INITIATIVE_TIME_RULES, true)
  endsAt?: string | null;

  @ApiPropertyOptional(TAGS_DOC)
  @TagsRules()
  tags?: string[];
}

/** `PATCH /initiatives/:id`: any field but `organizationId` and `mode`. */
export class UpdateInitiativeDto implements Partial<InitiativeFields> {
  @ApiPropertyOptional(TITLE_DOC)
  @IfPresent()
  @TitleRules()
  title?: string;

  @ApiPropertyOptional(DESCRIPTION_DOC)
  @IfPresent()
  @DescriptionRules()
  description?: string;

  @ApiPropertyOptional({ enum: INITIATIVE_CATEGORIES })
  @IfPresent()
  @IsIn(INITIATIVE_CATEGORIES)
  category?: InitiativeCategory;

  @ApiPropertyOptional({ enum: REGION_CODES, description: REGION_DESCRIPTION })
  @IfPresent()
  @IsIn(REGION_CODES, { message: 'region must be an ISO 3166-2:UA code, e.g. UA-12' })
  region?: RegionCode;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: LIMITS.districtMaxLength,
    description: '`null` clears it',
  })
  @DistrictRules()
  district?: string | null;

  @ApiPropertyOptional({ type: GeoPointDto, nullable: true, description: '`null` clears it' })
  @LocationRules()
  location?: GeoPointDto | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: DATE_TIME_EXAMPLE,
    description: 'A new value lies at most 1 day in the past; `null` clears it',
  })
  @IsOptional()
  @IsDateTime()
  @FollowsTimeRules(INITIATIVE_TIME_RULES, false)
  startsAt?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Later than startsAt (as stored, when not sent); `null` clears it',
  })
  @IsOptional()
  @IsDateTime()
  @FollowsTimeRules(INITIATIVE_TIME_RULES, false)
  endsAt?: string | null;

  @ApiPropertyOptional(TAGS_DOC)
  @TagsRules()
  tags?: string[];
}

export class InitiativeStatsDto implements InitiativeStats {
  @ApiProperty({ example: 4, description: 'Tasks ever created, closed ones included' })
  tasks!: number;

  @ApiProperty({ example: 12, description: 'Free slots of the open tasks' })
  openSlots!: number;

  @ApiProperty({ example: 30, description: 'People with an accepted application' })
  volunteers!: number;

  @ApiProperty({ example: 96.5, description: 'Verified hours of completed applications' })
  hours!: number;

  @ApiProperty({ example: 0 })
  proposals!: number;

  @ApiProperty({ example: 0 })
  reports!: number;

  @ApiProperty({ example: 150000, description: 'Confirmed donations, minor units of UAH' })
  raised!: number;
}

class InitiativeFieldsDto {
  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9d0' })
  id!: string;

  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5b' })
  organizationId!: string;

  @ApiProperty({ example: 'Відбудова школи №5 у Кам’янському' })
  title!: string;

  @ApiProperty({ enum: INITIATIVE_MODES })
  mode!: InitiativeMode;

  @ApiProperty({ enum: INITIATIVE_CATEGORIES })
  category!: InitiativeCategory;

  @ApiProperty({ enum: REGION_CODES, example: 'UA-12' })
  region!: RegionCode;

  @ApiProperty({ type: String, nullable: true })
  district!: string | null;

  @ApiProperty({ type: GeoPointDto, nullable: true })
  location!: GeoPointDto | null;

  @ApiProperty({ type: String, nullable: true, example: DATE_TIME_EXAMPLE })
  startsAt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  endsAt!: string | null;

  @ApiProperty({ type: [String] })
  tags!: string[];

  @ApiProperty({ enum: INITIATIVE_STATUSES })
  status!: InitiativeStatus;

  @ApiProperty({ type: [String], description: 'Skills the open tasks require' })
  skills!: string[];

  @ApiProperty({ type: InitiativeStatsDto })
  stats!: InitiativeStatsDto;

  @ApiProperty({ example: '2025-05-01T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2025-05-02T10:00:00.000Z' })
  updatedAt!: string;

  @ApiProperty({ type: String, nullable: true })
  publishedAt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  completedAt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  cancelledAt!: string | null;
}

export class InitiativeDto extends InitiativeFieldsDto implements InitiativeView {
  @ApiProperty({ description: 'As written, verbatim' })
  description!: string;
}

export class InitiativeListItemDto extends InitiativeFieldsDto implements InitiativeListItem {
  @ApiProperty({ description: 'The first 280 characters of the description (… when cut)' })
  excerpt!: string;

  @ApiPropertyOptional({ example: 3.2, description: 'Only in near= searches: kilometres' })
  distanceKm?: number;
}

export class InitiativePageDto implements InitiativePage {
  @ApiProperty({ type: [InitiativeListItemDto] })
  items!: InitiativeListItemDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}
