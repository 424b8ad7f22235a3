/** What the in-kind subjects accept, validated again on receipt. */
import { Type } from 'class-transformer';
import {
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
  DONATION_LIMITS,
  IN_KIND_PLEDGE_STATUSES,
  type InKindPledgeStatus,
  type ListInKindPledgesPayload,
  type PledgeInKindPayload,
  type ReceiveInKindPayload,
  type RequestEnvelope,
} from '@spilno/contracts';
import { Envelope } from '../common/envelope';
import { ID_MAX_LENGTH, IsPlainText, PageData, Trim } from '../common/validators';

const LIMITS = DONATION_LIMITS;

export class PledgeInKindData implements PledgeInKindPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  campaignId!: string;

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
}

export class ListInKindPledgesData extends PageData implements ListInKindPledgesPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  campaignId!: string;

  @IsOptional()
  @IsIn(IN_KIND_PLEDGE_STATUSES)
  status?: InKindPledgeStatus;
}

export class ReceiveInKindData implements ReceiveInKindPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  pledgeId!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.maxQuantity)
  quantity?: number;
}

export class PledgeInKindRequest extends Envelope implements RequestEnvelope<PledgeInKindData> {
  @IsObject()
  @ValidateNested()
  @Type(() => PledgeInKindData)
  data!: PledgeInKindData;
}

export class ListInKindPledgesRequest
  extends Envelope
  implements RequestEnvelope<ListInKindPledgesData>
{
  @IsObject()
  @ValidateNested()
  @Type(() => ListInKindPledgesData)
  data!: ListInKindPledgesData;
}

export class ReceiveInKindRequest extends Envelope implements RequestEnvelope<ReceiveInKindData> {
  @IsObject()
  @ValidateNested()
  @Type(() => ReceiveInKindData)
  data!: ReceiveInKindData;
}
