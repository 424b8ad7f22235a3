import { Module } from '@nestjs/common';
import { OrganizationsController } from './organizations.controller';

/** Organizations and memberships, answered by the users service. */
@Module({ controllers: [OrganizationsController] })
export class OrganizationsModule {}
