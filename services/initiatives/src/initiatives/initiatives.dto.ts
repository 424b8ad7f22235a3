/**
 * What the initiative subjects accept, validated again on receipt (the service trusts no
 * caller). Each request is the `{ meta, data }` envelope.
 */
import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
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
  OBJECT_ID_PATTERN,
  REGION_CODES,
  SEARCH_LIMITS,
  SKILL_CODE_PATTERN,
  TASK_LIMITS,
  type CreateInitiativePayload,
  type InitiativeCategory,
  type InitiativeFields,
  type InitiativeIdPayload,
  type InitiativeMode,
  type InitiativeStatus,
  type RegionCode,
  type RequestEnvelope,
  type SearchInitiativesPayload,
  type UpdateInitiativePayload,
} from '@spilno/contracts';
import { Envelope } from '../common/envelope';
import {
  GeoPointData,
  IfPresent,
  IsDateTime,
  IsPlainText,
  PageData,
  SearchPointData,
  Trim,
} from '../common/validators';

const LIMITS = INITIATIVE_LIMITS;
/** Path ids: any short string; one that names nothing the caller may see is `not_found`. */
const ID_MAX_LENGTH = 64;

const trimEach = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value;

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
    IsString(),
    MaxLength(LIMITS.descriptionMaxLength),
    Matches(/\S/, { message: 'description must not be blank' }),
    IsPlainText(true),
  );

const District = () =>
  applyDecorators(
    IsOptional(),
    Trim(),
    IsString(),
    MinLength(1),
    MaxLength(LIMITS.districtMaxLength),
    IsPlainText(false),
  );

const Location = () =>
  applyDecorators(
    IsOptional(),
    IsObject(),
    ValidateNested(),
    Type(() => GeoPointData),
  );

const Tags = () =>
  applyDecorators(
    IfPresent(),
    Transform(trimEach),
    IsArray(),
    ArrayMaxSize(LIMITS.maxTags),
    ArrayUnique(),
    IsString({ each: true }),
    MinLength(1, { each: true }),
    MaxLength(LIMITS.tagMaxLength, { each: true }),
    IsPlainText(false, { each: true }),
  );

export class CreateInitiativeData implements CreateInitiativePayload {
  @IsString()
  @Matches(OBJECT_ID_PATTERN, { message: 'organizationId must be an organization id' })
  organizationId!: string;

  @Title()
  title!: string;

  @Description()
  description!: string;

  @IsIn(INITIATIVE_MODES)
  mode!: InitiativeMode;

  @IsIn(INITIATIVE_CATEGORIES)
  category!: InitiativeCategory;

  @IsIn(REGION_CODES)
  region!: RegionCode;

  @District()
  district?: string | null;

  @Location()
  location?: GeoPointData | null;

  @IsOptional()
  @IsDateTime()
  startsAt?: string | null;

  @IsOptional()
  @IsDateTime()
  endsAt?: string | null;

  @Tags()
  tags?: string[];
}

/** Any of the fields but `organizationId` and `mode`; `null` clears the optional ones. */
export class InitiativeChangesData implements Partial<InitiativeFields> {
  @IfPresent()
  @Title()
  title?: string;

  @IfPresent()
  @Description()
  description?: string;

  @IfPresent()
  @IsIn(INITIATIVE_CATEGORIES)
  category?: InitiativeCategory;

  @IfPresent()
  @IsIn(REGION_CODES)
  region?: RegionCode;

  @District()
  district?: string | null;

  @Location()
  location?: GeoPointData | null;

  @IsOptional()
  @IsDateTime()
  startsAt?: string | null;

  @IsOptional()
  @IsDateTime()
  endsAt?: string | null;

  @Tags()
  tags?: string[];
}

export class UpdateInitiativeData implements UpdateInitiativePayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  initiativeId!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => InitiativeChangesData)
  changes!: InitiativeChangesData;
}

export class InitiativeIdData implements InitiativeIdPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  initiativeId!: string;
}

export class SearchInitiativesData extends PageData implements SearchInitiativesPayload {
  @IsOptional()
  @IsIn(INITIATIVE_MODES)
  mode?: InitiativeMode;

  @IsOptional()
  @IsIn(INITIATIVE_CATEGORIES)
  category?: InitiativeCategory;

  @IsOptional()
  @IsIn(REGION_CODES)
  region?: RegionCode;

  @IsOptional()
  @IsIn(INITIATIVE_STATUSES)
  status?: InitiativeStatus;

  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID_PATTERN, { message: 'organizationId must be an organization id' })
  organizationId?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SEARCH_LIMITS.maxSkills)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(TASK_LIMITS.skillCodeMaxLength, { each: true })
  @Matches(SKILL_CODE_PATTERN, { each: true, message: 'each skill must be a skill code' })
  skills?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(SEARCH_LIMITS.qMaxLength)
  @IsPlainText(false)
  q?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SearchPointData)
  near?: SearchPointData;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(SEARCH_LIMITS.radiusKmMin)
  @Max(SEARCH_LIMITS.radiusKmMax)
  radiusKm?: number;
}

export class CreateInitiativeRequest
  extends Envelope
  implements RequestEnvelope<CreateInitiativeData>
{
  @IsObject()
  @ValidateNested()
  @Type(() => CreateInitiativeData)
  data!: CreateInitiativeData;
}

export class UpdateInitiativeRequest
  extends Envelope
  implements RequestEnvelope<UpdateInitiativeData>
{
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateInitiativeData)
  data!: UpdateInitiativeData;
}

export class InitiativeIdRequest extends Envelope implements RequestEnvelope<InitiativeIdData> {
  @IsObject()
  @ValidateNested()
  @Type(() => InitiativeIdData)
  data!: InitiativeIdData;
}

export class SearchInitiativesRequest
  extends Envelope
  implements RequestEnvelope<SearchInitiativesData>
{
  @IsObject()
  @ValidateNested()
  @Type(() => SearchInitiativesData)
  data!: SearchInitiativesData;
}
