/**
 * The outbox: facts a service has decided, written in the same transaction as the state change
 * that makes them true, and published to JetStream afterwards by the relay.
 */
import { Connection, Model, Schema } from 'mongoose';
import type { EventEnvelope } from '@spilno/contracts';

export const OUTBOX_COLLECTION = 'outbox';

export interface OutboxRecord {
  /** The event id (UUID), also the JetStream `Nats-Msg-Id`. */
  _id: string;
  subject: string;
  envelope: EventEnvelope;
  /** Microseconds since the epoch, strictly increasing within a process: the publish order. */
  position: number;
  createdAt: Date;
  publishedAt: Date | null;
  /** The stream sequence of the last acknowledged publish, for tracing a record in NATS. */
  streamSeq?: number;
  attempts: number;
  lastError?: string;
}

export const outboxSchema = new Schema<OutboxRecord>(
  {
    _id: { type: String, required: true },
    subject: { type: String, required: true },
    envelope: { type: Schema.Types.Mixed, required: true },
    position: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    publishedAt: { type: Date, default: null },
    streamSeq: { type: Number },
    attempts: { type: Number, default: 0 },
    lastError: { type: String },
  },
  // minimize: false keeps an empty `data: {}` in the envelope instead of dropping it.
  {
    collection: OUTBOX_COLLECTION,
    versionKey: false,
    strict: true,
    strictQuery: true,
    minimize: false,
  },
);

// Relay: find({ publishedAt: null }).sort({ position: 1 }).limit(batch), and the re-publish
// after a NATS restart: find({ publishedAt: { $gte: since }, position: { $gt: cursor } })
// .sort({ position: 1 }).
outboxSchema.index({ publishedAt: 1, position: 1 });

export function outboxModel(connection: Connection): Model<OutboxRecord> {
  return (
    (connection.models.OutboxRecord as Model<OutboxRecord> | undefined) ??
    connection.model<OutboxRecord>('OutboxRecord', outboxSchema)
  );
}
