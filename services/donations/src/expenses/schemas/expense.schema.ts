import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { CURRENCY_CODES, DONATION_LIMITS, type CurrencyCode } from '@spilno/contracts';

/**
 * Money a campaign spent, recorded by a coordinator with what it paid for; its ledger entry
 * is written in the same transaction. No personal data: the organization answers for it.
 */
@Schema({
  collection: 'expenses',
  timestamps: { createdAt: true, updatedAt: false },
  strict: 'throw',
  versionKey: false,
})
export class Expense {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  campaignId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  organizationId!: Types.ObjectId;

  @Prop({ type: Number, required: true })
  amount!: number;

  @Prop({ type: String, required: true, enum: CURRENCY_CODES })
  currency!: CurrencyCode;

  @Prop({ type: String, required: true, maxlength: DONATION_LIMITS.descriptionMaxLength })
  description!: string;

  @Prop({ type: String, default: null, maxlength: DONATION_LIMITS.receiptUrlMaxLength })
  receiptUrl!: string | null;

  @Prop({ type: Number, required: true })
  ledgerSeq!: number;

  createdAt!: Date;
}

export const ExpenseSchema = SchemaFactory.createForClass(Expense);
// Read by nobody but the ledger's entry (by sourceId); lists of expenses are the ledger's.
