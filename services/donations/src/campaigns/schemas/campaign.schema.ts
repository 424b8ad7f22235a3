import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import {
  CURRENCY_CODES,
  DONATION_LIMITS,
  INITIATIVE_STATUSES,
  LEDGER_GENESIS_HASH,
  type CurrencyCode,
  type InitiativeStatus,
} from '@spilno/contracts';

@Schema({ _id: false, strict: 'throw' })
export class MoneyEntry {
  @Prop({ type: Number, required: true })
  amount!: number;

  @Prop({ type: String, required: true, enum: CURRENCY_CODES })
  currency!: CurrencyCode;
}

/** One needed item. `key` (trimmed, lower-cased) is how pledges name it whatever the case. */
@Schema({ _id: false, strict: 'throw' })
export class InKindNeedEntry {
  @Prop({ type: String, required: true })
  key!: string;

  @Prop({ type: String, required: true, maxlength: DONATION_LIMITS.itemMaxLength })
  item!: string;

  @Prop({ type: String, required: true, maxlength: DONATION_LIMITS.unitMaxLength })
  unit!: string;

  @Prop({ type: Number, required: true })
  needed!: number;

  @Prop({ type: Number, required: true, default: 0 })
  pledged!: number;

  @Prop({ type: Number, required: true, default: 0 })
  received!: number;
}

/** Where the ledger ends: the last entry's `seq` and `hash` (0 and the genesis hash when empty). */
@Schema({ _id: false, strict: 'throw' })
export class LedgerHeadEntry {
  @Prop({ type: Number, required: true, default: 0 })
  seq!: number;

  @Prop({ type: String, required: true, default: LEDGER_GENESIS_HASH })
  hash!: string;
}

/**
 * A fundraising campaign of an initiative. The totals change only with `$inc`, in the
 * transaction that appends the ledger entry moving them (ledger/ledger-writer.ts), and
 * `ledger` names the entry appended last, so totals and ledger never disagree. No personal
 * data: campaigns belong to organizations.
 */
@Schema({ collection: 'campaigns', timestamps: true, strict: 'throw', versionKey: false })
export class Campaign {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  initiativeId!: Types.ObjectId;

  /** The initiative's organization when the campaign started (initiatives never change org). */
  @Prop({ type: Types.ObjectId, required: true })
  organizationId!: Types.ObjectId;

  /**
   * Its initiative's status, a copy the initiatives consumer keeps (in the transaction that
   * applies the initiative's event): who may see the campaign, whether it takes donations.
   */
  @Prop({ type: String, required: true, enum: INITIATIVE_STATUSES })
  initiativeStatus!: InitiativeStatus;

  @Prop({ type: String, required: true, maxlength: DONATION_LIMITS.titleMaxLength })
  title!: string;

  @Prop({ type: SchemaFactory.createForClass(MoneyEntry), required: true })
  goal!: MoneyEntry;

  /** Every donation, expense and refund of the campaign is in this currency. */
  @Prop({ type: String, required: true, enum: CURRENCY_CODES })
  currency!: CurrencyCode;

  @Prop({ type: Number, required: true, default: 0 })
  raised!: number;

  @Prop({ type: Number, required: true, default: 0 })
  spent!: number;

  @Prop({ type: Number, required: true, default: 0 })
  balance!: number;

  @Prop({ type: Number, required: true, default: 0 })
  donors!: number;

  @Prop({ type: [SchemaFactory.createForClass(InKindNeedEntry)], default: [] })
  inKind!: InKindNeedEntry[];

  @Prop({ type: SchemaFactory.createForClass(LedgerHeadEntry), default: () => ({}) })
  ledger!: LedgerHeadEntry;

  createdAt!: Date;
  updatedAt!: Date;
}

export const CampaignSchema = SchemaFactory.createForClass(Campaign);

// An initiative's campaigns, oldest first (GET /initiatives/:id/campaigns, the funding summary),
// and the copy of its status (updateMany by initiativeId).
CampaignSchema.index({ initiativeId: 1, createdAt: 1, _id: 1 });
