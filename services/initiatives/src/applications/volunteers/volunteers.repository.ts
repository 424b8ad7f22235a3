import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model } from 'mongoose';
import { Volunteer } from './volunteer.schema';

/** The only code that touches the people read model. */
@Injectable()
export class VolunteersRepository implements OnModuleInit {
  constructor(@InjectModel(Volunteer.name) private readonly volunteers: Model<Volunteer>) {}

  /** The collection exists before the consumer writes it in a transaction. */
  async onModuleInit(): Promise<void> {
    await this.volunteers.init();
  }

  findByIds(ids: readonly string[]): Promise<Volunteer[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.volunteers
      .find({ _id: mongoose.trusted({ $in: [...new Set(ids)] }) })
      .lean<Volunteer[]>()
      .exec();
  }

  /** Stores a profile snapshot unless a newer one is already here. */
  async apply(snapshot: Volunteer, session: ClientSession): Promise<void> {
    const stored = await this.volunteers
      .findById(snapshot._id, { profileUpdatedAt: 1 }, { session })
      .lean<Pick<Volunteer, 'profileUpdatedAt'>>()
      .exec();
    if (stored && stored.profileUpdatedAt.getTime() > snapshot.profileUpdatedAt.getTime()) return;
    await this.volunteers
      .replaceOne({ _id: snapshot._id }, snapshot, { session, upsert: true, runValidators: true })
      .exec();
  }

  async remove(userId: string, session: ClientSession): Promise<void> {
    await this.volunteers.deleteOne({ _id: userId }, { session }).exec();
  }
}
