/**
 * One active relay per outbox: replicas of a service each run a relay, but only the holder of
 * this lease publishes, so records leave in order and are not published twice in parallel.
 * A holder that dies stops renewing and another replica takes over after `leaseMs`.
 */
import mongoose, { Connection, Model, Schema } from 'mongoose';

interface LeaseRecord {
  _id: string;
  owner: string;
  expiresAt: Date;
}

const leaseSchema = new Schema<LeaseRecord>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'outbox_lease', versionKey: false, strict: true, strictQuery: true },
);
// Only look-ups by _id (one document per outbox): no secondary index.

const LEASE_ID = 'relay';
const DUPLICATE_KEY = 11000;

export class RelayLease {
  private readonly model: Model<LeaseRecord>;
  private heldUntil = 0;

  constructor(
    connection: Connection,
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {
    this.model =
      (connection.models.OutboxRelayLease as Model<LeaseRecord> | undefined) ??
      connection.model<LeaseRecord>('OutboxRelayLease', leaseSchema);
  }

  /** True when this relay holds the lease; renews it once a third of it has passed. */
  async acquire(): Promise<boolean> {
    const now = Date.now();
    if (this.heldUntil - now > (this.leaseMs * 2) / 3) return true;
    const expiresAt = new Date(now + this.leaseMs);
    try {
      await this.model.findOneAndUpdate(
        {
          _id: LEASE_ID,
          // trusted: services sanitize filters, which would make `$lte` a literal value and
          // the lease of a stopped relay impossible to take over.
          $or: [{ owner: this.owner }, { expiresAt: mongoose.trusted({ $lte: new Date(now) }) }],
        },
        { $set: { owner: this.owner, expiresAt } },
        { upsert: true },
      );
      this.heldUntil = expiresAt.getTime();
      return true;
    } catch (e) {
      // The upsert collided with the document another relay holds: not ours.
      if ((e as { code?: number }).code !== DUPLICATE_KEY) throw e;
      this.heldUntil = 0;
      return false;
    }
  }

  /** Lets a replica take over at once instead of after the lease runs out. */
  async release(): Promise<void> {
    this.heldUntil = 0;
    await this.model.updateOne(
      { _id: LEASE_ID, owner: this.owner },
      { $set: { expiresAt: new Date(0) } },
    );
  }
}
