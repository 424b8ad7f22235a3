import { Module } from '@nestjs/common';
import { InitiativesController } from './initiatives.controller';
import { TasksController } from './tasks.controller';

/** Initiatives and their tasks, answered by the initiatives service. */
@Module({ controllers: [InitiativesController, TasksController] })
export class InitiativesModule {}
