import { Injectable } from '@nestjs/common';
import {
  LEDGER_GENESIS_HASH,
  PAGE_LIMIT_DEFAULT,
  type LedgerPage,
  type LedgerVerification,
  type ListLedgerPayload,
  type RequestMeta,
} from '@spilno/contracts';
import { CampaignAccess } from '../campaigns/campaign-access';
import { Campaign } from '../campaigns/schemas/campaign.schema';
import { callerOf } from '../common/caller';
import { DonationsError, DonationsErrorCode } from '../common/donations.errors';
import { CursorKind, decodeCursor, encodeCursor } from '../common/page-cursor';
import { entryProblem } from './ledger-hash';
import { LedgerRepository } from './ledger.repository';
import { toLedgerEntryView } from './views';

/** `prevHash` of an entry whose predecessor is gone from the database (verify says where). */
const MISSING_PREVIOUS = '';

/** The public ledger: read in order, and verified by recomputing the chain. */
@Injectable()
export class LedgerService {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly access: CampaignAccess,
  ) {}

  async list(meta: RequestMeta, query: ListLedgerPayload): Promise<LedgerPage> {
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const after = query.cursor === undefined ? null : decodeCursor(CursorKind.Ledger, query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new DonationsError(DonationsErrorCode.InvalidCursor);
    }
    const { campaign } = await this.access.readable(callerOf(meta), query.campaignId);
    // A later page starts with the previous page's last entry: its hash is the next prevHash.
    const from = after?.value ?? 0;
    const rows = await this.ledger.page(campaign._id, from || 1, limit + (from ? 2 : 1));
    let prevHash = LEDGER_GENESIS_HASH;
    let entries = rows;
    if (from > 0) {
      const predecessor = rows[0]?.seq === from ? rows[0] : undefined;
      prevHash = predecessor?.hash ?? MISSING_PREVIOUS;
      entries = predecessor ? rows.slice(1) : rows.slice(0, limit + 1);
    }
    const page = entries.slice(0, limit);
    const last = page[page.length - 1];
    const items = page.map((entry) => {
      const view = toLedgerEntryView(entry, prevHash);
      prevHash = entry.hash;
      return view;
    });
    return {
      campaignId: campaign._id.toHexString(),
      items,
      nextCursor:
        entries.length > limit && last
          ? encodeCursor(CursorKind.Ledger, { value: last.seq, id: null })
          : null,
    };
  }

  async verify(meta: RequestMeta, campaignId: string): Promise<LedgerVerification> {
    const { campaign } = await this.access.readable(callerOf(meta), campaignId);
    return this.verifyCampaign(campaign);
  }

  /**
   * Recomputes the chain of a campaign's stored entries: each must be the next seq, name the
   * previous hash, hash to its stored hash, and name the donor it committed to; the last must
   * be the campaign's ledger head (so a deleted tail shows too).
   */
  async verifyCampaign(campaign: Campaign): Promise<LedgerVerification> {
    const id = campaign._id.toHexString();
    let expected = 1;
    let prevHash = LEDGER_GENESIS_HASH;
    const broken = (brokenAt: number, reason: string): LedgerVerification => ({
      campaignId: id,
      intact: false,
      entries: expected - 1,
      brokenAt,
      reason,
      headHash: prevHash,
    });
    for await (const entry of this.ledger.inOrder(campaign._id, campaign.ledger.seq)) {
      const problem = entryProblem(id, entry, expected, prevHash);
      if (problem) return broken(Math.min(expected, entry.seq), problem);
      prevHash = entry.hash;
      expected++;
    }
    const entries = expected - 1;
    if (entries < campaign.ledger.seq) {
      return broken(expected, `entry ${expected} is missing`);
    }
    if (entries > campaign.ledger.seq || prevHash !== campaign.ledger.hash) {
      return broken(entries, 'the last entry is not the ledger head the campaign recorded');
    }
    return { campaignId: id, intact: true, entries, headHash: prevHash };
  }
}
