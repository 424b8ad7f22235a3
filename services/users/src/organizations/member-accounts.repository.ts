import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model, Types } from 'mongoose';
import { User } from '../accounts/schemas/user.schema';

export interface MemberAccount {
  _id: Types.ObjectId;
  displayName: string;
}

/**
 * The two reads of accounts that memberships need (an account by email, display names by ids), on
 * the users collection the accounts module owns; read-only, and never more than these fields.
 */
@Injectable()
export class MemberAccountsRepository {
  constructor(@InjectModel(User.name) private readonly users: Model<User>) {}

  findByEmail(email: string): Promise<MemberAccount | null> {
    return this.users.findOne({ email }, { displayName: 1 }).lean<MemberAccount>().exec();
  }

  async displayNames(ids: Types.ObjectId[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const users = await this.users
      .find({ _id: mongoose.trusted({ $in: ids }) }, { displayName: 1 })
      .lean<{ _id: Types.ObjectId; displayName: string }[]>()
      .exec();
    return new Map(users.map((u) => [u._id.toHexString(), u.displayName]));
  }
}
