import { DomainError, ErrorCode, type FieldError } from '@spilno/contracts';

export enum ProposalsErrorCode {
  /** Absent, or not visible to the caller. */
  ProposalNotFound = 'proposal_not_found',
  /** Visible to the caller, who may not do this to it. */
  NotAllowed = 'not_allowed',
  /** Proposals belong to co-design initiatives. */
  NotCoDesign = 'not_co_design',
  InitiativeNotPublished = 'initiative_not_published',
  /** The initiative is not published, or the proposal was decided: votes are closed. */
  VotingClosed = 'voting_closed',
  AlreadyVoted = 'already_voted',
  VoteNotFound = 'vote_not_found',
  /** The status cannot follow the current one (see `proposal-review.ts`). */
  WrongStatus = 'wrong_status',
  /** Organizers answer proposals of published or completed initiatives. */
  InitiativeNotActive = 'initiative_not_active',
  InvalidCursor = 'invalid_cursor',
}

/** The proposals module's failures, each translated here (and only here) to a `DomainError`. */
export class ProposalsError extends DomainError {
  constructor(
    readonly reason: ProposalsErrorCode,
    fieldErrors?: FieldError[],
  ) {
    const { code, message, field } = describe(reason);
    super(code, message, fieldErrors ?? (field ? [{ field, message }] : undefined));
    this.name = 'ProposalsError';
  }
}

function describe(reason: ProposalsErrorCode): {
  code: ErrorCode;
  message: string;
  field?: string;
} {
  switch (reason) {
    case ProposalsErrorCode.ProposalNotFound:
      return { code: ErrorCode.NotFound, message: 'the proposal does not exist' };
    case ProposalsErrorCode.NotAllowed:
      return { code: ErrorCode.Forbidden, message: 'you may not do this to this proposal' };
    case ProposalsErrorCode.NotCoDesign:
      return { code: ErrorCode.Conflict, message: 'only co-design initiatives take proposals' };
    case ProposalsErrorCode.InitiativeNotPublished:
      return { code: ErrorCode.Conflict, message: 'the initiative is not published' };
    case ProposalsErrorCode.VotingClosed:
      return { code: ErrorCode.Conflict, message: 'this proposal no longer takes votes' };
    case ProposalsErrorCode.AlreadyVoted:
      return { code: ErrorCode.Conflict, message: 'you already voted for this proposal' };
    case ProposalsErrorCode.VoteNotFound:
      return { code: ErrorCode.NotFound, message: 'you have not voted for this proposal' };
    case ProposalsErrorCode.WrongStatus:
      return {
        code: ErrorCode.Conflict,
        message: 'the proposal cannot move to this status from its current one',
        field: 'status',
      };
    case ProposalsErrorCode.InitiativeNotActive:
      return {
        code: ErrorCode.Conflict,
        message: 'only proposals of published or completed initiatives are answered',
      };
    case ProposalsErrorCode.InvalidCursor:
      return { code: ErrorCode.Validation, message: 'the cursor is invalid', field: 'cursor' };
    default:
      return assertNever(reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped proposals error: ${String(value)}`);
}
