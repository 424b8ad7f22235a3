import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ClientSession, Model } from 'mongoose';
import { Person } from './person.schema';

/** The only code that touches the people read model. */
@Injectable()
export class PeopleRepository {
  constructor(@InjectModel(Person.name) private readonly people: Model<Person>) {}

  async displayName(userId: string, session?: ClientSession): Promise<string | null> {
    const person = await this.people
      .findById(userId, { displayName: 1 }, { session })
      .lean<Person>()
      .exec();
    return person?.displayName ?? null;
  }

  async upsert(person: Person, session: ClientSession): Promise<void> {
    await this.people
      .updateOne(
        { _id: person._id },
        { $set: { displayName: person.displayName } },
        { upsert: true, session },
      )
      .exec();
  }

  async remove(userId: string, session: ClientSession): Promise<void> {
    await this.people.deleteOne({ _id: userId }, { session }).exec();
  }
}
