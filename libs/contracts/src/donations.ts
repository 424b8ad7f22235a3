/**
 * Donations and transparency (donations service): money, campaigns, pledges, expenses, in-kind
 * goods, the hash-chained public ledger. The vocabulary, the limits both the gateway and the
 * service validate with (each with its own class-validator classes), payloads, answers and
 * events. Plain types and pure functions: no Nest, no mongoose, no class-validator.
 */
import type { InitiativeStatus } from './initiatives';

/**
 * ISO 4217 codes money may be given in: the active currency list as the ISO 4217 maintenance
 * agency published it in 2025 (XCG, ZWG, SLE included; withdrawn CUC, HRK, SLL, ZWL left out),
 * without precious metals (XAU, XAG, XPD, XPT), bond-market units (XBA..XBD), the SDR (XDR),
 * SUCRE (XSU), ADB unit (XUA), fund codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW) and the
 * testing and "no currency" codes (XTS, XXX).
 */
// prettier-ignore
export const CURRENCY_CODES = [
  'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT',
  'BGN', 'BHD', 'BIF', 'BMD', 'BND', 'BOB', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD',
  'CDF', 'CHF', 'CLP', 'CNY', 'COP', 'CRC', 'CUP', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP', 'DZD',
  'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD', 'GNF', 'GTQ',
  'GYD', 'HKD', 'HNL', 'HTG', 'HUF', 'IDR', 'ILS', 'INR', 'IQD', 'IRR', 'ISK', 'JMD', 'JOD',
  'JPY', 'KES', 'KGS', 'KHR', 'KMF', 'KPW', 'KRW', 'KWD', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR',
  'LRD', 'LSL', 'LYD', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR',
  'MWK', 'MXN', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'OMR', 'PAB', 'PEN',
  'PGK', 'PHP', 'PKR', 'PLN', 'PYG', 'QAR', 'RON', 'RSD', 'RUB', 'RWF', 'SAR', 'SBD', 'SCR',
  'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB',
  'TJS', 'TMT', 'TND', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'UGX', 'USD', 'UYU', 'UZS',
  'VED', 'VES', 'VND', 'VUV', 'WST', 'XAF', 'XCD', 'XCG', 'XOF', 'XPF', 'YER', 'ZAR', 'ZMW',
  'ZWG',
] as const;
export type CurrencyCode = (typeof CURRENCY_CODES)[number];

export const DEFAULT_CURRENCY: CurrencyCode = 'UAH';

export function isCurrencyCode(value: unknown): value is CurrencyCode {
  return typeof value === 'string' && (CURRENCY_CODES as readonly string[]).includes(value);
}

/** An amount of integer minor units (150000 UAH = 1 500.00 hryvnias) in a currency. */
export interface Money {
  amount: number;
  currency: CurrencyCode;
}

export const DONATION_LIMITS = {
  /**
   * What any amount may be at most anywhere (the largest integer a JSON number carries
   * exactly); the donations service refuses single donations and expenses above its configured
   * `DONATION_MAX_MINOR` (422).
   */
  amountMax: Number.MAX_SAFE_INTEGER,
  /** `DONATION_MAX_MINOR`'s default: 100 000 000.00 in the currency's major unit. */
  defaultMaxMinor: 100_000_000_00,
  titleMinLength: 3,
  titleMaxLength: 160,
  messageMaxLength: 500,
  descriptionMaxLength: 1000,
  refundReasonMaxLength: 500,
  externalRefMaxLength: 200,
  receiptUrlMaxLength: 2048,
  maxInKindNeeds: 50,
  itemMaxLength: 120,
  unitMaxLength: 20,
  maxQuantity: 1_000_000,
  /** Campaigns per initiative. */
  maxCampaigns: 20,
} as const;

/**
 * `Idempotency-Key` of donations and expenses (required): 1..100 printable ASCII characters,
 * not starting or ending with a space (HTTP strips those, so they could not round-trip).
 * A UUID fits; keys should be unguessable (anonymous callers share one scope, see the donations
 * service README).
 */
export const DONATION_IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,98}[\x21-\x7e])?$/;

/** How long the first answer of an `Idempotency-Key` is replayed. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

/** `pledged -> received` (confirmed: counted in `raised`) `-> refunded`. */
export const DONATION_STATUSES = ['pledged', 'received', 'refunded'] as const;
export type DonationStatus = (typeof DONATION_STATUSES)[number];

export const LEDGER_ENTRY_KINDS = ['donation', 'expense', 'refund'] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

export const IN_KIND_PLEDGE_STATUSES = ['pledged', 'received'] as const;
export type InKindPledgeStatus = (typeof IN_KIND_PLEDGE_STATUSES)[number];

/** What the public ledger shows for a donor who gave anonymously (or whose account was erased). */
export const ANONYMOUS_DONOR = 'anonymous';

/** `prevHash` of the first entry of every campaign's ledger. */
export const LEDGER_GENESIS_HASH = '0'.repeat(64);

/**
 * What is wrong with an amount as money, beyond its type (the DTOs check integer and range):
 * null when fine. `max` is the service's configured maximum for one donation or expense.
 */
export function amountProblem(amount: number, max: number): string | null {
  if (!Number.isSafeInteger(amount)) return 'amount must be an integer number of minor units';
  if (amount < 1) return 'amount must be at least 1 minor unit';
  if (amount > max) return `amount must be at most ${max} minor units`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Answers

export interface InKindLine {
  item: string;
  unit: string;
  needed: number;
  /** Quantities people pledged (pledges are not capped by the need). */
  pledged: number;
  /** Quantities coordinators recorded as received. */
  received: number;
}

/**
 * `GET /campaigns/:id`. Totals always equal the sums of the ledger: `raised` = donations -
 * refunds, `spent` = expenses, `balance` = raised - spent, `donors` = confirmed donations not
 * refunded (the public ledger cannot tell people apart, by design: one who gave twice counts
 * twice).
 */
export interface CampaignView {
  id: string;
  initiativeId: string;
  organizationId: string;
  title: string;
  goal: Money;
  currency: CurrencyCode;
  raised: number;
  spent: number;
  balance: number;
  donors: number;
  inKind: InKindLine[];
  /** Entries of the ledger and the hash of the last one (the genesis hash when empty). */
  ledger: { entries: number; headHash: string };
  /** The status of the campaign's initiative: donations only while it is `published`. */
  initiativeStatus: InitiativeStatus;
  createdAt: string;
  updatedAt: string;
}

export interface CampaignPage {
  items: CampaignView[];
  nextCursor: string | null;
}

/**
 * A donation as its donor (at pledge time) and the campaign's coordinators see it: never who
 * the donor is.
 */
export interface DonationView {
  id: string;
  campaignId: string;
  initiativeId: string;
  amount: number;
  currency: CurrencyCode;
  anonymous: boolean;
  message: string | null;
  status: DonationStatus;
  /** A bank transfer id, a payment provider's reference: what proves the money arrived. */
  externalRef: string | null;
  /** `manual` (a coordinator) or `provider:<name>` (a payment provider's signed webhook). */
  confirmedVia: string | null;
  createdAt: string;
  confirmedAt: string | null;
  refundedAt: string | null;
  /** The ledger entries of its confirmation and its refund. */
  ledgerSeq: number | null;
  refundLedgerSeq: number | null;
}

export interface DonationPage {
  items: DonationView[];
  nextCursor: string | null;
}

export interface ExpenseView {
  id: string;
  campaignId: string;
  amount: number;
  currency: CurrencyCode;
  description: string;
  receiptUrl: string | null;
  ledgerSeq: number;
  createdAt: string;
}

export interface InKindPledgeView {
  id: string;
  campaignId: string;
  item: string;
  unit: string;
  quantity: number;
  status: InKindPledgeStatus;
  /** What arrived, when received (at most `quantity`). */
  receivedQuantity: number | null;
  createdAt: string;
  receivedAt: string | null;
}

export interface InKindPledgePage {
  items: InKindPledgeView[];
  nextCursor: string | null;
}

/**
 * One entry of the public ledger, with every field its hash covers (the donations service
 * README gives the canonical encoding, so anyone can recompute the chain).
 */
export interface LedgerEntryView {
  seq: number;
  kind: LedgerEntryKind;
  amount: number;
  currency: CurrencyCode;
  /** ISO-8601 UTC with milliseconds. */
  at: string;
  /** Donations: the display name, or `anonymous`. Never an email or an id. */
  donor: string | null;
  /** Donations: the salted commitment to `donor` that the hash covers (erasure-proof). */
  donorCommitment: string | null;
  /** Donations: the salt of the commitment; null once the donor's account was erased. */
  donorSalt: string | null;
  /** Expenses: what the money paid for; refunds: the reason, if given. */
  description: string | null;
  receiptUrl: string | null;
  /** Refunds: the `seq` of the donation entry refunded. */
  refundOf: number | null;
  prevHash: string;
  hash: string;
}

export interface LedgerPage {
  campaignId: string;
  items: LedgerEntryView[];
  nextCursor: string | null;
}

/** `GET /campaigns/:id/ledger/verify`: the chain recomputed from the stored entries. */
export interface LedgerVerification {
  campaignId: string;
  intact: boolean;
  /** Entries checked. */
  entries: number;
  /** The `seq` of the first entry that does not check out (edited, missing, out of order). */
  brokenAt?: number;
  /** Why, for people reading the answer. */
  reason?: string;
  /** The hash of the last entry (what anyone can compare with a copy). */
  headHash: string;
}

/**
 * `GET /initiatives/:id/funding`: the initiative's campaigns summed per currency, and its
 * volunteers' hours valued at the configured hourly rate: in-kind value, never money.
 */
export interface InitiativeFundingView {
  initiativeId: string;
  campaigns: number;
  money: {
    currency: CurrencyCode;
    raised: number;
    spent: number;
    balance: number;
    donors: number;
  }[];
  inKindValue: {
    label: 'in-kind value';
    kind: 'volunteer_hours';
    /** Verified hours of completed applications (the initiatives service's events). */
    hours: number;
    ratePerHour: Money;
    value: Money;
  };
}

// ---------------------------------------------------------------------------------------------
// Payloads (`{ meta, data }`; the caller is in `meta`)

export interface InKindNeed {
  item: string;
  quantity: number;
  unit: string;
}

/** `donations.campaign.create.v1` */
export interface CreateCampaignPayload {
  initiativeId: string;
  title: string;
  /** `currency` defaults to UAH. */
  goal: { amount: number; currency?: CurrencyCode };
  inKindNeeds?: InKindNeed[];
}

/** `donations.campaign.get.v1`, `donations.ledger.verify.v1` */
export interface CampaignIdPayload {
  campaignId: string;
}

/** `donations.campaign.list.v1` (`donations.funding.get.v1` takes an `InitiativeIdPayload`) */
export interface InitiativeCampaignsPayload {
  initiativeId: string;
  limit?: number;
  cursor?: string;
}

/** `donations.donation.pledge.v1` */
export interface PledgeDonationPayload {
  campaignId: string;
  amount: number;
  /** Defaults to UAH; must be the campaign's currency. */
  currency?: CurrencyCode;
  anonymous?: boolean;
  message?: string | null;
  /** The `Idempotency-Key` header (required). */
  idempotencyKey: string;
}

/** `donations.donation.list.v1`: a campaign's donations, newest first (coordinators). */
export interface ListDonationsPayload {
  campaignId: string;
  status?: DonationStatus;
  limit?: number;
  cursor?: string;
}

/** `donations.donation.confirm.v1` */
export interface ConfirmDonationPayload {
  donationId: string;
  externalRef?: string | null;
}

/** `donations.donation.refund.v1` */
export interface RefundDonationPayload {
  donationId: string;
  reason?: string | null;
}

/** `donations.expense.create.v1` */
export interface CreateExpensePayload {
  campaignId: string;
  amount: number;
  currency?: CurrencyCode;
  description: string;
  receiptUrl?: string | null;
  idempotencyKey: string;
}

/** `donations.in-kind-pledge.create.v1` */
export interface PledgeInKindPayload {
  campaignId: string;
  item: string;
  quantity: number;
}

/** `donations.in-kind-pledge.list.v1`: a campaign's in-kind pledges, newest first (coordinators). */
export interface ListInKindPledgesPayload {
  campaignId: string;
  status?: InKindPledgeStatus;
  limit?: number;
  cursor?: string;
}

/** `donations.in-kind-pledge.receive.v1`: `quantity` defaults to the pledged quantity. */
export interface ReceiveInKindPayload {
  pledgeId: string;
  quantity?: number;
}

/** `donations.ledger.list.v1`: by `seq`, oldest first. */
export interface ListLedgerPayload {
  campaignId: string;
  limit?: number;
  cursor?: string;
}

// ---------------------------------------------------------------------------------------------
// Events (no personal data: amounts and totals of a campaign, never who gave)

/** `evt.donations.campaign.created.v1` */
export interface CampaignCreatedEvent {
  campaignId: string;
  initiativeId: string;
  organizationId: string;
  title: string;
  goal: Money;
  createdAt: string;
}

/**
 * `evt.donations.donation.confirmed.v1`, `evt.donations.donation.refunded.v1`,
 * `evt.donations.expense.recorded.v1`: a ledger entry was appended; the campaign's totals after
 * it (consumers replace theirs when `ledgerSeq` is higher than what they hold).
 */
export interface LedgerAppendedEvent {
  campaignId: string;
  initiativeId: string;
  organizationId: string;
  kind: LedgerEntryKind;
  amount: number;
  currency: CurrencyCode;
  ledgerSeq: number;
  hash: string;
  totals: { raised: number; spent: number; balance: number; donors: number };
  at: string;
}
