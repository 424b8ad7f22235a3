import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, Types } from 'mongoose';
import type { InitiativeStatus } from '@spilno/contracts';
import { InitiativeReadModel } from './initiative.schema';

export interface InitiativeState {
  id: Types.ObjectId;
  organizationId: Types.ObjectId;
  title: string;
  status: InitiativeStatus;
  changedAt: Date;
}

/** The only code that touches the initiatives read model. */
@Injectable()
export class InitiativesRepository {
  constructor(
    @InjectModel(InitiativeReadModel.name) private readonly initiatives: Model<InitiativeReadModel>,
  ) {}

  findById(id: Types.ObjectId, session?: ClientSession): Promise<InitiativeReadModel | null> {
    return this.initiatives.findById(id, null, { session }).lean<InitiativeReadModel>().exec();
  }

  /** Sets the state an event carries, unless a later event was applied already. */
  async applyState(state: InitiativeState, session: ClientSession): Promise<boolean> {
    const current = await this.findById(state.id, session);
    if (current?.changedAt && current.changedAt.getTime() > state.changedAt.getTime()) {
      return false;
    }
    await this.initiatives
      .updateOne(
        { _id: state.id },
        {
          $set: {
            organizationId: state.organizationId,
            title: state.title,
            status: state.status,
            changedAt: state.changedAt,
          },
        },
        { upsert: true, session },
      )
      .exec();
    return true;
  }

  /**
   * Takes one of the initiative's `max` campaign places if it is published: the initiative
   * after, or null (not published, or full).
   */
  claimCampaignSlot(
    id: Types.ObjectId,
    max: number,
    session: ClientSession,
  ): Promise<InitiativeReadModel | null> {
    return this.initiatives
      .findOneAndUpdate(
        {
          _id: id,
          status: 'published',
          $or: [
            { campaigns: mongoose.trusted({ $exists: false }) },
            { campaigns: mongoose.trusted({ $lt: max }) },
          ],
        },
        { $inc: { campaigns: 1 } },
        { session, returnDocument: 'after' },
      )
      .lean<InitiativeReadModel>()
      .exec();
  }

  async addHours(id: Types.ObjectId, hours: number, session: ClientSession): Promise<void> {
    await this.initiatives
      .updateOne({ _id: id }, { $inc: { volunteerHours: hours } }, { upsert: true, session })
      .exec();
  }
}
