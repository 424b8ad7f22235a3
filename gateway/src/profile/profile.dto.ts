import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
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
  ValidateNested,
} from 'class-validator';
import {
  END_OF_WINDOW_PATTERN,
  ISO_639_1_CODES,
  LOCALES,
  PROFILE_LIMITS,
  REGION_CODES,
  SKILL_CODE_PATTERN,
  SKILL_GROUPS,
  SKILL_LEVELS,
  TIME_OF_DAY_PATTERN,
  UKRAINE_BOUNDS,
  WEEKDAYS,
  type AvailabilityWindow,
  type GeoPoint,
  type Locale,
  type ProfileView,
  type RegionCode,
  type SkillGroup,
  type SkillLevel,
  type SkillView,
  type UpdateProfilePayload,
  type UserSkill,
  type UserView,
  type Weekday,
} from '@spilno/contracts';
import { AccountDto } from '../auth/auth.dto';
import {
  ConsistentAvailability,
  IfPresent,
  NO_CONTROL_CHARACTERS,
  NotAfterLatestBirthYear,
  Trim,
} from './profile.validators';

// The users service validates these again and checks skill codes against its taxonomy.

const LIMITS = PROFILE_LIMITS;

export class UserSkillDto implements UserSkill {
  @ApiProperty({
    example: 'first_aid',
    maxLength: LIMITS.skillCodeMaxLength,
    description: 'A code of GET /skills',
  })
  @IsString()
  @MaxLength(LIMITS.skillCodeMaxLength)
  @Matches(SKILL_CODE_PATTERN, { message: 'code must be a skill code (lower snake case)' })
  code!: string;

  @ApiProperty({
    enum: SKILL_LEVELS,
    description: '1 beginner, 2 experienced, 3 expert or certified',
  })
  @IsIn(SKILL_LEVELS)
  level!: SkillLevel;
}

export class AvailabilityWindowDto implements AvailabilityWindow {
  @ApiProperty({ enum: WEEKDAYS })
  @IsIn(WEEKDAYS)
  day!: Weekday;

  @ApiProperty({ example: '09:00', pattern: TIME_OF_DAY_PATTERN.source })
  @IsString()
  @Matches(TIME_OF_DAY_PATTERN, { message: 'from must be HH:MM (00:00..23:59)' })
  from!: string;

  @ApiProperty({
    example: '13:00',
    pattern: END_OF_WINDOW_PATTERN.source,
    description: 'Later than `from`; `24:00` is midnight',
  })
  @IsString()
  @Matches(END_OF_WINDOW_PATTERN, { message: 'to must be HH:MM (00:01..24:00)' })
  to!: string;
}

export class GeoPointDto implements GeoPoint {
  @ApiProperty({ example: 48.46, minimum: UKRAINE_BOUNDS.minLat, maximum: UKRAINE_BOUNDS.maxLat })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(UKRAINE_BOUNDS.minLat)
  @Max(UKRAINE_BOUNDS.maxLat)
  lat!: number;

  @ApiProperty({ example: 35.05, minimum: UKRAINE_BOUNDS.minLng, maximum: UKRAINE_BOUNDS.maxLng })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(UKRAINE_BOUNDS.minLng)
  @Max(UKRAINE_BOUNDS.maxLng)
  lng!: number;
}

/** `PATCH /me`: any subset of the fields; `null` clears the nullable ones. */
export class UpdateProfileDto implements UpdateProfilePayload {
  @ApiPropertyOptional({
    example: 'Мар’яна',
    minLength: 1,
    maxLength: LIMITS.displayNameMaxLength,
    description: 'Trimmed',
  })
  @IfPresent()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.displayNameMaxLength)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'displayName must not contain control characters' })
  displayName?: string;

  @ApiPropertyOptional({ enum: LOCALES })
  @IfPresent()
  @IsIn(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional({
    enum: REGION_CODES,
    nullable: true,
    example: 'UA-12',
    description: 'ISO 3166-2:UA',
  })
  @IsOptional()
  @IsIn(REGION_CODES, { message: 'region must be an ISO 3166-2:UA code, e.g. UA-12' })
  region?: RegionCode | null;

  @ApiPropertyOptional({
    example: 'Кам’янська громада',
    nullable: true,
    minLength: 1,
    maxLength: LIMITS.districtMaxLength,
    description: 'The hromada; trimmed',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.districtMaxLength)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'district must not contain control characters' })
  district?: string | null;

  @ApiPropertyOptional({
    example: 1994,
    nullable: true,
    minimum: LIMITS.earliestBirthYear,
    description: 'At most the current year minus 14',
  })
  @IsOptional()
  @IsInt()
  @Min(LIMITS.earliestBirthYear)
  @NotAfterLatestBirthYear()
  birthYear?: number | null;

  @ApiPropertyOptional({
    example: ['uk', 'en'],
    type: [String],
    maxItems: LIMITS.maxLanguages,
    uniqueItems: true,
    description: 'ISO 639-1 codes',
  })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(LIMITS.maxLanguages)
  @ArrayUnique()
  @IsIn(ISO_639_1_CODES, { each: true, message: 'each of languages must be an ISO 639-1 code' })
  languages?: string[];

  @ApiPropertyOptional({
    type: [UserSkillDto],
    maxItems: LIMITS.maxSkills,
    description: 'Unique codes',
  })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(LIMITS.maxSkills)
  @ArrayUnique((skill: UserSkill | null) => skill?.code, {
    message: 'skills must not repeat a code',
  })
  @ValidateNested({ each: true })
  @Type(() => UserSkillDto)
  skills?: UserSkillDto[];

  @ApiPropertyOptional({
    type: [AvailabilityWindowDto],
    maxItems: LIMITS.maxAvailabilityWindows,
    description:
      'Weekly windows, local time; none overlap on a day. Answered sorted by day and start.',
  })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(LIMITS.maxAvailabilityWindows)
  @ValidateNested({ each: true })
  @Type(() => AvailabilityWindowDto)
  @ConsistentAvailability()
  availability?: AvailabilityWindowDto[];

  @ApiPropertyOptional({ example: 6, nullable: true, minimum: 0, maximum: LIMITS.maxHoursPerWeek })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(LIMITS.maxHoursPerWeek)
  maxHoursPerWeek?: number | null;

  @ApiPropertyOptional({ description: 'Organizers may see more of the profile and propose tasks' })
  @IfPresent()
  @IsBoolean()
  contactable?: boolean;

  @ApiPropertyOptional({ description: 'May appear, anonymised, in person-level research datasets' })
  @IfPresent()
  @IsBoolean()
  researchConsent?: boolean;

  @ApiPropertyOptional({
    type: GeoPointDto,
    nullable: true,
    description: 'Stored rounded to 2 decimals (about 1 km)',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => GeoPointDto)
  location?: GeoPointDto | null;
}

/** The whole own profile. */
export class ProfileDto extends AccountDto implements ProfileView {
  @ApiProperty({ enum: REGION_CODES, nullable: true })
  region!: RegionCode | null;

  @ApiProperty({ type: String, nullable: true, example: 'Кам’янська громада' })
  district!: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 1994 })
  birthYear!: number | null;

  @ApiProperty({ type: [String], example: ['uk', 'en'] })
  languages!: string[];

  @ApiProperty({ type: [UserSkillDto] })
  skills!: UserSkillDto[];

  @ApiProperty({ type: [AvailabilityWindowDto] })
  availability!: AvailabilityWindowDto[];

  @ApiProperty({ type: Number, nullable: true, example: 6 })
  maxHoursPerWeek!: number | null;

  @ApiProperty()
  contactable!: boolean;

  @ApiProperty()
  researchConsent!: boolean;

  @ApiProperty({ type: GeoPointDto, nullable: true })
  location!: GeoPointDto | null;

  @ApiProperty({ example: '2025-03-01T10:00:00.000Z' })
  updatedAt!: string;
}

/**
 * Another person as the caller may see them: always `id`; a citizen also sees `displayName`;
 * organizers see more of contactable volunteers (region, district, languages, skills,
 * availability); the person themself and admins see every field of the profile.
 */
export class UserViewDto
  extends PartialType(OmitType(ProfileDto, ['id'] as const))
  implements UserView
{
  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5b' })
  id!: string;
}

export class LocalizedNameDto {
  @ApiProperty({ example: 'Перша домедична допомога' })
  uk!: string;

  @ApiProperty({ example: 'First aid' })
  en!: string;
}

export class SkillDto implements SkillView {
  @ApiProperty({ example: 'first_aid' })
  code!: string;

  @ApiProperty({ type: LocalizedNameDto })
  name!: LocalizedNameDto;

  @ApiProperty({ enum: SKILL_GROUPS, example: 'medical' })
  group!: SkillGroup;

  @ApiProperty({ type: LocalizedNameDto, description: 'The name of `group`' })
  groupName!: LocalizedNameDto;
}
