import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { SignInAttempts } from './schemas/sign-in-attempts.schema';

const DUPLICATE_KEY = 11000;

/** The only code that touches the sign_in_attempts collection. */
@Injectable()
export class SignInAttemptsRepository {
  constructor(@InjectModel(SignInAttempts.name) private readonly attempts: Model<SignInAttempts>) {}

  /** Counts one attempt in the window `id` (created on first use); answers the new count. */
  async increment(id: string, expiresAt: Date): Promise<number> {
    const upsert = () =>
      this.attempts
        .findOneAndUpdate(
          { _id: id },
          { $inc: { count: 1 }, $setOnInsert: { expiresAt } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean<SignInAttempts>()
        .exec();
    let counter: SignInAttempts | null;
    try {
      counter = await upsert();
    } catch (e) {
      // Two first attempts raced to create the counter: the loser increments the winner's.
      if ((e as { code?: unknown }).code !== DUPLICATE_KEY) throw e;
      counter = await upsert();
    }
    return counter?.count ?? 1;
  }

  async reset(id: string): Promise<void> {
    await this.attempts.deleteOne({ _id: id }).exec();
  }
}
