import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, QueryFilter, Types } from 'mongoose';
import type { InKindPledgeStatus } from '@spilno/contracts';
import type { CursorPosition } from '../common/page-cursor';
import { InKindPledge } from './schemas/in-kind-pledge.schema';

export type NewInKindPledge = Pick<
  InKindPledge,
  'campaignId' | 'organizationId' | 'userId' | 'key' | 'item' | 'unit' | 'quantity'
>;

/** The only code that touches the in-kind pledges collection. */
@Injectable()
export class InKindRepository implements OnModuleInit {
  constructor(@InjectModel(InKindPledge.name) private readonly pledges: Model<InKindPledge>) {}

  async onModuleInit(): Promise<void> {
    await this.pledges.init();
  }

  async insert(pledge: NewInKindPledge, session: ClientSession): Promise<InKindPledge> {
    const [created] = await this.pledges.create([pledge], { session });
    return created.toObject();
  }

  findById(id: Types.ObjectId, session?: ClientSession): Promise<InKindPledge | null> {
    return this.pledges.findById(id, null, { session }).lean<InKindPledge>().exec();
  }

  /** Marks a pledged pledge received; null when it is not `pledged` any more. */
  markReceived(
    id: Types.ObjectId,
    quantity: number,
    at: Date,
    session: ClientSession,
  ): Promise<InKindPledge | null> {
    return this.pledges
      .findOneAndUpdate(
        { _id: id, status: 'pledged' },
        { $set: { status: 'received', receivedQuantity: quantity, receivedAt: at } },
        { session, returnDocument: 'after' },
      )
      .lean<InKindPledge>()
      .exec();
  }

  /** A campaign's pledges, newest first, strictly after `after`. */
  page(
    campaignId: Types.ObjectId,
    status: InKindPledgeStatus | undefined,
    after: CursorPosition | null,
    limit: number,
  ): Promise<InKindPledge[]> {
    const conditions: QueryFilter<InKindPledge> = { campaignId };
    if (status) conditions.status = status;
    if (after?.id) {
      const at = new Date(after.value);
      conditions.createdAt = mongoose.trusted({ $lte: at });
      conditions.$or = [
        { createdAt: mongoose.trusted({ $lt: at }) },
        { _id: mongoose.trusted({ $lt: after.id }) },
      ];
    }
    return this.pledges
      .find(conditions)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<InKindPledge[]>()
      .exec();
  }
}
