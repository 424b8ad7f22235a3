import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, QueryFilter, Types } from 'mongoose';
import type { StoredEntry } from './ledger-hash';
import { LedgerEntry } from './schemas/ledger-entry.schema';

export type NewLedgerEntry = Omit<LedgerEntry, '_id'>;

/** What verification reads of an entry: the hashed fields, the donor, the stored hash. */
const VERIFIED_FIELDS = {
  _id: 0,
  seq: 1,
  kind: 1,
  amount: 1,
  currency: 1,
  at: 1,
  donor: 1,
  donorSalt: 1,
  donorCommitment: 1,
  description: 1,
  receiptUrl: 1,
  refundOf: 1,
  hash: 1,
} as const;

/** Entries per range read while verifying (100,000 entries: 10 ranges). */
const VERIFY_RANGE = 10_000;

/** The only code that touches the ledger. It inserts and reads; it never updates an entry. */
@Injectable()
export class LedgerRepository implements OnModuleInit {
  constructor(@InjectModel(LedgerEntry.name) private readonly entries: Model<LedgerEntry>) {}

  async onModuleInit(): Promise<void> {
    await this.entries.init();
  }

  async insert(entry: NewLedgerEntry, session: ClientSession): Promise<void> {
    await this.entries.create([entry], { session });
  }

  /** Entries of a campaign by seq, from `fromSeq` on. */
  page(campaignId: Types.ObjectId, fromSeq: number, limit: number): Promise<LedgerEntry[]> {
    const conditions: QueryFilter<LedgerEntry> = { campaignId };
    if (fromSeq > 1) conditions.seq = mongoose.trusted({ $gte: fromSeq });
    return this.entries.find(conditions).sort({ seq: 1 }).limit(limit).lean<LedgerEntry[]>().exec();
  }

  /**
   * Every entry of a campaign in seq order, as stored, through the driver (verification reads
   * whole ledgers; mongoose documents would cost more than the hashing), in ranges of seq read
   * one ahead: the database prepares the next range while the caller checks this one. Ranges
   * continue past `lastSeq` until one comes back empty, so entries beyond the head show too.
   */
  async *inOrder(campaignId: Types.ObjectId, lastSeq: number): AsyncGenerator<StoredEntry> {
    const range = (from: number) => {
      const read = this.entries.collection
        .find<StoredEntry>(
          { campaignId, seq: { $gte: from, $lt: from + VERIFY_RANGE } },
          {
            projection: VERIFIED_FIELDS,
            sort: { seq: 1 },
            // The unique (campaignId, seq) index gives the order: no sort in memory on any server.
            hint: { campaignId: 1, seq: 1 },
            batchSize: VERIFY_RANGE,
            // A tampered byte decodes to U+FFFD and fails its hash: no need to refuse it here.
            enableUtf8Validation: false,
          },
        )
        .toArray();
      // A caller that stops at a broken entry leaves the read ahead unawaited.
      read.catch(() => undefined);
      return read;
    };
    // Entries below seq 1 (an edited seq) are read first, by themselves.
    const before = await this.entries.collection
      .find<StoredEntry>(
        { campaignId, seq: { $lt: 1 } },
        { projection: VERIFIED_FIELDS, sort: { seq: 1 }, hint: { campaignId: 1, seq: 1 } },
      )
      .toArray();
    for (const entry of before) yield normalised(entry);
    let from = 1;
    let next: Promise<StoredEntry[]> | null = range(from);
    while (next) {
      const entries: StoredEntry[] = await next;
      const following = from + VERIFY_RANGE;
      next = following <= lastSeq || entries.length > 0 ? range(following) : null;
      for (const entry of entries) yield normalised(entry);
      from = following;
    }
  }
}

/** Fields absent from a stored entry (an erasure removes the salt) read as null, in place. */
function normalised(entry: Partial<StoredEntry>): StoredEntry {
  entry.donor ??= null;
  entry.donorSalt ??= null;
  entry.donorCommitment ??= null;
  entry.description ??= null;
  entry.receiptUrl ??= null;
  entry.refundOf ??= null;
  return entry as StoredEntry;
}
