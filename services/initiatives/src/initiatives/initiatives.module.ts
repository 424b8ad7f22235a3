import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { InitiativeAccess } from './initiative-access';
import { InitiativeChangeListeners } from './initiative-changes';
import { InitiativesController } from './initiatives.controller';
import { InitiativesRepository } from './initiatives.repository';
import { InitiativesService } from './initiatives.service';
import { Initiative, InitiativeSchema } from './schemas/initiative.schema';

/**
 * Initiatives: create, edit, lifecycle, search. Exports what other aggregates of the service
 * (tasks; later applications, proposals, reports) need: the repository for counters, access
 * checks, and the listeners that let them follow an initiative's changes.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: Initiative.name, schema: InitiativeSchema }])],
  controllers: [InitiativesController],
  providers: [
    InitiativesService,
    InitiativesRepository,
    InitiativeAccess,
    InitiativeChangeListeners,
  ],
  exports: [InitiativesRepository, InitiativeAccess, InitiativeChangeListeners],
})
export class InitiativesModule {}
