import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ClientSession, Model } from 'mongoose';
import type { ApplicationView } from '@spilno/contracts';
import { ApplicationRequest } from './schemas/application-request.schema';

/** The only code that touches the stored answers of `Idempotency-Key` requests. */
@Injectable()
export class ApplicationRequestsRepository implements OnModuleInit {
  constructor(
    @InjectModel(ApplicationRequest.name) private readonly requests: Model<ApplicationRequest>,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.requests.init();
  }

  find(userId: string, key: string, session?: ClientSession): Promise<ApplicationRequest | null> {
    return this.requests
      .findOne({ userId, key }, null, { session })
      .lean<ApplicationRequest>()
      .exec();
  }

  async insert(
    request: { userId: string; key: string; requestHash: string; answer: ApplicationView },
    session: ClientSession,
  ): Promise<void> {
    await this.requests.create([request], { session });
  }
}
