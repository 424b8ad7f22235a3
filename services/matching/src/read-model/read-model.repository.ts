import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model } from 'mongoose';
import type { ReadModelStore } from './read-model.reducer';
import type { ApplicationRecord, InitiativeRecord, TaskRecord, VolunteerRecord } from './records';
import { Application } from './schemas/application.schema';
import { Initiative } from './schemas/initiative.schema';
import { Task } from './schemas/task.schema';
import { Volunteer } from './schemas/volunteer.schema';

/** Removes a person from every collection that holds their data (the personal-data registry). */
export type PersonEraser = (
  userId: string,
  erasedAt: Date,
  session: ClientSession,
) => Promise<void>;

export interface ReadModelContents {
  volunteers: VolunteerRecord[];
  initiatives: InitiativeRecord[];
  tasks: TaskRecord[];
  applications: ApplicationRecord[];
}

/** The only code that touches the read model's collections. */
@Injectable()
export class ReadModelRepository implements OnModuleInit {
  constructor(
    @InjectModel(Volunteer.name) private readonly volunteers: Model<Volunteer>,
    @InjectModel(Initiative.name) private readonly initiatives: Model<Initiative>,
    @InjectModel(Task.name) private readonly tasks: Model<Task>,
    @InjectModel(Application.name) private readonly applications: Model<Application>,
  ) {}

  /** The collections exist (with their indexes) before the consumer writes them in transactions. */
  async onModuleInit(): Promise<void> {
    await Promise.all([
      this.volunteers.init(),
      this.initiatives.init(),
      this.tasks.init(),
      this.applications.init(),
    ]);
  }

  /** The read model as a store inside one transaction (the durable consumer's). */
  inTransaction(session: ClientSession, erase: PersonEraser): ReadModelStore {
    const byId = { session };
    const upsert = { session, upsert: true, runValidators: true };
    return {
      volunteer: (id) => this.volunteers.findById(id, null, byId).lean<VolunteerRecord>().exec(),
      saveVolunteer: async (v) => {
        await this.volunteers.replaceOne({ _id: v._id }, v, upsert).exec();
      },
      erase: (userId, erasedAt) => erase(userId, erasedAt, session),
      initiative: (id) => this.initiatives.findById(id, null, byId).lean<InitiativeRecord>().exec(),
      saveInitiative: async (i) => {
        await this.initiatives.replaceOne({ _id: i._id }, i, upsert).exec();
      },
      task: (id) => this.tasks.findById(id, null, byId).lean<TaskRecord>().exec(),
      saveTask: async (t) => {
        await this.tasks.replaceOne({ _id: t._id }, t, upsert).exec();
      },
      application: (id) =>
        this.applications.findById(id, null, byId).lean<ApplicationRecord>().exec(),
      saveApplication: async (a) => {
        await this.applications.replaceOne({ _id: a._id }, a, upsert).exec();
      },
    };
  }

  /** Everything, for the index at boot. */
  async contents(): Promise<ReadModelContents> {
    const [volunteers, initiatives, tasks, applications] = await Promise.all([
      this.volunteers.find().sort({ _id: 1 }).lean<VolunteerRecord[]>().exec(),
      this.initiatives.find().sort({ _id: 1 }).lean<InitiativeRecord[]>().exec(),
      this.tasks.find().sort({ _id: 1 }).lean<TaskRecord[]>().exec(),
      this.applications.find().sort({ _id: 1 }).lean<ApplicationRecord[]>().exec(),
    ]);
    return { volunteers, initiatives, tasks, applications };
  }

  /** Empties the read model (a replay from zero rebuilds it). */
  async clear(): Promise<void> {
    await Promise.all([
      this.volunteers.deleteMany({}).exec(),
      this.initiatives.deleteMany({}).exec(),
      this.tasks.deleteMany({}).exec(),
      this.applications.deleteMany({}).exec(),
    ]);
  }

  /** An initiative's open tasks (outreach when it is published). */
  openTasksOf(initiativeId: string, session: ClientSession): Promise<TaskRecord[]> {
    return this.tasks
      .find({ initiativeId, status: 'open' }, null, { session })
      .lean<TaskRecord[]>()
      .exec();
  }

  /** Whether someone waits for a slot of the task (a freed slot then goes to them). */
  async hasWaitlist(taskId: string, session: ClientSession): Promise<boolean> {
    const waiting = await this.applications
      .countDocuments({ taskId, status: 'waitlisted' }, { session })
      .exec();
    return waiting > 0;
  }

  /** Which of these people applied to the task (in any status). */
  async appliedAmong(
    taskId: string,
    userIds: readonly string[],
    session: ClientSession,
  ): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.applications
      .find({ taskId, userId: mongoose.trusted({ $in: [...userIds] }) }, { userId: 1 }, { session })
      .lean<Pick<ApplicationRecord, 'userId'>[]>()
      .exec();
    return new Set(rows.map((r) => r.userId));
  }
}
