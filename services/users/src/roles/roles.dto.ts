/** What `users.role.update.v1` accepts, validated again on receipt (the service trusts no caller). */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  GRANTABLE_ROLES,
  type GrantableRole,
  type RequestEnvelope,
  type UpdateRolesPayload,
} from '@spilno/contracts';
import { Envelope } from '../common/envelope';
import { ID_MAX_LENGTH } from '../organizations/organizations.dto';

export class UpdateRolesData implements UpdateRolesPayload {
  /** Any short string; one that is not an account's id is `not_found`. */
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  userId!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(GRANTABLE_ROLES.length)
  @ArrayUnique()
  @IsIn(GRANTABLE_ROLES, { each: true })
  add?: GrantableRole[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(GRANTABLE_ROLES.length)
  @ArrayUnique()
  @IsIn(GRANTABLE_ROLES, { each: true })
  remove?: GrantableRole[];
}

export class UpdateRolesRequest extends Envelope implements RequestEnvelope<UpdateRolesData> {
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateRolesData)
  data!: UpdateRolesData;
}
