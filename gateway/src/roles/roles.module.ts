import { Module } from '@nestjs/common';
import { RolesController } from './roles.controller';

/** Platform roles, answered by the users service. */
@Module({ controllers: [RolesController] })
export class RolesModule {}
