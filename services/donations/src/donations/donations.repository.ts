import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, QueryFilter, Types } from 'mongoose';
import type { DonationStatus } from '@spilno/contracts';
import type { CursorPosition } from '../common/page-cursor';
import { Donation } from './schemas/donation.schema';

export type NewDonation = Pick<
  Donation,
  | 'campaignId'
  | 'initiativeId'
  | 'organizationId'
  | 'userId'
  | 'anonymous'
  | 'message'
  | 'amount'
  | 'currency'
>;

/** The only code that touches the donations collection. */
@Injectable()
export class DonationsRepository implements OnModuleInit {
  constructor(@InjectModel(Donation.name) private readonly donations: Model<Donation>) {}

  async onModuleInit(): Promise<void> {
    await this.donations.init();
  }

  async insert(donation: NewDonation & Pick<Donation, 'idempotency'>): Promise<Donation> {
    const created = await this.donations.create(donation);
    return created.toObject();
  }

  /** The donation pledged with this key (one at most: a unique index). */
  findByKey(scope: string, key: string): Promise<Donation | null> {
    return this.donations
      .findOne({ 'idempotency.scope': scope, 'idempotency.key': key })
      .lean<Donation>()
      .exec();
  }

  /** Frees a donation's key for reuse, if it was used before `usedBefore`. */
  async releaseKey(id: Types.ObjectId, usedBefore: Date): Promise<void> {
    await this.donations
      .updateOne(
        { _id: id, 'idempotency.at': mongoose.trusted({ $lt: usedBefore }) },
        { $unset: { idempotency: 1 } },
      )
      .exec();
  }

  findById(id: Types.ObjectId, session?: ClientSession): Promise<Donation | null> {
    return this.donations.findById(id, null, { session }).lean<Donation>().exec();
  }

  /** Moves a donation from `from` to another status with the fields given; null if not `from`. */
  transition(
    id: Types.ObjectId,
    from: DonationStatus,
    set: Partial<Donation>,
    session: ClientSession,
  ): Promise<Donation | null> {
    return this.donations
      .findOneAndUpdate(
        { _id: id, status: from },
        { $set: set },
        {
          session,
          returnDocument: 'after',
        },
      )
      .lean<Donation>()
      .exec();
  }

  /** A campaign's donations, newest first, strictly after `after`. */
  page(
    campaignId: Types.ObjectId,
    status: DonationStatus | undefined,
    after: CursorPosition | null,
    limit: number,
  ): Promise<Donation[]> {
    const conditions: QueryFilter<Donation> = { campaignId };
    if (status) conditions.status = status;
    if (after?.id) {
      const at = new Date(after.value);
      conditions.createdAt = mongoose.trusted({ $lte: at });
      conditions.$or = [
        { createdAt: mongoose.trusted({ $lt: at }) },
        { _id: mongoose.trusted({ $lt: after.id }) },
      ];
    }
    return this.donations
      .find(conditions)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<Donation[]>()
      .exec();
  }
}
