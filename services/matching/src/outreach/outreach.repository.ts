import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model } from 'mongoose';
import { OutreachDay } from './schemas/outreach-day.schema';
import { OutreachRun } from './schemas/outreach-run.schema';
import { TaskNotice } from './schemas/task-notice.schema';

export function noticeId(taskId: string, userId: string): string {
  return `${taskId}:${userId}`;
}

export function dayId(userId: string, day: string): string {
  return `${userId}:${day}`;
}

/** The only code that touches the outreach ledger: runs, notices, daily counts. */
@Injectable()
export class OutreachRepository implements OnModuleInit {
  constructor(
    @InjectModel(OutreachRun.name) private readonly runs: Model<OutreachRun>,
    @InjectModel(TaskNotice.name) private readonly notices: Model<TaskNotice>,
    @InjectModel(OutreachDay.name) private readonly days: Model<OutreachDay>,
  ) {}

  async onModuleInit(): Promise<void> {
    await Promise.all([this.runs.init(), this.notices.init(), this.days.init()]);
  }

  async hasRun(id: string, session: ClientSession): Promise<boolean> {
    return (await this.runs.exists({ _id: id }).session(session).exec()) !== null;
  }

  async recordRun(id: string, notified: number, at: Date, session: ClientSession): Promise<void> {
    await this.runs.create([{ _id: id, notified, ranAt: at }], { session });
  }

  /** Who of these people was already told about the task. */
  async noticedAmong(
    taskId: string,
    userIds: readonly string[],
    session: ClientSession,
  ): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const ids = userIds.map((userId) => noticeId(taskId, userId));
    const rows = await this.notices
      .find({ _id: mongoose.trusted({ $in: ids }) }, { userId: 1 }, { session })
      .lean<Pick<TaskNotice, 'userId'>[]>()
      .exec();
    return new Set(rows.map((r) => r.userId));
  }

  async recordNotice(
    taskId: string,
    userId: string,
    at: Date,
    session: ClientSession,
  ): Promise<void> {
    await this.notices.create([{ _id: noticeId(taskId, userId), taskId, userId, notifiedAt: at }], {
      session,
    });
  }

  /** Notifications each of these people got on `day`. */
  async countsOn(
    day: string,
    userIds: readonly string[],
    session: ClientSession,
  ): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.days
      .find(
        { _id: mongoose.trusted({ $in: userIds.map((u) => dayId(u, day)) }) },
        { userId: 1, count: 1 },
        { session },
      )
      .lean<Pick<OutreachDay, 'userId' | 'count'>[]>()
      .exec();
    return new Map(rows.map((r) => [r.userId, r.count]));
  }

  async countOne(userId: string, day: string, session: ClientSession): Promise<void> {
    await this.days
      .updateOne(
        { _id: dayId(userId, day) },
        { $inc: { count: 1 }, $setOnInsert: { userId, day } },
        { session, upsert: true },
      )
      .exec();
  }
}
