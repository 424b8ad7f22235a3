import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ClientSession, Model, Types } from 'mongoose';
import { IdempotencyRecord } from './schemas/idempotency-record.schema';

export type NewIdempotencyRecord = Omit<IdempotencyRecord, '_id' | 'createdAt'>;

/** The only code that touches the stored answers of `Idempotency-Key` requests. */
@Injectable()
export class IdempotencyRepository implements OnModuleInit {
  constructor(
    @InjectModel(IdempotencyRecord.name) private readonly records: Model<IdempotencyRecord>,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.records.init();
  }

  find(scope: string, key: string, session?: ClientSession): Promise<IdempotencyRecord | null> {
    return this.records.findOne({ scope, key }, null, { session }).lean<IdempotencyRecord>().exec();
  }

  async insert(record: NewIdempotencyRecord, session: ClientSession): Promise<void> {
    await this.records.create([record], { session });
  }

  async remove(id: Types.ObjectId, session: ClientSession): Promise<void> {
    await this.records.deleteOne({ _id: id }, { session }).exec();
  }
}
