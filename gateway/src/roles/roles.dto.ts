import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional } from 'class-validator';
import {
  GRANTABLE_ROLES,
  type GrantableRole,
  type Role,
  type UserRolesView,
} from '@spilno/contracts';

export class UpdateRolesDto {
  @ApiPropertyOptional({ enum: GRANTABLE_ROLES, isArray: true, example: ['researcher'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(GRANTABLE_ROLES.length)
  @ArrayUnique()
  @IsIn(GRANTABLE_ROLES, { each: true })
  add?: GrantableRole[];

  @ApiPropertyOptional({ enum: GRANTABLE_ROLES, isArray: true, example: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(GRANTABLE_ROLES.length)
  @ArrayUnique()
  @IsIn(GRANTABLE_ROLES, { each: true })
  remove?: GrantableRole[];
}

export class UserRolesDto implements UserRolesView {
  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5b' })
  id!: string;

  @ApiProperty({ enum: ['citizen', 'researcher', 'admin'], isArray: true })
  roles!: Role[];
}
