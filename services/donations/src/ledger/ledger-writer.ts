import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ClientSession, Connection, Types } from 'mongoose';
import { EventSubjects, type LedgerAppendedEvent, type LedgerEntryKind } from '@spilno/contracts';
import { newEvent, Outbox } from '@spilno/messaging';
import { DonationsError, DonationsErrorCode } from '../common/donations.errors';
import { CampaignsRepository, TotalsDelta } from '../campaigns/campaigns.repository';
import { Campaign } from '../campaigns/schemas/campaign.schema';
import { committedDonor, entryHash } from './ledger-hash';
import { LedgerRepository, NewLedgerEntry } from './ledger.repository';

export interface LedgerAppend {
  kind: LedgerEntryKind;
  amount: number;
  /** The donation or expense recorded. */
  sourceId: Types.ObjectId;
  /** Donations: the public name (or `anonymous`), and whose it is when it is a name. */
  donor?: { name: string; userId: string | null };
  description?: string | null;
  receiptUrl?: string | null;
  /** Refunds: the seq of the donation entry. */
  refundOf?: number | null;
}

const EVENT_OF: Record<LedgerEntryKind, string> = {
  donation: EventSubjects.donations.donationConfirmed,
  expense: EventSubjects.donations.expenseRecorded,
  refund: EventSubjects.donations.donationRefunded,
};

/** How an entry moves the totals: the ledger's sums, kept on the campaign. */
export function totalsDelta(kind: LedgerEntryKind, amount: number): TotalsDelta {
  switch (kind) {
    case 'donation':
      return { raised: amount, spent: 0, balance: amount, donors: 1 };
    case 'expense':
      return { raised: 0, spent: amount, balance: -amount, donors: 0 };
    case 'refund':
      return { raised: -amount, spent: 0, balance: -amount, donors: -1 };
  }
}

/**
 * Appends to a campaign's ledger inside the caller's transaction: the entry, the campaign's
 * totals and ledger head (one conditional update), and the event, so all commit or none does.
 * Two transactions appending to one campaign write the same campaign document: one of them
 * meets a write conflict and is retried by `withTransaction`, then sees the other's entry.
 * Money going out (expenses, refunds) needs the balance to cover it, checked by the update.
 */
@Injectable()
export class LedgerWriter {
  private readonly outbox: Outbox;
  /** Per campaign: the end of the queue of appending transactions in this process. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly ledger: LedgerRepository,
    @InjectConnection() connection: Connection,
  ) {
    this.outbox = new Outbox(connection);
  }

  /**
   * Runs `work` (a whole appending transaction) after the ones this process already runs for
   * the campaign. A campaign's entries form one chain, so its appends cannot run side by side:
   * queued here they wait their turn instead of failing on write conflicts and being retried
   * by `withTransaction` again and again. Replicas still meet as write conflicts, retried.
   */
  async exclusive<T>(campaignId: Types.ObjectId, work: () => Promise<T>): Promise<T> {
    const key = campaignId.toHexString();
    const turn = (this.queues.get(key) ?? Promise.resolve()).then(work);
    const tail = turn.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, tail);
    try {
      return await turn;
    } finally {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    }
  }

  async append(
    campaign: Campaign,
    input: LedgerAppend,
    session: ClientSession,
  ): Promise<{ entry: NewLedgerEntry; campaign: Campaign }> {
    const seq = campaign.ledger.seq + 1;
    const at = new Date();
    const donor =
      input.kind === 'donation' && input.donor
        ? { ...committedDonor(input.donor.name), donorUserId: input.donor.userId }
        : { donor: null, donorSalt: null, donorCommitment: null, donorUserId: null };
    const hashed = {
      campaignId: campaign._id.toHexString(),
      seq,
      kind: input.kind,
      amount: input.amount,
      currency: campaign.currency,
      at: at.toISOString(),
      donorCommitment: donor.donorCommitment,
      description: input.description ?? null,
      receiptUrl: input.receiptUrl ?? null,
      refundOf: input.refundOf ?? null,
      prevHash: campaign.ledger.hash,
    };
    const hash = entryHash(hashed);
    const outgoing = input.kind === 'donation' ? 0 : input.amount;
    if (campaign.balance < outgoing)
      throw new DonationsError(DonationsErrorCode.InsufficientBalance);
    const updated = await this.campaigns.applyLedgerEntry(
      campaign._id,
      campaign.ledger.seq,
      totalsDelta(input.kind, input.amount),
      { seq, hash },
      outgoing,
      session,
    );
    if (!updated) throw new DonationsError(DonationsErrorCode.InsufficientBalance);
    const { prevHash: _chained, ...stored } = hashed;
    const entry: NewLedgerEntry = {
      ...stored,
      campaignId: campaign._id,
      at,
      ...donor,
      sourceId: input.sourceId,
      hash,
    };
    await this.ledger.insert(entry, session);
    const event: LedgerAppendedEvent = {
      campaignId: hashed.campaignId,
      initiativeId: campaign.initiativeId.toHexString(),
      organizationId: campaign.organizationId.toHexString(),
      kind: input.kind,
      amount: input.amount,
      currency: campaign.currency,
      ledgerSeq: seq,
      hash,
      totals: {
        raised: updated.raised,
        spent: updated.spent,
        balance: updated.balance,
        donors: updated.donors,
      },
      at: hashed.at,
    };
    await this.outbox.add(newEvent(EVENT_OF[input.kind], 'donations', event), session);
    return { entry, campaign: updated };
  }
}
