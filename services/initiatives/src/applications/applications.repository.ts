import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, QueryFilter, Types } from 'mongoose';
import {
  SHIFT_COMMITTED_STATUSES,
  SLOT_HOLDING_STATUSES,
  type ApplicationStatus,
} from '@spilno/contracts';
import type { CursorPosition } from '../common/page-cursor';
import { Application } from './schemas/application.schema';

export interface NewApplication {
  taskId: Types.ObjectId;
  initiativeId: Types.ObjectId;
  organizationId: Types.ObjectId;
  userId: string;
  status: ApplicationStatus;
  message: string | null;
  contact: string | null;
  decidedAt: Date | null;
}

export interface ApplicationChange {
  set: Partial<
    Pick<
      Application,
      'status' | 'hours' | 'decidedAt' | 'checkedInAt' | 'completedAt' | 'withdrawnAt'
    >
  >;
  /** Withdrawn applications leave the "already applied" index. */
  deactivate: boolean;
}

/** The only code that touches the applications collection. */
@Injectable()
export class ApplicationsRepository implements OnModuleInit {
  constructor(@InjectModel(Application.name) private readonly applications: Model<Application>) {}

  /** The unique index must exist before the first application (it decides "already applied"). */
  async onModuleInit(): Promise<void> {
    await this.applications.init();
  }

  /** Fails with a duplicate key (E11000 on `taskId, userId`) when a live one exists. */
  async insert(application: NewApplication, session: ClientSession): Promise<Application> {
    const [created] = await this.applications.create([{ ...application, active: true }], {
      session,
    });
    return created.toObject();
  }

  findById(id: Types.ObjectId, session?: ClientSession): Promise<Application | null> {
    return this.applications.findById(id, null, { session }).lean<Application>().exec();
  }

  /** Applies a step if the status is still `from`; the application after, or null. */
  transition(
    id: Types.ObjectId,
    from: ApplicationStatus,
    change: ApplicationChange,
    session: ClientSession,
  ): Promise<Application | null> {
    const update: mongoose.UpdateQuery<Application> = { $set: change.set };
    if (change.deactivate) update.$unset = { active: 1 };
    return this.applications
      .findOneAndUpdate({ _id: id, status: from }, update, {
        session,
        returnDocument: 'after',
        runValidators: true,
      })
      .lean<Application>()
      .exec();
  }

  /** The tasks of the shifts the volunteer is committed to (accepted, checked in). */
  async committedTaskIds(userId: string, session: ClientSession): Promise<Types.ObjectId[]> {
    const rows = await this.applications
      .find(
        { userId, status: mongoose.trusted({ $in: [...SHIFT_COMMITTED_STATUSES] }) },
        { taskId: 1 },
        { session },
      )
      .lean<Pick<Application, 'taskId'>[]>()
      .exec();
    return rows.map((row) => row.taskId);
  }

  /** Whether the volunteer holds a slot in the initiative through another application. */
  async holdsAnotherSlot(
    application: Pick<Application, '_id' | 'initiativeId' | 'userId'>,
    session: ClientSession,
  ): Promise<boolean> {
    const found = await this.applications
      .exists({
        userId: application.userId,
        status: mongoose.trusted({ $in: [...SLOT_HOLDING_STATUSES] }),
        initiativeId: application.initiativeId,
        _id: mongoose.trusted({ $ne: application._id }),
      })
      .session(session)
      .exec();
    return found !== null;
  }

  /** The first waitlisted applications of a task, first come first served. */
  waitlisted(
    taskId: Types.ObjectId,
    limit: number,
    session: ClientSession,
  ): Promise<Application[]> {
    return this.applications
      .find({ taskId, status: 'waitlisted' }, null, { session })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean<Application[]>()
      .exec();
  }

  /** A task's applications, oldest first, strictly after `after`. */
  queuePage(
    taskId: Types.ObjectId,
    status: ApplicationStatus | undefined,
    after: CursorPosition | null,
    limit: number,
  ): Promise<Application[]> {
    const conditions: QueryFilter<Application> = { taskId };
    if (status) conditions.status = status;
    if (after) {
      const at = new Date(after.value);
      conditions.createdAt = mongoose.trusted({ $gte: at });
      conditions.$or = [
        { createdAt: mongoose.trusted({ $gt: at }) },
        { _id: mongoose.trusted({ $gt: after.id }) },
      ];
    }
    return this.applications
      .find(conditions)
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean<Application[]>()
      .exec();
  }

  /** A volunteer's applications, newest first, strictly after `after`. */
  userPage(
    userId: string,
    status: ApplicationStatus | undefined,
    after: CursorPosition | null,
    limit: number,
  ): Promise<Application[]> {
    const conditions: QueryFilter<Application> = { userId };
    if (status) conditions.status = status;
    if (after) {
      const at = new Date(after.value);
      conditions.createdAt = mongoose.trusted({ $lte: at });
      conditions.$or = [
        { createdAt: mongoose.trusted({ $lt: at }) },
        { _id: mongoose.trusted({ $lt: after.id }) },
      ];
    }
    return this.applications
      .find(conditions)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<Application[]>()
      .exec();
  }
}
