import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, QueryFilter, Types } from 'mongoose';
import type { OrganizationKind, RegionCode } from '@spilno/contracts';
import { Organization } from './schemas/organization.schema';

export interface NewOrganization {
  name: string;
  kind: OrganizationKind;
  region: RegionCode;
  description: string | null;
}

export interface OrganizationPageQuery {
  /** What the caller may read (from their CASL rules); joined with the rest by `$and`. */
  readable: QueryFilter<Organization>;
  region?: RegionCode;
  kind?: OrganizationKind;
  /** Exclusive: the last `_id` of the previous page. */
  after: Types.ObjectId | null;
  limit: number;
}

/** The only code that touches the organizations collection. */
@Injectable()
export class OrganizationsRepository {
  constructor(
    @InjectModel(Organization.name) private readonly organizations: Model<Organization>,
  ) {}

  async insert(organization: NewOrganization, session: ClientSession): Promise<Organization> {
    const [created] = await this.organizations.create([{ ...organization, status: 'pending' }], {
      session,
    });
    return created.toObject();
  }

  findById(id: Types.ObjectId): Promise<Organization | null> {
    return this.organizations.findById(id).lean<Organization>().exec();
  }

  /** Ascending `_id`: a page boundary stays put when organizations are added. */
  page(query: OrganizationPageQuery): Promise<Organization[]> {
    const conditions: QueryFilter<Organization>[] = [query.readable];
    if (query.region) conditions.push({ region: query.region });
    if (query.kind) conditions.push({ kind: query.kind });
    if (query.after) conditions.push({ _id: mongoose.trusted({ $gt: query.after }) });
    return this.organizations
      .find({ $and: conditions })
      .sort({ _id: 1 })
      .limit(query.limit)
      .lean<Organization[]>()
      .exec();
  }

  /** The ids among `ids` of verified organizations. */
  async verifiedAmong(ids: Types.ObjectId[]): Promise<Types.ObjectId[]> {
    if (ids.length === 0) return [];
    const rows = await this.organizations
      .find({ _id: mongoose.trusted({ $in: ids }), status: 'verified' }, { _id: 1 })
      .lean<{ _id: Types.ObjectId }[]>()
      .exec();
    return rows.map((row) => row._id);
  }

  /** Pending to verified; null when it was not pending (verified meanwhile) or is gone. */
  markVerified(
    id: Types.ObjectId,
    verifiedAt: Date,
    session: ClientSession,
  ): Promise<Organization | null> {
    return this.organizations
      .findOneAndUpdate(
        { _id: id, status: 'pending' },
        { $set: { status: 'verified', verifiedAt } },
        { session, returnDocument: 'after' },
      )
      .lean<Organization>()
      .exec();
  }

  /**
   * Writes the organization in a membership change's transaction (see `membershipVersion`);
   * false when it no longer exists.
   */
  async touchMemberships(id: Types.ObjectId, session: ClientSession): Promise<boolean> {
    const result = await this.organizations
      .updateOne({ _id: id }, { $inc: { membershipVersion: 1 } }, { session, timestamps: false })
      .exec();
    return result.matchedCount === 1;
  }
}
