/**
 * What the proposal and vote subjects accept, validated again on receipt (the service trusts
 * no caller). Each request is the `{ meta, data }` envelope.
 */
import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  PROPOSAL_LIMITS,
  PROPOSAL_REVIEW_STATUSES,
  PROPOSAL_SORTS,
  type CreateProposalPayload,
  type ListProposalsPayload,
  type ProposalIdPayload,
  type ProposalReviewStatus,
  type ProposalSort,
  type RequestEnvelope,
  type ReviewProposalPayload,
} from '@spilno/contracts';
import { Envelope } from '../common/envelope';
import { IsPlainText, PageData, Trim } from '../common/validators';

/** Path ids: any short string; one that names nothing the caller may see is `not_found`. */
const ID_MAX_LENGTH = 64;

export class CreateProposalData implements CreateProposalPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  initiativeId!: string;

  @Trim()
  @IsString()
  @MinLength(PROPOSAL_LIMITS.titleMinLength)
  @MaxLength(PROPOSAL_LIMITS.titleMaxLength)
  @IsPlainText(false)
  title!: string;

  @IsString()
  @MinLength(PROPOSAL_LIMITS.bodyMinLength)
  @MaxLength(PROPOSAL_LIMITS.bodyMaxLength)
  @Matches(/\S/, { message: 'body must not be blank' })
  @IsPlainText(true)
  body!: string;
}

export class ListProposalsData extends PageData implements ListProposalsPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  initiativeId!: string;

  @IsOptional()
  @IsIn(PROPOSAL_SORTS)
  sort?: ProposalSort;
}

export class ProposalIdData implements ProposalIdPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  proposalId!: string;
}

export class ReviewProposalData extends ProposalIdData implements ReviewProposalPayload {
  @IsIn(PROPOSAL_REVIEW_STATUSES)
  status!: ProposalReviewStatus;

  @IsOptional()
  @IsString()
  @MaxLength(PROPOSAL_LIMITS.responseMaxLength)
  @Matches(/\S/, { message: 'response must not be blank' })
  @IsPlainText(true)
  response?: string | null;
}

export class CreateProposalRequest extends Envelope implements RequestEnvelope<CreateProposalData> {
  @IsObject()
  @ValidateNested()
  @Type(() => CreateProposalData)
  data!: CreateProposalData;
}

export class ListProposalsRequest extends Envelope implements RequestEnvelope<ListProposalsData> {
  @IsObject()
  @ValidateNested()
  @Type(() => ListProposalsData)
  data!: ListProposalsData;
}

export class ProposalIdRequest extends Envelope implements RequestEnvelope<ProposalIdData> {
  @IsObject()
  @ValidateNested()
  @Type(() => ProposalIdData)
  data!: ProposalIdData;
}

export class ReviewProposalRequest extends Envelope implements RequestEnvelope<ReviewProposalData> {
  @IsObject()
  @ValidateNested()
  @Type(() => ReviewProposalData)
  data!: ReviewProposalData;
}
