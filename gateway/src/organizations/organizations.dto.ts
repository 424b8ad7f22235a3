import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import {
  ORGANIZATION_DESCRIPTION_MAX_LENGTH,
  ORGANIZATION_KINDS,
  ORGANIZATION_NAME_MAX_LENGTH,
  ORGANIZATION_NAME_MIN_LENGTH,
  ORGANIZATION_ROLES,
  ORGANIZATION_STATUSES,
  PAGE_CURSOR_MAX_LENGTH,
  PAGE_LIMIT_DEFAULT,
  PAGE_LIMIT_MAX,
  REGION_CODES,
  type CreateOrganizationPayload,
  type MemberPage,
  type MemberView,
  type OrganizationKind,
  type OrganizationPage,
  type OrganizationRole,
  type OrganizationStatus,
  type OrganizationView,
  type RegionCode,
} from '@spilno/contracts';

// The users service validates these again; limits here keep junk off the bus.

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateOrganizationDto implements CreateOrganizationPayload {
  @ApiProperty({
    example: 'Громада Дніпра',
    minLength: ORGANIZATION_NAME_MIN_LENGTH,
    maxLength: ORGANIZATION_NAME_MAX_LENGTH,
    description: 'Trimmed',
  })
  @Transform(trim)
  @IsString()
  @MinLength(ORGANIZATION_NAME_MIN_LENGTH)
  @MaxLength(ORGANIZATION_NAME_MAX_LENGTH)
  name!: string;

  @ApiProperty({ enum: ORGANIZATION_KINDS })
  @IsIn(ORGANIZATION_KINDS)
  kind!: OrganizationKind;

  @ApiProperty({ enum: REGION_CODES, example: 'UA-12', description: 'ISO 3166-2:UA oblast code' })
  @IsIn(REGION_CODES)
  region!: RegionCode;

  @ApiPropertyOptional({ maxLength: ORGANIZATION_DESCRIPTION_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(ORGANIZATION_DESCRIPTION_MAX_LENGTH)
  description?: string;
}

/** `?limit=&cursor=` of every list here (api.md, Conventions). */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit?: number;

  @ApiPropertyOptional({
    description: "Opaque: the previous page's `nextCursor`",
    maxLength: PAGE_CURSOR_MAX_LENGTH,
    pattern: '^[A-Za-z0-9_-]+$',
  })
  @IsOptional()
  @IsString()
  @MaxLength(PAGE_CURSOR_MAX_LENGTH)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a cursor this API returned' })
  cursor?: string;
}

export class ListOrganizationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REGION_CODES })
  @IsOptional()
  @IsIn(REGION_CODES)
  region?: RegionCode;

  @ApiPropertyOptional({ enum: ORGANIZATION_KINDS })
  @IsOptional()
  @IsIn(ORGANIZATION_KINDS)
  kind?: OrganizationKind;
}

export class AddMemberDto {
  @ApiProperty({
    example: 'taras@example.org',
    format: 'email',
    maxLength: 254,
    description: 'An account email',
  })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ enum: ORGANIZATION_ROLES })
  @IsIn(ORGANIZATION_ROLES)
  role!: OrganizationRole;
}

export class OrganizationDto implements OrganizationView {
  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5b' })
  id!: string;

  @ApiProperty({ example: 'Громада Дніпра' })
  name!: string;

  @ApiProperty({ enum: ORGANIZATION_KINDS })
  kind!: OrganizationKind;

  @ApiProperty({ enum: REGION_CODES, example: 'UA-12' })
  region!: RegionCode;

  @ApiProperty({ type: String, nullable: true })
  description!: string | null;

  @ApiProperty({ enum: ORGANIZATION_STATUSES })
  status!: OrganizationStatus;

  @ApiProperty({ example: 3 })
  membersCount!: number;

  @ApiProperty({ example: '2025-03-01T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2025-03-01T10:00:00.000Z' })
  updatedAt!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  verifiedAt!: string | null;
}

export class OrganizationPageDto implements OrganizationPage {
  @ApiProperty({ type: [OrganizationDto] })
  items!: OrganizationDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Null on the last page' })
  nextCursor!: string | null;
}

export class MemberDto implements MemberView {
  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5b' })
  userId!: string;

  @ApiProperty({ example: 'Тарас' })
  displayName!: string;

  @ApiProperty({ enum: ORGANIZATION_ROLES })
  role!: OrganizationRole;
}

export class MemberPageDto implements MemberPage {
  @ApiProperty({ type: [MemberDto] })
  items!: MemberDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Null on the last page' })
  nextCursor!: string | null;
}
