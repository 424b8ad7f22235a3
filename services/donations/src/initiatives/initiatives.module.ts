import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { InitiativeReadModel, InitiativeReadModelSchema } from './initiative.schema';
import { InitiativesRepository } from './initiatives.repository';

/**
 * The initiatives read model; exports the repository. Its consumers (initiatives.consumers.ts)
 * also write campaigns, so the campaigns module provides them.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: InitiativeReadModel.name, schema: InitiativeReadModelSchema },
    ]),
  ],
  providers: [InitiativesRepository],
  exports: [InitiativesRepository],
})
export class InitiativesModule {}
