import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { IDEMPOTENCY_WINDOW_MS } from '@spilno/contracts';

export const IDEMPOTENCY_COLLECTION = 'idempotency_records';

export const IDEMPOTENT_OPERATIONS = ['donation', 'expense'] as const;
export type IdempotentOperation = (typeof IDEMPOTENT_OPERATIONS)[number];

/**
 * The first answer to a request with an `Idempotency-Key`, per caller: a repeat with the same
 * key and request gets it again (status and body), with another request a 422. Written in the
 * transaction of the donation or expense, so the answer exists exactly when what it answers
 * does. Kept 24 hours: MongoDB's TTL monitor removes older ones, and reads ignore them until
 * it has (the embedded server has no TTL monitor).
 */
@Schema({
  collection: IDEMPOTENCY_COLLECTION,
  timestamps: { createdAt: true, updatedAt: false },
  strict: 'throw',
  versionKey: false,
  minimize: false,
})
export class IdempotencyRecord {
  _id!: Types.ObjectId;

  /** `user:<id>` for a signed-in caller; `anonymous` for everyone else (see the README). */
  @Prop({ type: String, required: true })
  scope!: string;

  @Prop({ type: String, required: true })
  key!: string;

  @Prop({ type: String, required: true, enum: IDEMPOTENT_OPERATIONS })
  operation!: IdempotentOperation;

  /** SHA-256 of the request as the service normalised it (request-hash.ts). */
  @Prop({ type: String, required: true })
  requestHash!: string;

  @Prop({ type: Number, required: true })
  status!: number;

  @Prop({ type: Object, required: true })
  answer!: Record<string, unknown>;

  /** The caller's user id (null when anonymous): for the person's export and erasure. */
  @Prop({ type: String, default: null })
  userId!: string | null;

  createdAt!: Date;
}

export const IdempotencyRecordSchema = SchemaFactory.createForClass(IdempotencyRecord);

// The replay lookup, and the guard that a key is answered once per caller.
IdempotencyRecordSchema.index({ scope: 1, key: 1 }, { unique: true });
// Expiry after 24 hours (MongoDB's TTL monitor).
IdempotencyRecordSchema.index(
  { createdAt: 1 },
  { expireAfterSeconds: Math.round(IDEMPOTENCY_WINDOW_MS / 1000) },
);
// A person's records (export and erasure, by the personal-data registry).
IdempotencyRecordSchema.index(
  { userId: 1 },
  { partialFilterExpression: { userId: { $type: 'string' } } },
);
