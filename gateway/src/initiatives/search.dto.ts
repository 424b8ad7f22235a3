import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import {
  INITIATIVE_CATEGORIES,
  INITIATIVE_MODES,
  INITIATIVE_STATUSES,
  OBJECT_ID_PATTERN,
  PAGE_CURSOR_MAX_LENGTH,
  PAGE_LIMIT_DEFAULT,
  PAGE_LIMIT_MAX,
  REGION_CODES,
  SEARCH_LIMITS,
  TASK_LIMITS,
  TASK_STATUSES,
  type InitiativeCategory,
  type InitiativeMode,
  type InitiativeStatus,
  type ListTasksPayload,
  type RegionCode,
  type SearchInitiativesPayload,
  type TaskStatus,
} from '@spilno/contracts';
import { IsPlainText, QueryNumber } from './validators';

const SKILL_LIST = /^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$/;
const NEAR = /^(-?\d{1,3}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?)$/;
const CURSOR = /^[A-Za-z0-9_-]+$/;
const SKILLS_MAX_LENGTH = SEARCH_LIMITS.maxSkills * (TASK_LIMITS.skillCodeMaxLength + 1);

/** `near=lat,lng` as a point, or null when it is not one (range included). */
export function parseNear(value: string): { lat: number; lng: number } | null {
  const match = NEAR.exec(value);
  if (!match) return null;
  const lat = Number(match[1]);
  const lng = Number(match[2]);
  return Math.abs(lat) <= 90 && Math.abs(lng) <= 180 ? { lat, lng } : null;
}

function IsNearPoint(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isNearPoint',
      validator: {
        validate: (value) => typeof value === 'string' && parseNear(value) !== null,
        defaultMessage: () => 'near must be "lat,lng" in degrees (lat -90..90, lng -180..180)',
      },
    },
    options,
  );
}

function IsSkillList(options?: ValidationOptions) {
  const problem = (value: unknown): string | null => {
    if (typeof value !== 'string' || !SKILL_LIST.test(value)) {
      return 'skills must be a comma-separated list of skill codes (lower snake case)';
    }
    const codes = value.split(',');
    if (codes.length > SEARCH_LIMITS.maxSkills) {
      return `skills may name at most ${SEARCH_LIMITS.maxSkills} codes`;
    }
    if (codes.some((c) => c.length > TASK_LIMITS.skillCodeMaxLength)) {
      return `each skill code has at most ${TASK_LIMITS.skillCodeMaxLength} characters`;
    }
    return new Set(codes).size === codes.length ? null : 'skills must not repeat a code';
  };
  return ValidateBy(
    {
      name: 'isSkillList',
      validator: {
        validate: (value) => problem(value) === null,
        defaultMessage: (args) => problem(args?.value) ?? 'skills is invalid',
      },
    },
    options,
  );
}

class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT })
  @IsOptional()
  @QueryNumber()
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit?: number;

  @ApiPropertyOptional({
    maxLength: PAGE_CURSOR_MAX_LENGTH,
    description: "The previous page's `nextCursor`; opaque",
  })
  @IsOptional()
  @IsString()
  @MaxLength(PAGE_CURSOR_MAX_LENGTH)
  @Matches(CURSOR, { message: 'cursor is invalid' })
  cursor?: string;
}

/** `GET /initiatives` */
export class SearchInitiativesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: INITIATIVE_MODES })
  @IsOptional()
  @IsIn(INITIATIVE_MODES)
  mode?: InitiativeMode;

  @ApiPropertyOptional({ enum: INITIATIVE_CATEGORIES })
  @IsOptional()
  @IsIn(INITIATIVE_CATEGORIES)
  category?: InitiativeCategory;

  @ApiPropertyOptional({ enum: REGION_CODES, example: 'UA-12' })
  @IsOptional()
  @IsIn(REGION_CODES, { message: 'region must be an ISO 3166-2:UA code, e.g. UA-12' })
  region?: RegionCode;

  @ApiPropertyOptional({
    enum: INITIATIVE_STATUSES,
    description:
      'Default: published and completed ones. Drafts and cancelled ones only to members of ' +
      'the organization named in organizationId, and to admins (others get an empty page)',
  })
  @IsOptional()
  @IsIn(INITIATIVE_STATUSES)
  status?: InitiativeStatus;

  @ApiPropertyOptional({
    pattern: OBJECT_ID_PATTERN.source,
    description: "One organization's initiatives; its members also see every status",
  })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID_PATTERN, { message: 'organizationId must be an organization id' })
  organizationId?: string;

  @ApiPropertyOptional({
    example: 'first_aid,driving_licence_b',
    maxLength: SKILLS_MAX_LENGTH,
    description: `Comma list of up to ${SEARCH_LIMITS.maxSkills} skill codes: initiatives with an open task requiring any of them`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(SKILLS_MAX_LENGTH)
  @IsSkillList()
  skills?: string;

  @ApiPropertyOptional({
    example: 'пʼять',
    maxLength: SEARCH_LIMITS.qMaxLength,
    description:
      'Words (any matches) in title, description and tags, Ukrainian or English; case and ' +
      "the apostrophes ' ʼ ’ fold. Not with near",
  })
  @IsOptional()
  @IsString()
  @MaxLength(SEARCH_LIMITS.qMaxLength)
  @IsPlainText(false)
  q?: string;

  @ApiPropertyOptional({
    example: '48.4647,35.0462',
    description: '"lat,lng": nearest first, each item with distanceKm',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsNearPoint()
  near?: string;

  @ApiPropertyOptional({
    minimum: SEARCH_LIMITS.radiusKmMin,
    maximum: SEARCH_LIMITS.radiusKmMax,
    default: SEARCH_LIMITS.radiusKmDefault,
    description: 'Only with near',
  })
  @IsOptional()
  @QueryNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(SEARCH_LIMITS.radiusKmMin)
  @Max(SEARCH_LIMITS.radiusKmMax)
  radiusKm?: number;
}

export function toSearchPayload(query: SearchInitiativesQuery): SearchInitiativesPayload {
  const { skills, near, ...rest } = query;
  const payload: SearchInitiativesPayload = { ...rest };
  if (skills !== undefined) payload.skills = skills.split(',');
  const point = near === undefined ? null : parseNear(near);
  if (point) payload.near = point;
  return payload;
}

/** `GET /initiatives/:id/tasks` */
export class ListTasksQuery extends PageQuery implements Omit<ListTasksPayload, 'initiativeId'> {
  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;
}
