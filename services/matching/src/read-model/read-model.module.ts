import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ReadModelRepository } from './read-model.repository';
import { Application, ApplicationSchema } from './schemas/application.schema';
import { Initiative, InitiativeSchema } from './schemas/initiative.schema';
import { Task, TaskSchema } from './schemas/task.schema';
import { Volunteer, VolunteerSchema } from './schemas/volunteer.schema';

/** The read model's collections in MongoDB and their repository. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Volunteer.name, schema: VolunteerSchema },
      { name: Initiative.name, schema: InitiativeSchema },
      { name: Task.name, schema: TaskSchema },
      { name: Application.name, schema: ApplicationSchema },
    ]),
  ],
  providers: [ReadModelRepository],
  exports: [ReadModelRepository],
})
export class ReadModelModule {}
