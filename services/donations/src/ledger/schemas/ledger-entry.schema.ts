import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import {
  CURRENCY_CODES,
  LEDGER_ENTRY_KINDS,
  type CurrencyCode,
  type LedgerEntryKind,
} from '@spilno/contracts';

export const LEDGER_COLLECTION = 'ledger_entries';

/**
 * One entry of a campaign's public ledger: append-only (nothing in the service updates an
 * entry; only an erasure replaces a donor's name with `anonymous` and drops the salt, which the
 * commitment was made for). `hash` covers every public field but `donor` and `donorSalt`, and
 * the previous entry's hash (ledger-hash.ts), which is not stored here but read from that
 * entry (so no copy of it can be edited unnoticed); the donor enters through `donorCommitment`.
 */
@Schema({ collection: LEDGER_COLLECTION, strict: 'throw', versionKey: false })
export class LedgerEntry {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  campaignId!: Types.ObjectId;

  /** 1, 2, 3, ... per campaign. */
  @Prop({ type: Number, required: true })
  seq!: number;

  @Prop({ type: String, required: true, enum: LEDGER_ENTRY_KINDS })
  kind!: LedgerEntryKind;

  @Prop({ type: Number, required: true })
  amount!: number;

  @Prop({ type: String, required: true, enum: CURRENCY_CODES })
  currency!: CurrencyCode;

  @Prop({ type: Date, required: true })
  at!: Date;

  @Prop({ type: String, default: null })
  donor!: string | null;

  @Prop({ type: String, default: null })
  donorSalt!: string | null;

  @Prop({ type: String, default: null })
  donorCommitment!: string | null;

  /** Never public: links a named donation entry to its donor, for the donor's erasure. */
  @Prop({ type: String, default: null })
  donorUserId!: string | null;

  @Prop({ type: String, default: null })
  description!: string | null;

  @Prop({ type: String, default: null })
  receiptUrl!: string | null;

  @Prop({ type: Number, default: null })
  refundOf!: number | null;

  /** Never public: the donation or expense the entry records. */
  @Prop({ type: Types.ObjectId, required: true })
  sourceId!: Types.ObjectId;

  @Prop({ type: String, required: true })
  hash!: string;
}

export const LedgerEntrySchema = SchemaFactory.createForClass(LedgerEntry);

// The ledger of a campaign in order (GET /campaigns/:id/ledger, verification), and the guard
// that no seq is written twice.
LedgerEntrySchema.index({ campaignId: 1, seq: 1 }, { unique: true });
// A donor's named entries (export and erasure, by the personal-data registry).
LedgerEntrySchema.index(
  { donorUserId: 1 },
  { partialFilterExpression: { donorUserId: { $type: 'string' } } },
);
