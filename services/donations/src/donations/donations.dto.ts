/**
 * What the donation subjects accept, validated again on receipt (the service trusts no
 * caller). Each request is the `{ meta, data }` envelope.
 */
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
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
  CURRENCY_CODES,
  DONATION_IDEMPOTENCY_KEY_PATTERN,
  DONATION_LIMITS,
  DONATION_STATUSES,
  type ConfirmDonationPayload,
  type CurrencyCode,
  type DonationStatus,
  type ListDonationsPayload,
  type PledgeDonationPayload,
  type RefundDonationPayload,
  type RequestEnvelope,
} from '@spilno/contracts';
import { Envelope } from '../common/envelope';
import { ID_MAX_LENGTH, IsPlainText, PageData, Trim } from '../common/validators';

const LIMITS = DONATION_LIMITS;

export class PledgeDonationData implements PledgeDonationPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  campaignId!: string;

  @IsInt()
  @Min(1)
  @Max(LIMITS.amountMax)
  amount!: number;

  @IsOptional()
  @IsIn(CURRENCY_CODES)
  currency?: CurrencyCode;

  @IsOptional()
  @IsBoolean()
  anonymous?: boolean;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.messageMaxLength)
  @IsPlainText(true)
  message?: string | null;

  @IsString()
  @Matches(DONATION_IDEMPOTENCY_KEY_PATTERN, {
    message: 'idempotencyKey must be 1..100 printable ASCII characters',
  })
  idempotencyKey!: string;
}

export class ListDonationsData extends PageData implements ListDonationsPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  campaignId!: string;

  @IsOptional()
  @IsIn(DONATION_STATUSES)
  status?: DonationStatus;
}

export class ConfirmDonationData implements ConfirmDonationPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  donationId!: string;

  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.externalRefMaxLength)
  @IsPlainText(false)
  externalRef?: string | null;
}

export class RefundDonationData implements RefundDonationPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  donationId!: string;

  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.refundReasonMaxLength)
  @IsPlainText(false)
  reason?: string | null;
}

export class PledgeDonationRequest extends Envelope implements RequestEnvelope<PledgeDonationData> {
  @IsObject()
  @ValidateNested()
  @Type(() => PledgeDonationData)
  data!: PledgeDonationData;
}

export class ListDonationsRequest extends Envelope implements RequestEnvelope<ListDonationsData> {
  @IsObject()
  @ValidateNested()
  @Type(() => ListDonationsData)
  data!: ListDonationsData;
}

export class ConfirmDonationRequest
  extends Envelope
  implements RequestEnvelope<ConfirmDonationData>
{
  @IsObject()
  @ValidateNested()
  @Type(() => ConfirmDonationData)
  data!: ConfirmDonationData;
}

export class RefundDonationRequest extends Envelope implements RequestEnvelope<RefundDonationData> {
  @IsObject()
  @ValidateNested()
  @Type(() => RefundDonationData)
  data!: RefundDonationData;
}
