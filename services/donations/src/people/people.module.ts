import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PeopleConsumer } from './people.consumer';
import { PeopleRepository } from './people.repository';
import { Person, PersonSchema } from './person.schema';

/** Donors' display names (the users service's events); exports the repository. */
@Module({
  imports: [MongooseModule.forFeature([{ name: Person.name, schema: PersonSchema }])],
  providers: [PeopleRepository, PeopleConsumer],
  exports: [PeopleRepository],
})
export class PeopleModule {}
