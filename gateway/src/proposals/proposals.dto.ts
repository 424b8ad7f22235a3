import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import {
  PROPOSAL_LIMITS,
  PROPOSAL_REVIEW_STATUSES,
  PROPOSAL_SORTS,
  PROPOSAL_STATUSES,
  type PersonRef,
  type ProposalPage,
  type ProposalReviewStatus,
  type ProposalSort,
  type ProposalStatus,
  type ProposalView,
  type VoteView,
} from '@spilno/contracts';
import { PageQuery } from '../applications/page.query';
import { IsPlainText, Trim } from '../initiatives/validators';

// The initiatives service validates these again; limits here keep junk off the bus.

/** `POST /initiatives/:id/proposals` */
export class CreateProposalDto {
  @ApiProperty({
    minLength: PROPOSAL_LIMITS.titleMinLength,
    maxLength: PROPOSAL_LIMITS.titleMaxLength,
    example: 'Пандус до входу в ЦНАП',
    description: 'Trimmed; plain text, verbatim',
  })
  @Trim()
  @IsString()
  @MinLength(PROPOSAL_LIMITS.titleMinLength)
  @MaxLength(PROPOSAL_LIMITS.titleMaxLength)
  @IsPlainText(false)
  title!: string;

  @ApiProperty({
    minLength: PROPOSAL_LIMITS.bodyMinLength,
    maxLength: PROPOSAL_LIMITS.bodyMaxLength,
    example: 'Людям на візках і з колясками важко потрапити всередину.',
    description: 'Plain text, verbatim (never rendered as HTML); line breaks allowed',
  })
  @IsString()
  @MinLength(PROPOSAL_LIMITS.bodyMinLength)
  @MaxLength(PROPOSAL_LIMITS.bodyMaxLength)
  @Matches(/\S/, { message: 'body must not be blank' })
  @IsPlainText(true)
  body!: string;
}

/** `PATCH /proposals/:id` */
export class ReviewProposalDto {
  @ApiProperty({
    enum: PROPOSAL_REVIEW_STATUSES,
    description:
      'new -> under_review | accepted | rejected; under_review -> accepted | rejected; ' +
      'accepted -> implemented; the current status again only changes the response',
  })
  @IsIn(PROPOSAL_REVIEW_STATUSES)
  status!: ProposalReviewStatus;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: PROPOSAL_LIMITS.responseMaxLength,
    description: 'The organizers’ answer, plain text; `null` clears it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(PROPOSAL_LIMITS.responseMaxLength)
  @Matches(/\S/, { message: 'response must not be blank' })
  @IsPlainText(true)
  response?: string | null;
}

/** `GET /initiatives/:id/proposals` */
export class ListProposalsQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: PROPOSAL_SORTS,
    default: 'new',
    description: '`votes`: most voted first; `new`: newest first',
  })
  @IsOptional()
  @IsIn(PROPOSAL_SORTS)
  sort?: ProposalSort;
}

export class PersonRefDto implements PersonRef {
  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5c' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Олена' })
  displayName!: string | null;
}

export class ProposalDto implements ProposalView {
  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9a1' })
  id!: string;

  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9d0' })
  initiativeId!: string;

  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5b' })
  organizationId!: string;

  @ApiProperty({ example: 'Пандус до входу в ЦНАП' })
  title!: string;

  @ApiProperty()
  body!: string;

  @ApiProperty({ enum: PROPOSAL_STATUSES })
  status!: ProposalStatus;

  @ApiProperty({ type: String, nullable: true })
  response!: string | null;

  @ApiProperty({ type: String, nullable: true })
  respondedAt!: string | null;

  @ApiProperty({ example: 17 })
  votes!: number;

  @ApiProperty({
    type: PersonRefDto,
    nullable: true,
    description: 'Only id and display name; null once the author’s account was erased',
  })
  author!: PersonRefDto | null;

  @ApiProperty({ description: 'Whether the caller voted for it' })
  voted!: boolean;

  @ApiProperty()
  createdAt!: string;

  @ApiProperty()
  updatedAt!: string;
}

export class ProposalPageDto implements ProposalPage {
  @ApiProperty({ type: [ProposalDto] })
  items!: ProposalDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class VoteDto implements VoteView {
  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9a1' })
  proposalId!: string;

  @ApiProperty({ example: 18 })
  votes!: number;

  @ApiProperty({ example: true })
  voted!: boolean;
}
