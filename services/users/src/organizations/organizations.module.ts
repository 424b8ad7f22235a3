import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { User, UserSchema } from '../accounts/schemas/user.schema';
import { RolesModule } from '../roles/roles.module';
import { MemberAccountsRepository } from './member-accounts.repository';
import { MembershipsController } from './memberships.controller';
import { MembershipsRepository } from './memberships.repository';
import { MembershipsService } from './memberships.service';
import { OrganizationAccess } from './organization-access';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';
import { OrganizationMembership, OrganizationMembershipSchema } from './schemas/membership.schema';
import { Organization, OrganizationSchema } from './schemas/organization.schema';

/**
 * Organizations and their memberships. Exports `MembershipsService` for access tokens, which
 * carry the memberships of verified organizations.
 */
@Module({
  imports: [
    RolesModule,
    MongooseModule.forFeature([
      { name: Organization.name, schema: OrganizationSchema },
      { name: OrganizationMembership.name, schema: OrganizationMembershipSchema },
      { name: User.name, schema: UserSchema },
    ]),
  ],
  controllers: [OrganizationsController, MembershipsController],
  providers: [
    OrganizationsService,
    MembershipsService,
    OrganizationAccess,
    OrganizationsRepository,
    MembershipsRepository,
    MemberAccountsRepository,
  ],
  exports: [MembershipsService],
})
export class OrganizationsModule {}
