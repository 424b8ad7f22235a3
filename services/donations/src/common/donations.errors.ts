import { DomainError, ErrorCode, IDEMPOTENCY_KEY_HEADER, type FieldError } from '@spilno/contracts';

/** Every failure of the donations service, by reason; `DonationsError` maps each to a code. */
export enum DonationsErrorCode {
  /** Absent, or not visible to the caller (never 403 for what they may not know exists). */
  InitiativeNotFound = 'initiative_not_found',
  CampaignNotFound = 'campaign_not_found',
  DonationNotFound = 'donation_not_found',
  PledgeNotFound = 'pledge_not_found',
  /** Visible to the caller, who may not do this to it. */
  NotAllowed = 'not_allowed',
  /** Campaigns start on published initiatives only. */
  InitiativeNotPublished = 'initiative_not_published',
  TooManyCampaigns = 'too_many_campaigns',
  /** Donations and in-kind pledges while the initiative is published; no expense once cancelled. */
  CampaignClosed = 'campaign_closed',
  CurrencyMismatch = 'currency_mismatch',
  AmountTooLarge = 'amount_too_large',
  /** A provider reported another amount or currency than the pledge's. */
  ConfirmationMismatch = 'confirmation_mismatch',
  /** The `Idempotency-Key` was used with another request. */
  IdempotencyKeyReused = 'idempotency_key_reused',
  /** An expense or a refund would make the balance negative. */
  InsufficientBalance = 'insufficient_balance',
  /** Only a confirmed (received) donation is refunded. */
  NotConfirmed = 'not_confirmed',
  AlreadyRefunded = 'already_refunded',
  ExternalRefUsed = 'external_ref_used',
  UnknownItem = 'unknown_item',
  DuplicateItem = 'duplicate_item',
  AlreadyReceived = 'already_received',
  QuantityAbovePledge = 'quantity_above_pledge',
  InvalidCursor = 'invalid_cursor',
}

/** The service's failures, each translated here (and only here) to a `DomainError`. */
export class DonationsError extends DomainError {
  constructor(
    readonly reason: DonationsErrorCode,
    fieldErrors?: FieldError[],
  ) {
    const { code, message, field } = describe(reason);
    super(code, message, fieldErrors ?? (field ? [{ field, message }] : undefined));
    this.name = 'DonationsError';
  }
}

function describe(reason: DonationsErrorCode): {
  code: ErrorCode;
  message: string;
  field?: string;
} {
  switch (reason) {
    case DonationsErrorCode.InitiativeNotFound:
      return { code: ErrorCode.NotFound, message: 'no published initiative with this id' };
    case DonationsErrorCode.CampaignNotFound:
      return { code: ErrorCode.NotFound, message: 'the campaign does not exist' };
    case DonationsErrorCode.DonationNotFound:
      return { code: ErrorCode.NotFound, message: 'the donation does not exist' };
    case DonationsErrorCode.PledgeNotFound:
      return { code: ErrorCode.NotFound, message: 'the in-kind pledge does not exist' };
    case DonationsErrorCode.NotAllowed:
      return {
        code: ErrorCode.Forbidden,
        message: "only coordinators and owners of the campaign's organization may do this",
      };
    case DonationsErrorCode.InitiativeNotPublished:
      return {
        code: ErrorCode.Conflict,
        message: 'campaigns start on published initiatives only',
      };
    case DonationsErrorCode.TooManyCampaigns:
      return {
        code: ErrorCode.Conflict,
        message: 'the initiative has as many campaigns as allowed',
      };
    case DonationsErrorCode.CampaignClosed:
      return {
        code: ErrorCode.Conflict,
        message: "the campaign's initiative is not published: it takes no more of this",
      };
    case DonationsErrorCode.CurrencyMismatch:
      return {
        code: ErrorCode.Unprocessable,
        message: "currency must be the campaign's currency",
        field: 'currency',
      };
    case DonationsErrorCode.AmountTooLarge:
      return {
        code: ErrorCode.Unprocessable,
        message: 'amount is above the largest amount accepted',
        field: 'amount',
      };
    case DonationsErrorCode.ConfirmationMismatch:
      return {
        code: ErrorCode.Unprocessable,
        message: 'the confirmed amount or currency differs from the pledge',
      };
    case DonationsErrorCode.IdempotencyKeyReused:
      return {
        code: ErrorCode.Unprocessable,
        message: 'this Idempotency-Key was used with another request',
        field: IDEMPOTENCY_KEY_HEADER,
      };
    case DonationsErrorCode.InsufficientBalance:
      return {
        code: ErrorCode.Conflict,
        message: "the campaign's balance is too low: the balance cannot go negative",
      };
    case DonationsErrorCode.NotConfirmed:
      return { code: ErrorCode.Conflict, message: 'only a received donation can be refunded' };
    case DonationsErrorCode.AlreadyRefunded:
      return { code: ErrorCode.Conflict, message: 'the donation was refunded' };
    case DonationsErrorCode.ExternalRefUsed:
      return {
        code: ErrorCode.Conflict,
        message: 'this external reference already confirmed another donation of the campaign',
        field: 'externalRef',
      };
    case DonationsErrorCode.UnknownItem:
      return {
        code: ErrorCode.Unprocessable,
        message: 'the campaign needs no such item',
        field: 'item',
      };
    case DonationsErrorCode.DuplicateItem:
      return {
        code: ErrorCode.Validation,
        message: 'each item may be needed once (case and surrounding blanks aside)',
        field: 'inKindNeeds',
      };
    case DonationsErrorCode.AlreadyReceived:
      return { code: ErrorCode.Conflict, message: 'the pledge was already received' };
    case DonationsErrorCode.QuantityAbovePledge:
      return {
        code: ErrorCode.Unprocessable,
        message: 'quantity must be at most the pledged quantity',
        field: 'quantity',
      };
    case DonationsErrorCode.InvalidCursor:
      return { code: ErrorCode.Validation, message: 'the cursor is invalid', field: 'cursor' };
    default:
      return assertNever(reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped donations error: ${String(value)}`);
}
