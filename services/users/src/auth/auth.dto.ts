/**
 * What the auth subjects accept, validated again on receipt (the service trusts no caller).
 * Each request is the `{ meta, data }` envelope; `meta` is the gateway's, `data` is checked here.
 */
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsIP,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  LOCALES,
  type Locale,
  type LoginPayload,
  type LogoutPayload,
  type RefreshPayload,
  type RegisterAccountPayload,
  type RequestEnvelope,
} from '@spilno/contracts';
import { Envelope } from '../common/envelope';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../accounts/password-policy';

export class RegisterData implements RegisterAccountPayload {
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName!: string;

  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;

  @IsIP()
  clientIp!: string;
}

export class LoginData implements LoginPayload {
  @IsString()
  @MaxLength(254)
  email!: string;

  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;

  @IsIP()
  clientIp!: string;
}

export class RefreshTokenData implements RefreshPayload, LogoutPayload {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  refreshToken!: string;
}

export class RegisterRequest extends Envelope implements RequestEnvelope<RegisterData> {
  @IsObject()
  @ValidateNested()
  @Type(() => RegisterData)
  data!: RegisterData;
}

export class LoginRequest extends Envelope implements RequestEnvelope<LoginData> {
  @IsObject()
  @ValidateNested()
  @Type(() => LoginData)
  data!: LoginData;
}

export class RefreshTokenRequest extends Envelope implements RequestEnvelope<RefreshTokenData> {
  @IsObject()
  @ValidateNested()
  @Type(() => RefreshTokenData)
  data!: RefreshTokenData;
}
