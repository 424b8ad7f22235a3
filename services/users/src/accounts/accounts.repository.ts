import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ClientSession, Model, Types } from 'mongoose';
import type { Locale, ProfileFields, Role } from '@spilno/contracts';
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

  /** Null for an id that is not a 24-hex ObjectId: such an account cannot exist. */
  findById(id: string): Promise<User | null> {
    if (!isObjectIdHex(id)) return Promise.resolve(null);
    return this.users.findById(new Types.ObjectId(id)).lean<User>().exec();
  }

  /** Sets the given profile fields in the caller's transaction; the updated user, or null. */
  updateProfile(
    id: string,
    changes: Partial<ProfileFields>,
    session: ClientSession,
  ): Promise<User | null> {
    if (!isObjectIdHex(id)) return Promise.resolve(null);
    return this.users
      .findOneAndUpdate(
        { _id: new Types.ObjectId(id) },
        { $set: changes },
        { session, returnDocument: 'after', runValidators: true },
      )
      .lean<User>()
      .exec();
  }
}

/** `ObjectId.isValid` also accepts any 12-character string; ids here are 24 hex digits. */
function isObjectIdHex(id: string): boolean {
  return /^[0-9a-f]{24}$/i.test(id);
}
