/** What `donations.expense.create.v1` accepts, validated again on receipt. */
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
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
  type CreateExpensePayload,
  type CurrencyCode,
  type RequestEnvelope,
} from '@spilno/contracts';
import { Envelope } from '../common/envelope';
import { ID_MAX_LENGTH, IsPlainText, Trim } from '../common/validators';

const LIMITS = DONATION_LIMITS;

export class CreateExpenseData implements CreateExpensePayload {
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

  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.descriptionMaxLength)
  @IsPlainText(true)
  description!: string;

  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.receiptUrlMaxLength)
  @IsUrl(
    { protocols: ['https'], require_protocol: true, require_valid_protocol: true },
    { message: 'receiptUrl must be an https URL' },
  )
  receiptUrl?: string | null;

  @IsString()
  @Matches(DONATION_IDEMPOTENCY_KEY_PATTERN, {
    message: 'idempotencyKey must be 1..100 printable ASCII characters',
  })
  idempotencyKey!: string;
}

export class CreateExpenseRequest extends Envelope implements RequestEnvelope<CreateExpenseData> {
  @IsObject()
  @ValidateNested()
  @Type(() => CreateExpenseData)
  data!: CreateExpenseData;
}
