import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, QueryFilter, Types } from 'mongoose';
import type { InitiativeStatus, RegionCode, TaskStatus, TaskUrgency } from '@spilno/contracts';
import type { CursorPosition } from '../common/page-cursor';
import { GeoPointEntry } from '../common/schemas/geo-point.schema';
import { Task } from './schemas/task.schema';

export interface NewTask {
  initiativeId: Types.ObjectId;
  organizationId: Types.ObjectId;
  region: RegionCode;
  initiativeStatus: InitiativeStatus;
  title: string;
  description: string | null;
  requiredSkills: string[];
  slots: number;
  startsAt: Date;
  endsAt: Date;
  location?: GeoPointEntry;
  urgency: TaskUrgency;
  autoAccept: boolean;
  /** A task made from a co-monitoring report (`POST /reports/:id/task`). */
  sourceReportId?: Types.ObjectId;
}

export interface TaskChanges {
  set: Partial<
    Pick<
      Task,
      | 'title'
      | 'description'
      | 'requiredSkills'
      | 'slots'
      | 'startsAt'
      | 'endsAt'
      | 'location'
      | 'urgency'
      | 'autoAccept'
    >
  >;
  unset: 'location'[];
  /** Added to `openSlots` (a change of `slots` moves it by as much). */
  openSlotsDelta: number;
}

/** The only code that touches the tasks collection. */
@Injectable()
export class TasksRepository implements OnModuleInit {
  constructor(@InjectModel(Task.name) private readonly tasks: Model<Task>) {}

  /** Waits for the indexes and the collection (the first task is inserted in a transaction). */
  async onModuleInit(): Promise<void> {
    await this.tasks.init();
  }

  async insert(task: NewTask, session: ClientSession): Promise<Task> {
    const [created] = await this.tasks.create(
      [{ ...task, filled: 0, openSlots: task.slots, status: 'open' }],
      { session },
    );
    return created.toObject();
  }

  findById(id: Types.ObjectId, session?: ClientSession): Promise<Task | null> {
    return this.tasks.findById(id, null, { session }).lean<Task>().exec();
  }

  /** Tasks by id (for titles and shifts of applications), in no particular order. */
  findByIds(ids: Types.ObjectId[], session?: ClientSession): Promise<Task[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.tasks
      .find({ _id: mongoose.trusted({ $in: ids }) }, null, { session })
      .lean<Task[]>()
      .exec();
  }

  /**
   * Takes a slot of an open task that has a free one, in one conditional `$inc` (so `filled`
   * never passes `slots`); the task after, or null when it is closed or full. Leaves
   * `updatedAt` alone (the task itself did not change).
   */
  takeSlot(
    id: Types.ObjectId,
    session: ClientSession,
    only: { autoAccept?: true } = {},
  ): Promise<Task | null> {
    return this.tasks
      .findOneAndUpdate(
        { _id: id, status: 'open', openSlots: mongoose.trusted({ $gt: 0 }), ...only },
        { $inc: { filled: 1, openSlots: -1 } },
        { session, returnDocument: 'after', timestamps: false },
      )
      .lean<Task>()
      .exec();
  }

  /** Gives a slot back (of a closed task too: `filled` counts people); the task after. */
  releaseSlot(id: Types.ObjectId, session: ClientSession): Promise<Task | null> {
    return this.tasks
      .findOneAndUpdate(
        { _id: id, filled: mongoose.trusted({ $gt: 0 }) },
        { $inc: { filled: -1, openSlots: 1 } },
        { session, returnDocument: 'after', timestamps: false },
      )
      .lean<Task>()
      .exec();
  }

  /**
   * Changes an open task whose `filled` still fits in `slots` (so no slot taken meanwhile is
   * lost); the task after, or null.
   */
  update(id: Types.ObjectId, changes: TaskChanges, session: ClientSession): Promise<Task | null> {
    const filter: QueryFilter<Task> = { _id: id, status: 'open' };
    if (changes.set.slots !== undefined) {
      filter.filled = mongoose.trusted({ $lte: changes.set.slots });
    }
    const update: mongoose.UpdateQuery<Task> = {
      $set: changes.set,
      $inc: { openSlots: changes.openSlotsDelta },
    };
    if (changes.unset.length) {
      update.$unset = Object.fromEntries(changes.unset.map((path) => [path, 1]));
    }
    return this.tasks
      .findOneAndUpdate(filter, update, { session, returnDocument: 'after', runValidators: true })
      .lean<Task>()
      .exec();
  }

  /** Open to closed; the task after, or null when it was not open. */
  close(id: Types.ObjectId, at: Date, session: ClientSession): Promise<Task | null> {
    return this.tasks
      .findOneAndUpdate(
        { _id: id, status: 'open' },
        { $set: { status: 'closed', closedAt: at } },
        { session, returnDocument: 'after' },
      )
      .lean<Task>()
      .exec();
  }

  /** The skill codes the open tasks of an initiative require, sorted, each once. */
  async openTaskSkills(initiativeId: Types.ObjectId, session: ClientSession): Promise<string[]> {
    const rows = await this.tasks
      .find({ initiativeId, status: 'open' }, { requiredSkills: 1 }, { session })
      .lean<Pick<Task, 'requiredSkills'>[]>()
      .exec();
    return [...new Set(rows.flatMap((row) => row.requiredSkills))].sort();
  }

  /** Tasks of an initiative by shift start, then `_id`, strictly after `after`. */
  page(
    initiativeId: Types.ObjectId,
    status: TaskStatus | undefined,
    after: CursorPosition | null,
    limit: number,
  ): Promise<Task[]> {
    const conditions: QueryFilter<Task> = { initiativeId };
    if (status) conditions.status = status;
    if (after) {
      const at = new Date(after.value);
      conditions.startsAt = mongoose.trusted({ $gte: at });
      conditions.$or = [
        { startsAt: mongoose.trusted({ $gt: at }) },
        { _id: mongoose.trusted({ $gt: after.id }) },
      ];
    }
    return this.tasks
      .find(conditions)
      .sort({ startsAt: 1, _id: 1 })
      .limit(limit)
      .lean<Task[]>()
      .exec();
  }

  /** Copies the initiative's region and status to its tasks that differ. */
  async followInitiative(
    initiativeId: Types.ObjectId,
    current: { region: RegionCode; initiativeStatus: InitiativeStatus },
    session: ClientSession,
  ): Promise<void> {
    await this.tasks
      .updateMany(
        {
          initiativeId,
          $or: [
            { region: mongoose.trusted({ $ne: current.region }) },
            { initiativeStatus: mongoose.trusted({ $ne: current.initiativeStatus }) },
          ],
        },
        { $set: current },
        { session, timestamps: false },
      )
      .exec();
  }

  /** Closes every open task of an initiative; the tasks closed, after. */
  async closeOpen(initiativeId: Types.ObjectId, at: Date, session: ClientSession): Promise<Task[]> {
    const open = await this.tasks
      .find({ initiativeId, status: 'open' }, { _id: 1 }, { session })
      .lean<{ _id: Types.ObjectId }[]>()
      .exec();
    if (open.length === 0) return [];
    const ids = open.map((row) => row._id);
    await this.tasks
      .updateMany(
        { _id: mongoose.trusted({ $in: ids }), status: 'open' },
        { $set: { status: 'closed', closedAt: at } },
        { session },
      )
      .exec();
    return this.tasks
      .find({ _id: mongoose.trusted({ $in: ids }) }, null, { session })
      .sort({ startsAt: 1, _id: 1 })
      .lean<Task[]>()
      .exec();
  }
}
