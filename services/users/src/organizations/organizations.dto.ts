/**
 * What the organization and membership subjects accept, validated again on receipt (the
 * service trusts no caller). Each request is the `{ meta, data }` envelope.
 */
import { Transform, Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  ORGANIZATION_DESCRIPTION_MAX_LENGTH,
  ORGANIZATION_KINDS,
  ORGANIZATION_NAME_MAX_LENGTH,
  ORGANIZATION_NAME_MIN_LENGTH,
  ORGANIZATION_ROLES,
  PAGE_CURSOR_MAX_LENGTH,
  PAGE_LIMIT_MAX,
  REGION_CODES,
  type AddMemberPayload,
  type CreateOrganizationPayload,
  type ListMembersPayload,
  type ListOrganizationsPayload,
  type OrganizationIdPayload,
  type OrganizationKind,
  type OrganizationRole,
  type RegionCode,
  type RemoveMemberPayload,
  type RequestEnvelope,
} from '@spilno/contracts';
import { Envelope } from '../common/envelope';

/**
 * Ids are any short string; one that names nothing the caller may see is `not_found`. Longer
 * than any path segment the gateway routes (Fastify's 100), so a malformed id is a 404 there.
 */
export const ID_MAX_LENGTH = 128;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateOrganizationData implements CreateOrganizationPayload {
  @Transform(trim)
  @IsString()
  @MinLength(ORGANIZATION_NAME_MIN_LENGTH)
  @MaxLength(ORGANIZATION_NAME_MAX_LENGTH)
  name!: string;

  @IsIn(ORGANIZATION_KINDS)
  kind!: OrganizationKind;

  @IsIn(REGION_CODES)
  region!: RegionCode;

  @IsOptional()
  @IsString()
  @MaxLength(ORGANIZATION_DESCRIPTION_MAX_LENGTH)
  description?: string;
}

export class PageData {
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

export class ListOrganizationsData extends PageData implements ListOrganizationsPayload {
  @IsOptional()
  @IsIn(REGION_CODES)
  region?: RegionCode;

  @IsOptional()
  @IsIn(ORGANIZATION_KINDS)
  kind?: OrganizationKind;
}

export class OrganizationIdData implements OrganizationIdPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  organizationId!: string;
}

export class ListMembersData extends PageData implements ListMembersPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  organizationId!: string;
}

export class AddMemberData extends OrganizationIdData implements AddMemberPayload {
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @IsIn(ORGANIZATION_ROLES)
  role!: OrganizationRole;
}

export class RemoveMemberData extends OrganizationIdData implements RemoveMemberPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  userId!: string;
}

export class CreateOrganizationRequest
  extends Envelope
  implements RequestEnvelope<CreateOrganizationData>
{
  @IsObject()
  @ValidateNested()
  @Type(() => CreateOrganizationData)
  data!: CreateOrganizationData;
}

export class ListOrganizationsRequest
  extends Envelope
  implements RequestEnvelope<ListOrganizationsData>
{
  @IsObject()
  @ValidateNested()
  @Type(() => ListOrganizationsData)
  data!: ListOrganizationsData;
}

export class OrganizationIdRequest extends Envelope implements RequestEnvelope<OrganizationIdData> {
  @IsObject()
  @ValidateNested()
  @Type(() => OrganizationIdData)
  data!: OrganizationIdData;
}

export class ListMembersRequest extends Envelope implements RequestEnvelope<ListMembersData> {
  @IsObject()
  @ValidateNested()
  @Type(() => ListMembersData)
  data!: ListMembersData;
}

export class AddMemberRequest extends Envelope implements RequestEnvelope<AddMemberData> {
  @IsObject()
  @ValidateNested()
  @Type(() => AddMemberData)
  data!: AddMemberData;
}

export class RemoveMemberRequest extends Envelope implements RequestEnvelope<RemoveMemberData> {
  @IsObject()
  @ValidateNested()
  @Type(() => RemoveMemberData)
  data!: RemoveMemberData;
}
