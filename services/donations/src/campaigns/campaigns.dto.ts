/**
 * What the campaign subjects accept, validated again on receipt (the service trusts no
 * caller). Each request is the `{ meta, data }` envelope.
 */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
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
  CURRENCY_CODES,
  DONATION_LIMITS,
  type CampaignIdPayload,
  type CreateCampaignPayload,
  type CurrencyCode,
  type InitiativeCampaignsPayload,
  type InitiativeIdPayload,
  type InKindNeed,
  type RequestEnvelope,
} from '@spilno/contracts';
import { Envelope } from '../common/envelope';
import { ID_MAX_LENGTH, IfPresent, IsPlainText, PageData, Trim } from '../common/validators';

const LIMITS = DONATION_LIMITS;

export class GoalData {
  @IsInt()
  @Min(1)
  @Max(LIMITS.amountMax)
  amount!: number;

  @IsOptional()
  @IsIn(CURRENCY_CODES)
  currency?: CurrencyCode;
}

export class InKindNeedData implements InKindNeed {
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.itemMaxLength)
  @IsPlainText(false)
  item!: string;

  @IsInt()
  @Min(1)
  @Max(LIMITS.maxQuantity)
  quantity!: number;

  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.unitMaxLength)
  @IsPlainText(false)
  unit!: string;
}

export class CreateCampaignData implements CreateCampaignPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  initiativeId!: string;

  @Trim()
  @IsString()
  @MinLength(LIMITS.titleMinLength)
  @MaxLength(LIMITS.titleMaxLength)
  @IsPlainText(false)
  title!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => GoalData)
  goal!: GoalData;

  @IfPresent()
  @IsArray()
  @ArrayMaxSize(LIMITS.maxInKindNeeds)
  @ValidateNested({ each: true })
  @Type(() => InKindNeedData)
  inKindNeeds?: InKindNeedData[];
}

export class CampaignIdData implements CampaignIdPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  campaignId!: string;
}

export class InitiativeIdData implements InitiativeIdPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  initiativeId!: string;
}

export class InitiativeCampaignsData extends PageData implements InitiativeCampaignsPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  initiativeId!: string;
}

export class CreateCampaignRequest extends Envelope implements RequestEnvelope<CreateCampaignData> {
  @IsObject()
  @ValidateNested()
  @Type(() => CreateCampaignData)
  data!: CreateCampaignData;
}

export class CampaignIdRequest extends Envelope implements RequestEnvelope<CampaignIdData> {
  @IsObject()
  @ValidateNested()
  @Type(() => CampaignIdData)
  data!: CampaignIdData;
}

export class InitiativeCampaignsRequest
  extends Envelope
  implements RequestEnvelope<InitiativeCampaignsData>
{
  @IsObject()
  @ValidateNested()
  @Type(() => InitiativeCampaignsData)
  data!: InitiativeCampaignsData;
}

export class InitiativeIdRequest extends Envelope implements RequestEnvelope<InitiativeIdData> {
  @IsObject()
  @ValidateNested()
  @Type(() => InitiativeIdData)
  data!: InitiativeIdData;
}
