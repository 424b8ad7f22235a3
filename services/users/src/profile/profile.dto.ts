/**
 * What the profile subjects accept, validated again on receipt (the service trusts no caller).
 * The same limits as the gateway's DTOs; skill codes are also checked against the taxonomy,
 * which only this service knows (ProfileService).
 */
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import {
  availabilityProblems,
  END_OF_WINDOW_PATTERN,
  ISO_639_1_CODES,
  latestBirthYear,
  LOCALES,
  MAX_USER_ID_LENGTH,
  PROFILE_LIMITS,
  REGION_CODES,
  SKILL_CODE_PATTERN,
  SKILL_LEVELS,
  TIME_OF_DAY_PATTERN,
  UKRAINE_BOUNDS,
  WEEKDAYS,
  type AvailabilityWindow,
  type GeoPoint,
  type GetUserPayload,
  type Locale,
  type RegionCode,
  type RequestEnvelope,
  type SkillLevel,
  type UpdateProfilePayload,
  type UserSkill,
  type Weekday,
} from '@spilno/contracts';
import { Envelope } from '../common/envelope';

const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Validates the field only when present: absent leaves it unchanged, `null` is refused. */
const IfPresent = () => ValidateIf((_o, value) => value !== undefined);

function NotAfterLatestBirthYear(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'notAfterLatestBirthYear',
      validator: {
        validate: (value) => typeof value === 'number' && value <= latestBirthYear(),
        defaultMessage: () => `birthYear must be at most ${latestBirthYear()} (age 14 or more)`,
      },
    },
    options,
  );
}

/** Each window ends after it starts; no two windows of a day overlap. */
function ConsistentAvailability(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'consistentAvailability',
      validator: {
        validate: (value) => !Array.isArray(value) || availabilityProblems(value).length === 0,
        defaultMessage: (args) =>
          availabilityProblems(args?.value as unknown[])
            .map((p) => `${p.field} ${p.message}`)
            .join('; '),
      },
    },
    options,
  );
}

export class UserSkillData implements UserSkill {
  @IsString()
  @MaxLength(PROFILE_LIMITS.skillCodeMaxLength)
  @Matches(SKILL_CODE_PATTERN)
  code!: string;

  @IsIn(SKILL_LEVELS)
  level!: SkillLevel;
}

export class AvailabilityWindowData implements AvailabilityWindow {
  @IsIn(WEEKDAYS)
  day!: Weekday;

  @IsString()
  @Matches(TIME_OF_DAY_PATTERN, { message: 'from must be HH:MM (00:00..23:59)' })
  from!: string;

  @IsString()
  @Matches(END_OF_WINDOW_PATTERN, { message: 'to must be HH:MM (00:01..24:00)' })
  to!: string;
}

export class GeoPointData implements GeoPoint {
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(UKRAINE_BOUNDS.minLat)
  @Max(UKRAINE_BOUNDS.maxLat)
  lat!: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(UKRAINE_BOUNDS.minLng)
  @Max(UKRAINE_BOUNDS.maxLng)
  lng!: number;
}

export class UpdateProfileData implements UpdateProfilePayload {
  @IfPresent()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(PROFILE_LIMITS.displayNameMaxLength)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'displayName must not contain control characters' })
  displayName?: string;

  @IfPresent()
  @IsIn(LOCALES)
  locale?: Locale;

  @IsOptional()
  @IsIn(REGION_CODES)
  region?: RegionCode | null;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(PROFILE_LIMITS.districtMaxLength)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'district must not contain control characters' })
  district?: string | null;

  @IsOptional()
  @IsInt()
  @Min(PROFILE_LIMITS.earliestBirthYear)
  @NotAfterLatestBirthYear()
  birthYear?: number | null;

  @IfPresent()
  @IsArray()
  @ArrayMaxSize(PROFILE_LIMITS.maxLanguages)
  @ArrayUnique()
  @IsIn(ISO_639_1_CODES, { each: true, message: 'each of languages must be an ISO 639-1 code' })
  languages?: string[];

  @IfPresent()
  @IsArray()
  @ArrayMaxSize(PROFILE_LIMITS.maxSkills)
  @ArrayUnique((skill: UserSkill | null) => skill?.code, {
    message: 'skills must not repeat a code',
  })
  @ValidateNested({ each: true })
  @Type(() => UserSkillData)
  skills?: UserSkillData[];

  @IfPresent()
  @IsArray()
  @ArrayMaxSize(PROFILE_LIMITS.maxAvailabilityWindows)
  @ValidateNested({ each: true })
  @Type(() => AvailabilityWindowData)
  @ConsistentAvailability()
  availability?: AvailabilityWindowData[];

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(PROFILE_LIMITS.maxHoursPerWeek)
  maxHoursPerWeek?: number | null;

  @IfPresent()
  @IsBoolean()
  contactable?: boolean;

  @IfPresent()
  @IsBoolean()
  researchConsent?: boolean;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => GeoPointData)
  location?: GeoPointData | null;
}

export class GetUserData implements GetUserPayload {
  @IsString()
  @MaxLength(MAX_USER_ID_LENGTH)
  id!: string;
}

export class UpdateProfileRequest extends Envelope implements RequestEnvelope<UpdateProfileData> {
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateProfileData)
  data!: UpdateProfileData;
}

export class GetUserRequest extends Envelope implements RequestEnvelope<GetUserData> {
  @IsObject()
  @ValidateNested()
  @Type(() => GetUserData)
  data!: GetUserData;
}
