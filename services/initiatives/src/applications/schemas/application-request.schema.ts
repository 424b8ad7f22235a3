import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import type { ApplicationView } from '@spilno/contracts';

export const APPLICATION_REQUESTS_COLLECTION = 'application_requests';

/** How long a replay of an `Idempotency-Key` is answered (MongoDB's TTL monitor removes it). */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600;

/**
 * The first answer to `POST /tasks/:id/applications` with an `Idempotency-Key`: a repeat with
 * the same key and body gets it again, with another body a 422. Written in the transaction
 * of the application, so the answer exists exactly when the application does.
 */
@Schema({
  collection: APPLICATION_REQUESTS_COLLECTION,
  timestamps: { createdAt: true, updatedAt: false },
  strict: 'throw',
  versionKey: false,
})
export class ApplicationRequest {
  _id!: Types.ObjectId;

  @Prop({ type: String, required: true })
  userId!: string;

  @Prop({ type: String, required: true })
  key!: string;

  /** SHA-256 of the request (task id, message, contact). */
  @Prop({ type: String, required: true })
  requestHash!: string;

  @Prop({ type: Object, required: true })
  answer!: ApplicationView;

  createdAt!: Date;
}

export const ApplicationRequestSchema = SchemaFactory.createForClass(ApplicationRequest);

// The replay lookup, and the unique guard of a key per person.
ApplicationRequestSchema.index({ userId: 1, key: 1 }, { unique: true });
// Expiry of old keys.
ApplicationRequestSchema.index(
  { createdAt: 1 },
  { expireAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS },
);
