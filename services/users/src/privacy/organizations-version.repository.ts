import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ClientSession, Connection, Types } from 'mongoose';

/**
 * Erasure removes memberships outside the organizations module, so it follows that module's
 * rule for membership changes (organizations/schemas/organization.schema.ts,
 * `membershipVersion`): bump the organization's version in the same transaction, so a
 * concurrent membership change of the same organization conflicts and retries on fresh data.
 */
@Injectable()
export class OrganizationsVersionRepository {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  async bump(organizationIds: Types.ObjectId[], session: ClientSession): Promise<void> {
    if (organizationIds.length === 0) return;
    await this.connection.collection('organizations').updateMany(
      // The driver's collection (no model here); the ids come from stored memberships.
      { _id: { $in: organizationIds } },
      { $inc: { membershipVersion: 1 } },
      { session },
    );
  }
}
