import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
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
  DEFAULT_CURRENCY,
  DONATION_LIMITS,
  DONATION_STATUSES,
  IN_KIND_PLEDGE_STATUSES,
  INITIATIVE_STATUSES,
  LEDGER_ENTRY_KINDS,
  PAGE_CURSOR_MAX_LENGTH,
  PAGE_LIMIT_DEFAULT,
  PAGE_LIMIT_MAX,
  type CampaignPage,
  type CampaignView,
  type CurrencyCode,
  type DonationPage,
  type DonationStatus,
  type DonationView,
  type ExpenseView,
  type InitiativeFundingView,
  type InitiativeStatus,
  type InKindLine,
  type InKindNeed,
  type InKindPledgePage,
  type InKindPledgeStatus,
  type InKindPledgeView,
  type LedgerEntryKind,
  type LedgerEntryView,
  type LedgerPage,
  type LedgerVerification,
  type Money,
} from '@spilno/contracts';
import { IfPresent, IsPlainText, QueryNumber, Trim } from '../initiatives/validators';

// The donations service validates these again (and the money rules the body alone cannot
// show: the campaign's currency, the configured maximum); limits here keep junk off the bus.

const LIMITS = DONATION_LIMITS;
const CURSOR = /^[A-Za-z0-9_-]+$/;
const AMOUNT_DOC = {
  type: 'integer',
  minimum: 1,
  maximum: LIMITS.amountMax,
  example: 150000,
  description:
    'Integer minor units (150000 UAH = 1 500.00 hryvnias). The service refuses amounts above ' +
    'its configured maximum (DONATION_MAX_MINOR, default 10 000 000 000) with 422',
} as const;
const CURRENCY_DOC = {
  enum: CURRENCY_CODES,
  default: DEFAULT_CURRENCY,
  example: 'UAH',
  description: "ISO 4217; must be the campaign's currency (422 otherwise)",
} as const;

// --- bodies ---------------------------------------------------------------------------------

export class GoalDto {
  @ApiProperty({ ...AMOUNT_DOC, description: 'Integer minor units', example: 50000000 })
  @IsInt()
  @Min(1)
  @Max(LIMITS.amountMax)
  amount!: number;

  @ApiPropertyOptional({ enum: CURRENCY_CODES, default: DEFAULT_CURRENCY })
  @IsOptional()
  @IsIn(CURRENCY_CODES, { message: 'currency must be an ISO 4217 code, e.g. UAH' })
  currency?: CurrencyCode;
}

export class InKindNeedDto implements InKindNeed {
  @ApiProperty({
    example: 'Ковдри',
    minLength: 1,
    maxLength: LIMITS.itemMaxLength,
    description: 'Trimmed; unique per campaign, case aside',
  })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.itemMaxLength)
  @IsPlainText(false)
  item!: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: LIMITS.maxQuantity, example: 200 })
  @IsInt()
  @Min(1)
  @Max(LIMITS.maxQuantity)
  quantity!: number;

  @ApiProperty({ example: 'шт', minLength: 1, maxLength: LIMITS.unitMaxLength })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.unitMaxLength)
  @IsPlainText(false)
  unit!: string;
}

/** `POST /initiatives/:id/campaigns` */
export class CreateCampaignDto {
  @ApiProperty({
    example: 'Генератор для укриття',
    minLength: LIMITS.titleMinLength,
    maxLength: LIMITS.titleMaxLength,
    description: 'Trimmed; plain text, verbatim',
  })
  @Trim()
  @IsString()
  @MinLength(LIMITS.titleMinLength)
  @MaxLength(LIMITS.titleMaxLength)
  @IsPlainText(false)
  title!: string;

  @ApiProperty({ type: GoalDto, description: 'Every donation and expense is in its currency' })
  @IsObject()
  @ValidateNested()
  @Type(() => GoalDto)
  goal!: GoalDto;

  @ApiPropertyOptional({ type: [InKindNeedDto], maxItems: LIMITS.maxInKindNeeds })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(LIMITS.maxInKindNeeds)
  @ValidateNested({ each: true })
  @Type(() => InKindNeedDto)
  inKindNeeds?: InKindNeedDto[];
}

/** `POST /campaigns/:id/donations` */
export class PledgeDonationDto {
  @ApiProperty(AMOUNT_DOC)
  @IsInt()
  @Min(1)
  @Max(LIMITS.amountMax)
  amount!: number;

  @ApiPropertyOptional(CURRENCY_DOC)
  @IsOptional()
  @IsIn(CURRENCY_CODES, { message: 'currency must be an ISO 4217 code, e.g. UAH' })
  currency?: CurrencyCode;

  @ApiPropertyOptional({
    default: false,
    description: 'Show "anonymous" on the public ledger instead of the display name',
  })
  @IsOptional()
  @IsBoolean()
  anonymous?: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: LIMITS.messageMaxLength,
    description: 'For the organizers only; never on the ledger',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.messageMaxLength)
  @IsPlainText(true)
  message?: string | null;
}

/** `POST /donations/:id/confirm` */
export class ConfirmDonationDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: LIMITS.externalRefMaxLength,
    example: 'PB-2025-06-01-000123',
    description: 'What proves the money arrived (a bank transfer id); one per donation',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.externalRefMaxLength)
  @IsPlainText(false)
  externalRef?: string | null;
}

/** `POST /donations/:id/refund` */
export class RefundDonationDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: LIMITS.refundReasonMaxLength,
    description: "Public: the refund entry's description on the ledger",
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.refundReasonMaxLength)
  @IsPlainText(false)
  reason?: string | null;
}

/** `POST /campaigns/:id/expenses` */
export class CreateExpenseDto {
  @ApiProperty(AMOUNT_DOC)
  @IsInt()
  @Min(1)
  @Max(LIMITS.amountMax)
  amount!: number;

  @ApiPropertyOptional(CURRENCY_DOC)
  @IsOptional()
  @IsIn(CURRENCY_CODES, { message: 'currency must be an ISO 4217 code, e.g. UAH' })
  currency?: CurrencyCode;

  @ApiProperty({
    example: 'Генератор 5 кВт, накладна №17',
    minLength: 1,
    maxLength: LIMITS.descriptionMaxLength,
    description: 'Public: what the money paid for; trimmed',
  })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.descriptionMaxLength)
  @IsPlainText(true)
  description!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'uri',
    maxLength: LIMITS.receiptUrlMaxLength,
    description: 'https only; public',
  })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.receiptUrlMaxLength)
  @IsUrl(
    { protocols: ['https'], require_protocol: true, require_valid_protocol: true },
    { message: 'receiptUrl must be an https URL' },
  )
  receiptUrl?: string | null;
}

/** `POST /campaigns/:id/in-kind-pledges` */
export class PledgeInKindDto {
  @ApiProperty({
    example: 'ковдри',
    minLength: 1,
    maxLength: LIMITS.itemMaxLength,
    description: "One of the campaign's needs (case aside; 422 otherwise)",
  })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.itemMaxLength)
  @IsPlainText(false)
  item!: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: LIMITS.maxQuantity, example: 10 })
  @IsInt()
  @Min(1)
  @Max(LIMITS.maxQuantity)
  quantity!: number;
}

/** `POST /in-kind-pledges/:id/receive` */
export class ReceiveInKindDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: LIMITS.maxQuantity,
    description: 'What arrived, at most the pledged quantity (default: all of it)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.maxQuantity)
  quantity?: number;
}

// --- queries --------------------------------------------------------------------------------

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT })
  @IsOptional()
  @QueryNumber()
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit?: number;

  @ApiPropertyOptional({
    maxLength: PAGE_CURSOR_MAX_LENGTH,
    description: "The previous page's `nextCursor`; opaque",
  })
  @IsOptional()
  @IsString()
  @MaxLength(PAGE_CURSOR_MAX_LENGTH)
  @Matches(CURSOR, { message: 'cursor is invalid' })
  cursor?: string;
}

export class ListDonationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DONATION_STATUSES })
  @IsOptional()
  @IsIn(DONATION_STATUSES)
  status?: DonationStatus;
}

export class ListInKindPledgesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: IN_KIND_PLEDGE_STATUSES })
  @IsOptional()
  @IsIn(IN_KIND_PLEDGE_STATUSES)
  status?: InKindPledgeStatus;
}

// --- answers --------------------------------------------------------------------------------

export class MoneyDto implements Money {
  @ApiProperty({ type: 'integer', example: 50000000, description: 'Integer minor units' })
  amount!: number;

  @ApiProperty({ enum: CURRENCY_CODES, example: 'UAH' })
  currency!: CurrencyCode;
}

export class InKindLineDto implements InKindLine {
  @ApiProperty({ example: 'Ковдри' })
  item!: string;

  @ApiProperty({ example: 'шт' })
  unit!: string;

  @ApiProperty({ type: 'integer', example: 200 })
  needed!: number;

  @ApiProperty({ type: 'integer', example: 120, description: 'May exceed needed' })
  pledged!: number;

  @ApiProperty({ type: 'integer', example: 80 })
  received!: number;
}

export class LedgerHeadDto {
  @ApiProperty({ type: 'integer', example: 42 })
  entries!: number;

  @ApiProperty({ example: 'a3f1…', description: 'The last entry’s hash; 64 zeros when empty' })
  headHash!: string;
}

export class CampaignDto implements CampaignView {
  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9d0' })
  id!: string;

  @ApiProperty()
  initiativeId!: string;

  @ApiProperty()
  organizationId!: string;

  @ApiProperty({ example: 'Генератор для укриття' })
  title!: string;

  @ApiProperty({ type: MoneyDto })
  goal!: MoneyDto;

  @ApiProperty({ enum: CURRENCY_CODES, example: 'UAH' })
  currency!: CurrencyCode;

  @ApiProperty({ type: 'integer', description: 'Confirmed donations minus refunds' })
  raised!: number;

  @ApiProperty({ type: 'integer', description: 'Expenses' })
  spent!: number;

  @ApiProperty({ type: 'integer', description: 'raised - spent; never negative' })
  balance!: number;

  @ApiProperty({
    type: 'integer',
    description: 'Confirmed donations not refunded (the ledger cannot tell people apart)',
  })
  donors!: number;

  @ApiProperty({ type: [InKindLineDto] })
  inKind!: InKindLineDto[];

  @ApiProperty({ type: LedgerHeadDto })
  ledger!: LedgerHeadDto;

  @ApiProperty({ enum: INITIATIVE_STATUSES, description: 'Donations only while `published`' })
  initiativeStatus!: InitiativeStatus;

  @ApiProperty({ example: '2025-05-01T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2025-05-02T10:00:00.000Z' })
  updatedAt!: string;
}

export class CampaignPageDto implements CampaignPage {
  @ApiProperty({ type: [CampaignDto] })
  items!: CampaignDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

class FundingMoneyDto {
  @ApiProperty({ enum: CURRENCY_CODES, example: 'UAH' })
  currency!: CurrencyCode;

  @ApiProperty({ type: 'integer' })
  raised!: number;

  @ApiProperty({ type: 'integer' })
  spent!: number;

  @ApiProperty({ type: 'integer' })
  balance!: number;

  @ApiProperty({ type: 'integer' })
  donors!: number;
}

class InKindValueDto {
  @ApiProperty({ enum: ['in-kind value'] })
  label!: 'in-kind value';

  @ApiProperty({ enum: ['volunteer_hours'] })
  kind!: 'volunteer_hours';

  @ApiProperty({ example: 96.5, description: 'Verified hours of completed applications' })
  hours!: number;

  @ApiProperty({ type: MoneyDto, description: 'VOLUNTEER_HOUR_VALUE_MINOR of the service' })
  ratePerHour!: MoneyDto;

  @ApiProperty({ type: MoneyDto, description: 'hours x rate: in-kind value, not money' })
  value!: MoneyDto;
}

export class FundingDto implements InitiativeFundingView {
  @ApiProperty()
  initiativeId!: string;

  @ApiProperty({ type: 'integer' })
  campaigns!: number;

  @ApiProperty({ type: [FundingMoneyDto], description: 'Money, per currency' })
  money!: FundingMoneyDto[];

  @ApiProperty({ type: InKindValueDto, description: 'Never added to money' })
  inKindValue!: InKindValueDto;
}

export class DonationDto implements DonationView {
  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9d1', description: 'Quote it with the payment' })
  id!: string;

  @ApiProperty()
  campaignId!: string;

  @ApiProperty()
  initiativeId!: string;

  @ApiProperty({ type: 'integer', example: 150000 })
  amount!: number;

  @ApiProperty({ enum: CURRENCY_CODES, example: 'UAH' })
  currency!: CurrencyCode;

  @ApiProperty()
  anonymous!: boolean;

  @ApiProperty({ type: String, nullable: true })
  message!: string | null;

  @ApiProperty({ enum: DONATION_STATUSES })
  status!: DonationStatus;

  @ApiProperty({ type: String, nullable: true })
  externalRef!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'manual' })
  confirmedVia!: string | null;

  @ApiProperty({ example: '2025-05-01T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ type: String, nullable: true })
  confirmedAt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  refundedAt!: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  ledgerSeq!: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  refundLedgerSeq!: number | null;
}

export class DonationPageDto implements DonationPage {
  @ApiProperty({ type: [DonationDto] })
  items!: DonationDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class ExpenseDto implements ExpenseView {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  campaignId!: string;

  @ApiProperty({ type: 'integer' })
  amount!: number;

  @ApiProperty({ enum: CURRENCY_CODES })
  currency!: CurrencyCode;

  @ApiProperty()
  description!: string;

  @ApiProperty({ type: String, nullable: true })
  receiptUrl!: string | null;

  @ApiProperty({ type: 'integer' })
  ledgerSeq!: number;

  @ApiProperty()
  createdAt!: string;
}

export class InKindPledgeDto implements InKindPledgeView {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  campaignId!: string;

  @ApiProperty()
  item!: string;

  @ApiProperty()
  unit!: string;

  @ApiProperty({ type: 'integer' })
  quantity!: number;

  @ApiProperty({ enum: IN_KIND_PLEDGE_STATUSES })
  status!: InKindPledgeStatus;

  @ApiProperty({ type: 'integer', nullable: true })
  receivedQuantity!: number | null;

  @ApiProperty()
  createdAt!: string;

  @ApiProperty({ type: String, nullable: true })
  receivedAt!: string | null;
}

export class InKindPledgePageDto implements InKindPledgePage {
  @ApiProperty({ type: [InKindPledgeDto] })
  items!: InKindPledgeDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class LedgerEntryDto implements LedgerEntryView {
  @ApiProperty({ type: 'integer', example: 1 })
  seq!: number;

  @ApiProperty({ enum: LEDGER_ENTRY_KINDS })
  kind!: LedgerEntryKind;

  @ApiProperty({ type: 'integer', example: 150000 })
  amount!: number;

  @ApiProperty({ enum: CURRENCY_CODES })
  currency!: CurrencyCode;

  @ApiProperty({ example: '2025-05-01T10:00:00.000Z', description: 'Hashed exactly as shown' })
  at!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Олена',
    description: 'Donations: the display name, or "anonymous"; never an email or an id',
  })
  donor!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Donations: hashed instead of donor' })
  donorCommitment!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Donations: the commitment’s salt; null once the donor’s account was erased',
  })
  donorSalt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  description!: string | null;

  @ApiProperty({ type: String, nullable: true })
  receiptUrl!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Refunds: the donation’s seq' })
  refundOf!: number | null;

  @ApiProperty({
    description:
      'The previous entry’s hash; 64 zeros for seq 1; empty if that entry is gone (see verify)',
  })
  prevHash!: string;

  @ApiProperty({ description: 'SHA-256, hex; see the donations service README for the encoding' })
  hash!: string;
}

export class LedgerPageDto implements LedgerPage {
  @ApiProperty()
  campaignId!: string;

  @ApiProperty({ type: [LedgerEntryDto] })
  items!: LedgerEntryDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class LedgerVerificationDto implements LedgerVerification {
  @ApiProperty()
  campaignId!: string;

  @ApiProperty()
  intact!: boolean;

  @ApiProperty({ type: 'integer', description: 'Entries checked (up to the first broken one)' })
  entries!: number;

  @ApiPropertyOptional({ type: 'integer', description: 'The seq of the first entry that fails' })
  brokenAt?: number;

  @ApiPropertyOptional({ description: 'Why it fails' })
  reason?: string;

  @ApiProperty({ description: 'The last checked entry’s hash' })
  headHash!: string;
}
