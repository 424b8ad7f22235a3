import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, Types } from 'mongoose';
import type { Role } from '@spilno/contracts';
import { User } from '../accounts/schemas/user.schema';
import { RoleGuard } from './schemas/role-guard.schema';

const DUPLICATE_KEY = 11000;

export interface AccountRoles {
  _id: Types.ObjectId;
  roles: Role[];
}

/**
 * The roles of accounts (the `roles` field of the users collection, which the accounts module
 * owns otherwise) and the `role_guards` documents that serialise role removals.
 */
@Injectable()
export class AccountRolesRepository {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    @InjectModel(RoleGuard.name) private readonly guards: Model<RoleGuard>,
  ) {}

  /**
   * Waits for the users indexes (the unique email index must exist before two replicas race to
   * create the first admin) and creates the guard document outside any transaction, so no two
   * transactions race to insert it.
   */
  async prepare(guardedRole: Role): Promise<void> {
    await this.users.init();
    try {
      await this.guards
        .updateOne({ _id: guardedRole }, { $setOnInsert: { version: 0 } }, { upsert: true })
        .exec();
    } catch (e) {
      // Another replica created it at the same moment.
      if ((e as { code?: unknown }).code !== DUPLICATE_KEY) throw e;
    }
  }

  findByEmail(email: string): Promise<AccountRoles | null> {
    return this.users.findOne({ email }, { roles: 1 }).lean<AccountRoles>().exec();
  }

  findRoles(id: Types.ObjectId, session?: ClientSession): Promise<AccountRoles | null> {
    return this.users.findById(id, { roles: 1 }, { session }).lean<AccountRoles>().exec();
  }

  async setRoles(id: Types.ObjectId, roles: Role[], session: ClientSession): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { roles } }, { session }).exec();
  }

  /** Adds `role` unless the account has it; the roles after the change, or null if unchanged. */
  async grantIfMissing(
    id: Types.ObjectId,
    role: Role,
    session: ClientSession,
  ): Promise<Role[] | null> {
    const updated = await this.users
      .findOneAndUpdate(
        { _id: id, roles: mongoose.trusted({ $ne: role }) },
        { $push: { roles: role } },
        { session, returnDocument: 'after', projection: { roles: 1 } },
      )
      .lean<AccountRoles>()
      .exec();
    return updated?.roles ?? null;
  }

  countWithRole(role: Role, session: ClientSession): Promise<number> {
    return this.users.countDocuments({ roles: role }, { session }).exec();
  }

  /** Writes the role's guard document, so concurrent removals of `role` write-conflict. */
  async touchGuard(role: Role, session: ClientSession): Promise<void> {
    await this.guards
      .updateOne({ _id: role }, { $inc: { version: 1 } }, { session, upsert: true })
      .exec();
  }
}
