/**
 * A consumer's memory in its service's own database: which events it has applied (so a
 * redelivery is not applied twice) and which it gave up on (so a failure does not vanish).
 */
import { Connection, Model, Schema } from 'mongoose';
import type { EventEnvelope } from '@spilno/contracts';
import type { ErrorSummary } from './error-summary';

export interface ProcessedEvent {
  /** `<durable>:<eventId>`: two consumers of one service may both apply the same event. */
  _id: string;
  consumer: string;
  eventId: string;
  subject: string;
  processedAt: Date;
}

const processedEventSchema = new Schema<ProcessedEvent>(
  {
    _id: { type: String, required: true },
    consumer: { type: String, required: true },
    eventId: { type: String, required: true },
    subject: { type: String, required: true },
    processedAt: { type: Date, required: true },
  },
  { collection: 'processed_events', versionKey: false, strict: true, strictQuery: true },
);
// The idempotence check is findOne({ _id }) in the effect's transaction: the _id index serves
// it; no secondary index.

export interface DeadLetter {
  /** `<durable>:<eventId>`, or `<durable>:seq:<stream sequence>` when the id is unreadable. */
  _id: string;
  consumer: string;
  eventId: string | null;
  subject: string;
  streamSeq: number;
  /** The parsed envelope, or the raw payload when it did not parse. */
  envelope: EventEnvelope | { raw: string };
  error: ErrorSummary;
  deliveries: number;
  deadLetteredAt: Date;
}

const deadLetterSchema = new Schema<DeadLetter>(
  {
    _id: { type: String, required: true },
    consumer: { type: String, required: true },
    eventId: { type: String, default: null },
    subject: { type: String, required: true },
    streamSeq: { type: Number, required: true },
    envelope: { type: Schema.Types.Mixed, required: true },
    error: { type: Schema.Types.Mixed, required: true },
    deliveries: { type: Number, required: true },
    deadLetteredAt: { type: Date, required: true },
  },
  {
    collection: 'dead_letters',
    versionKey: false,
    strict: true,
    strictQuery: true,
    minimize: false,
  },
);
// Operators list a consumer's dead letters newest first: find({ consumer }).sort({ deadLetteredAt: -1 }).
deadLetterSchema.index({ consumer: 1, deadLetteredAt: -1 });

export function processedEventModel(connection: Connection): Model<ProcessedEvent> {
  return (
    (connection.models.ProcessedEvent as Model<ProcessedEvent> | undefined) ??
    connection.model<ProcessedEvent>('ProcessedEvent', processedEventSchema)
  );
}

export function deadLetterModel(connection: Connection): Model<DeadLetter> {
  return (
    (connection.models.DeadLetter as Model<DeadLetter> | undefined) ??
    connection.model<DeadLetter>('DeadLetter', deadLetterSchema)
  );
}
