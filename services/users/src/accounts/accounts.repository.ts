import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ClientSession, Model, Types } from 'mongoose';
import type { Locale, Role } from '@spilno/contracts';
import { User } from './schemas/user.schema';

export interface NewUser {
  email: string;
  passwordHash: string;
  displayName: string;
  locale: Locale;
  roles: Role[];
}

const DUPLICATE_KEY = 11000;

/** The only code that touches the users collection. */
@Injectable()
export class AccountsRepository {
  constructor(@InjectModel(User.name) private readonly users: Model<User>) {}

  /** Inserts in the caller's transaction; null when the email is taken. */
  async insert(user: NewUser, session: ClientSession): Promise<User | null> {
    try {
      const [created] = await this.users.create([user], { session });
      return created.toObject();
    } catch (e) {
      if ((e as { code?: unknown }).code === DUPLICATE_KEY) return null;
      throw e;
    }
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ email }).lean<User>().exec();
  }

  findById(id: string): Promise<User | null> {
    if (!Types.ObjectId.isValid(id)) return Promise.resolve(null);
    return this.users.findById(new Types.ObjectId(id)).lean<User>().exec();
  }
}
