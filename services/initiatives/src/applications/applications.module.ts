import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { InitiativesModule } from '../initiatives/initiatives.module';
import { TasksModule } from '../tasks/tasks.module';
import { ApplicationRequestsRepository } from './application-requests.repository';
import { ApplicationsController } from './applications.controller';
import { ApplicationsRepository } from './applications.repository';
import { ApplicationsService } from './applications.service';
import { ApplicationRequest, ApplicationRequestSchema } from './schemas/application-request.schema';
import { Application, ApplicationSchema } from './schemas/application.schema';
import { VolunteerRecord, VolunteerRecordSchema } from './schemas/volunteer-record.schema';
import { VolunteerRecordsRepository } from './volunteer-records.repository';
import { Volunteer, VolunteerSchema } from './volunteers/volunteer.schema';
import { VolunteersConsumer } from './volunteers/volunteers.consumer';
import { VolunteersRepository } from './volunteers/volunteers.repository';

/**
 * Applications to tasks (co-delivery), the volunteers' records of hours, and the people read
 * model (from the users service's events) that organizers and proposal lists read names and
 * shared profiles from; exports that read model.
 */
@Module({
  imports: [
    InitiativesModule,
    TasksModule,
    MongooseModule.forFeature([
      { name: Application.name, schema: ApplicationSchema },
      { name: VolunteerRecord.name, schema: VolunteerRecordSchema },
      { name: ApplicationRequest.name, schema: ApplicationRequestSchema },
      { name: Volunteer.name, schema: VolunteerSchema },
    ]),
  ],
  controllers: [ApplicationsController],
  providers: [
    ApplicationsService,
    ApplicationsRepository,
    VolunteerRecordsRepository,
    ApplicationRequestsRepository,
    VolunteersRepository,
    VolunteersConsumer,
  ],
  exports: [VolunteersRepository],
})
export class ApplicationsModule {}
