import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, Types } from 'mongoose';
import type { OrganizationRole } from '@spilno/contracts';
import { OrganizationMembership } from './schemas/membership.schema';

export interface NewMembership {
  organizationId: Types.ObjectId;
  userId: Types.ObjectId;
  role: OrganizationRole;
}

const DUPLICATE_KEY = 11000;

/** The only code that touches the memberships collection. */
@Injectable()
export class MembershipsRepository {
  constructor(
    @InjectModel(OrganizationMembership.name)
    private readonly memberships: Model<OrganizationMembership>,
  ) {}

  /** Inserts in the caller's transaction; null when the person is already a member. */
  async insert(
    membership: NewMembership,
    session: ClientSession,
  ): Promise<OrganizationMembership | null> {
    try {
      const [created] = await this.memberships.create([membership], { session });
      return created.toObject();
    } catch (e) {
      if ((e as { code?: unknown }).code === DUPLICATE_KEY) return null;
      throw e;
    }
  }

  find(
    organizationId: Types.ObjectId,
    userId: Types.ObjectId,
    session?: ClientSession,
  ): Promise<OrganizationMembership | null> {
    return this.memberships
      .findOne({ organizationId, userId }, null, { session })
      .lean<OrganizationMembership>()
      .exec();
  }

  ofUser(userId: Types.ObjectId): Promise<OrganizationMembership[]> {
    return this.memberships.find({ userId }).lean<OrganizationMembership[]>().exec();
  }

  /** An organization's members in joining order (ascending `_id`), after `after`. */
  page(
    organizationId: Types.ObjectId,
    after: Types.ObjectId | null,
    limit: number,
  ): Promise<OrganizationMembership[]> {
    const filter = after
      ? { organizationId, _id: mongoose.trusted({ $gt: after }) }
      : { organizationId };
    return this.memberships
      .find(filter)
      .sort({ _id: 1 })
      .limit(limit)
      .lean<OrganizationMembership[]>()
      .exec();
  }

  /** Members per organization, for the organizations in `ids` (absent ones count 0). */
  async countByOrganization(ids: Types.ObjectId[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (ids.length === 0) return counts;
    const rows = await this.memberships
      .aggregate<{ _id: Types.ObjectId; count: number }>([
        { $match: { organizationId: { $in: ids } } },
        { $group: { _id: '$organizationId', count: { $sum: 1 } } },
      ])
      .exec();
    for (const row of rows) counts.set(row._id.toHexString(), row.count);
    return counts;
  }

  countOwners(organizationId: Types.ObjectId, session: ClientSession): Promise<number> {
    return this.memberships.countDocuments({ organizationId, role: 'owner' }, { session }).exec();
  }

  async delete(id: Types.ObjectId, session: ClientSession): Promise<void> {
    await this.memberships.deleteOne({ _id: id }, { session }).exec();
  }
}
