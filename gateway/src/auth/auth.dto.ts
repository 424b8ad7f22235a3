import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import {
  LOCALES,
  type AccountView,
  type AuthSession,
  type Locale,
  type Role,
} from '@spilno/contracts';

// The users service validates these again; limits here keep junk off the bus.

export class RegisterDto {
  @ApiProperty({ example: 'olena@example.org', format: 'email', maxLength: 254 })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ minLength: 10, maxLength: 256, description: 'Not a common password' })
  @IsString()
  @MinLength(10)
  @MaxLength(256)
  password!: string;

  @ApiProperty({ example: 'Олена', minLength: 1, maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/\S/, { message: 'displayName must not be blank' })
  displayName!: string;

  @ApiPropertyOptional({ enum: LOCALES, default: 'uk' })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;
}

export class LoginDto {
  @ApiProperty({ example: 'olena@example.org', format: 'email', maxLength: 254 })
  @IsString()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ maxLength: 256 })
  @IsString()
  @MaxLength(256)
  password!: string;
}

export class RefreshTokenDto {
  @ApiProperty({ description: 'The refresh token of the last sign-in or refresh' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  refreshToken!: string;
}

export class AccountDto implements AccountView {
  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5b' })
  id!: string;

  @ApiProperty({ example: 'olena@example.org', format: 'email' })
  email!: string;

  @ApiProperty({ example: 'Олена' })
  displayName!: string;

  @ApiProperty({ enum: LOCALES })
  locale!: Locale;

  @ApiProperty({ enum: ['citizen', 'researcher', 'admin'], isArray: true })
  roles!: Role[];

  @ApiProperty({ example: '2025-03-01T10:00:00.000Z' })
  createdAt!: string;
}

export class AuthSessionDto implements AuthSession {
  @ApiProperty({ type: AccountDto })
  user!: AccountDto;

  @ApiProperty({ description: 'JWT for `Authorization: Bearer`; lives 15 minutes' })
  accessToken!: string;

  @ApiProperty({ example: 900 })
  accessTokenExpiresIn!: number;

  @ApiProperty({ description: 'Spent on use; a spent one presented again revokes its family' })
  refreshToken!: string;
}
