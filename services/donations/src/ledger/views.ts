import type { LedgerEntryView } from '@spilno/contracts';
import { LedgerEntry } from './schemas/ledger-entry.schema';

/**
 * An entry as the public sees it: every hashed field and the donor; never who the donor is.
 * `prevHash` is the previous entry's hash (the genesis hash for seq 1).
 */
export function toLedgerEntryView(entry: LedgerEntry, prevHash: string): LedgerEntryView {
  return {
    seq: entry.seq,
    kind: entry.kind,
    amount: entry.amount,
    currency: entry.currency,
    at: entry.at.toISOString(),
    donor: entry.donor ?? null,
    donorCommitment: entry.donorCommitment ?? null,
    donorSalt: entry.donorSalt ?? null,
    description: entry.description ?? null,
    receiptUrl: entry.receiptUrl ?? null,
    refundOf: entry.refundOf ?? null,
    prevHash,
    hash: entry.hash,
  };
}
