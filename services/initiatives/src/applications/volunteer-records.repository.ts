import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ClientSession, Model } from 'mongoose';
import { VolunteerRecord } from './schemas/volunteer-record.schema';

/** The only code that touches the volunteer records. */
@Injectable()
export class VolunteerRecordsRepository implements OnModuleInit {
  constructor(
    @InjectModel(VolunteerRecord.name) private readonly records: Model<VolunteerRecord>,
  ) {}

  /** The collection exists before the first write in a transaction. */
  async onModuleInit(): Promise<void> {
    await this.records.init();
  }

  /**
   * Writes the volunteer's record first in a transaction that changes what they hold, so that
   * two such transactions of one volunteer conflict (one retries and sees the other's outcome).
   */
  async serialise(userId: string, session: ClientSession): Promise<void> {
    await this.records
      .updateOne({ _id: userId }, { $inc: { revision: 1 } }, { session, upsert: true })
      .exec();
  }

  async addHours(userId: string, hours: number, session: ClientSession): Promise<void> {
    await this.records
      .updateOne(
        { _id: userId },
        { $inc: { hours, completedShifts: 1 } },
        { session, upsert: true },
      )
      .exec();
  }

  find(userId: string): Promise<VolunteerRecord | null> {
    return this.records.findById(userId).lean<VolunteerRecord>().exec();
  }
}
