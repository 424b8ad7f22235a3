import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import {
  CURRENCY_CODES,
  DONATION_LIMITS,
  DONATION_STATUSES,
  type CurrencyCode,
  type DonationStatus,
} from '@spilno/contracts';

export const DONATIONS_COLLECTION = 'donations';

/**
 * The pledge's `Idempotency-Key`: a repeat with the same key and request gets the first answer
 * (rebuilt from the donation as it was pledged), another request a 422. A key older than 24
 * hours is released when reused (see DonationsService.pledge).
 */
@Schema({ _id: false, strict: 'throw' })
export class DonationKeyEntry {
  /** `user:<id>` or `anonymous` (idempotency/request-key.ts). */
  @Prop({ type: String, required: true })
  scope!: string;

  @Prop({ type: String, required: true })
  key!: string;

  @Prop({ type: String, required: true })
  requestHash!: string;

  @Prop({ type: Date, required: true })
  at!: Date;
}

/**
 * A pledge, and what became of it: `received` once confirmed (its ledger entry written in the
 * same transaction), `refunded` once paid back. Personal data: `userId` (null for donors
 * without an account), `message` and the key's scope; an erasure removes them and keeps the
 * amounts.
 */
@Schema({ collection: DONATIONS_COLLECTION, timestamps: true, strict: 'throw', versionKey: false })
export class Donation {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  campaignId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  initiativeId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  organizationId!: Types.ObjectId;

  @Prop({ type: String, default: null })
  userId!: string | null;

  @Prop({ type: Boolean, required: true })
  anonymous!: boolean;

  @Prop({ type: String, default: null, maxlength: DONATION_LIMITS.messageMaxLength })
  message!: string | null;

  @Prop({ type: Number, required: true })
  amount!: number;

  @Prop({ type: String, required: true, enum: CURRENCY_CODES })
  currency!: CurrencyCode;

  @Prop({ type: String, required: true, enum: DONATION_STATUSES, default: 'pledged' })
  status!: DonationStatus;

  /** Absent until confirmed with one (a partial unique index guards it per campaign). */
  @Prop({ type: String, required: false, maxlength: DONATION_LIMITS.externalRefMaxLength })
  externalRef?: string;

  @Prop({ type: String, default: null })
  confirmedVia!: string | null;

  @Prop({ type: Date, default: null })
  confirmedAt!: Date | null;

  @Prop({ type: Date, default: null })
  refundedAt!: Date | null;

  @Prop({ type: Number, default: null })
  ledgerSeq!: number | null;

  @Prop({ type: Number, default: null })
  refundLedgerSeq!: number | null;

  /** Removed when released, and by an erasure (it names the donor's account). */
  @Prop({ type: SchemaFactory.createForClass(DonationKeyEntry), required: false })
  idempotency?: DonationKeyEntry;

  createdAt!: Date;
  updatedAt!: Date;
}

export const DonationSchema = SchemaFactory.createForClass(Donation);

// A campaign's donations, newest first (GET /campaigns/:id/donations), with and without status=.
DonationSchema.index({ campaignId: 1, createdAt: -1, _id: -1 });
DonationSchema.index({ campaignId: 1, status: 1, createdAt: -1, _id: -1 });
// The replay lookup of a pledge's Idempotency-Key, and the guard that one key makes one donation.
DonationSchema.index(
  { 'idempotency.scope': 1, 'idempotency.key': 1 },
  { unique: true, partialFilterExpression: { 'idempotency.key': { $type: 'string' } } },
);
// One external reference (a bank transfer, a provider's payment) confirms one donation.
DonationSchema.index(
  { campaignId: 1, externalRef: 1 },
  { unique: true, partialFilterExpression: { externalRef: { $type: 'string' } } },
);
// A person's donations (export and erasure, by the personal-data registry).
DonationSchema.index({ userId: 1 }, { partialFilterExpression: { userId: { $type: 'string' } } });
