import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, QueryFilter, Types } from 'mongoose';
import type { CurrencyCode, InitiativeStatus } from '@spilno/contracts';
import type { CursorPosition } from '../common/page-cursor';
import { Campaign, InKindNeedEntry } from './schemas/campaign.schema';

export interface NewCampaign {
  initiativeId: Types.ObjectId;
  organizationId: Types.ObjectId;
  initiativeStatus: InitiativeStatus;
  title: string;
  goal: { amount: number; currency: CurrencyCode };
  currency: CurrencyCode;
  inKind: Pick<InKindNeedEntry, 'key' | 'item' | 'unit' | 'needed'>[];
}

/** How a ledger entry moves the totals (each an `$inc`). */
export interface TotalsDelta {
  raised: number;
  spent: number;
  balance: number;
  donors: number;
}

/** The only code that touches the campaigns collection. */
@Injectable()
export class CampaignsRepository implements OnModuleInit {
  constructor(@InjectModel(Campaign.name) private readonly campaigns: Model<Campaign>) {}

  async onModuleInit(): Promise<void> {
    await this.campaigns.init();
  }

  async insert(campaign: NewCampaign, session: ClientSession): Promise<Campaign> {
    const [created] = await this.campaigns.create([campaign], { session });
    return created.toObject();
  }

  findById(id: Types.ObjectId, session?: ClientSession): Promise<Campaign | null> {
    return this.campaigns.findById(id, null, { session }).lean<Campaign>().exec();
  }

  /** Copies an initiative's new status onto its campaigns. */
  async setInitiativeStatus(
    initiativeId: Types.ObjectId,
    status: InitiativeStatus,
    session: ClientSession,
  ): Promise<void> {
    await this.campaigns
      .updateMany({ initiativeId }, { $set: { initiativeStatus: status } }, { session })
      .exec();
  }

  /** An initiative's campaigns, oldest first, strictly after `after`. */
  page(
    initiativeId: Types.ObjectId,
    after: CursorPosition | null,
    limit: number,
  ): Promise<Campaign[]> {
    const conditions: QueryFilter<Campaign> = { initiativeId };
    if (after?.id) {
      const at = new Date(after.value);
      conditions.createdAt = mongoose.trusted({ $gte: at });
      conditions.$or = [
        { createdAt: mongoose.trusted({ $gt: at }) },
        { _id: mongoose.trusted({ $gt: after.id }) },
      ];
    }
    return this.campaigns
      .find(conditions)
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean<Campaign[]>()
      .exec();
  }

  /**
   * Moves the totals and the ledger head by one entry, if the head is still `fromSeq` and (for
   * money going out) the balance covers `minBalance`. The campaign after, or null.
   */
  applyLedgerEntry(
    id: Types.ObjectId,
    fromSeq: number,
    delta: TotalsDelta,
    head: { seq: number; hash: string },
    minBalance: number,
    session: ClientSession,
  ): Promise<Campaign | null> {
    const filter: QueryFilter<Campaign> = { _id: id, 'ledger.seq': fromSeq };
    if (minBalance > 0) filter.balance = mongoose.trusted({ $gte: minBalance });
    return this.campaigns
      .findOneAndUpdate(
        filter,
        { $inc: { ...delta }, $set: { 'ledger.seq': head.seq, 'ledger.hash': head.hash } },
        { session, returnDocument: 'after' },
      )
      .lean<Campaign>()
      .exec();
  }

  /** `$inc` of the pledged or received quantity of the need `key`; false when there is none. */
  async addInKind(
    id: Types.ObjectId,
    key: string,
    field: 'pledged' | 'received',
    quantity: number,
    session: ClientSession,
  ): Promise<boolean> {
    const result = await this.campaigns
      .updateOne(
        { _id: id, 'inKind.key': key },
        { $inc: { [`inKind.$.${field}`]: quantity } },
        { session },
      )
      .exec();
    return result.matchedCount === 1;
  }
}
