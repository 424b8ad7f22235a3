import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { ClientSession, Model, Types } from 'mongoose';
import type { NotificationKind } from '@spilno/contracts';
import type { CursorPosition } from '../common/page-cursor';
import { Notification } from './schemas/notification.schema';

export interface NewNotification {
  userId: string;
  kind: NotificationKind;
  taskId: string | null;
  initiativeId: string | null;
  title: string;
  body: string;
  createdAt: Date;
}

/** The only code that touches the notifications collection. */
@Injectable()
export class NotificationsRepository implements OnModuleInit {
  constructor(
    @InjectModel(Notification.name) private readonly notifications: Model<Notification>,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.notifications.init();
  }

  async insert(notification: NewNotification, session: ClientSession): Promise<void> {
    await this.notifications.create([{ ...notification, readAt: null }], { session });
  }

  /** A person's notifications after `after` (newest first), unread ones only if asked. */
  page(
    userId: string,
    unread: boolean,
    after: CursorPosition | null,
    limit: number,
  ): Promise<Notification[]> {
    const filter: Record<string, unknown> = { userId };
    if (unread) filter.readAt = null;
    if (after) {
      const at = new Date(after.value);
      filter.createdAt = mongoose.trusted({ $lte: at });
      filter.$or = [
        { createdAt: mongoose.trusted({ $lt: at }) },
        { _id: mongoose.trusted({ $lt: after.id }) },
      ];
    }
    return this.notifications
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<Notification[]>()
      .exec();
  }

  /** Marks the recipient's notification read (once: the first time stays); null if not theirs. */
  async markRead(id: Types.ObjectId, userId: string, at: Date): Promise<Notification | null> {
    await this.notifications.updateOne({ _id: id, userId, readAt: null }, { $set: { readAt: at } });
    return this.notifications.findOne({ _id: id, userId }).lean<Notification>().exec();
  }

  /** Per person: how many notifications since `since`, and the latest one's time. */
  async recentOf(
    userIds: readonly string[],
    since: Date,
    session: ClientSession,
  ): Promise<Map<string, { count: number; last: number }>> {
    const recent = new Map<string, { count: number; last: number }>();
    if (userIds.length === 0) return recent;
    const rows = await this.notifications
      .find(
        {
          userId: mongoose.trusted({ $in: [...userIds] }),
          createdAt: mongoose.trusted({ $gte: since }),
        },
        { userId: 1, createdAt: 1 },
        { session },
      )
      .lean<Pick<Notification, 'userId' | 'createdAt'>[]>()
      .exec();
    for (const row of rows) {
      const seen = recent.get(row.userId) ?? { count: 0, last: -Infinity };
      seen.count++;
      seen.last = Math.max(seen.last, row.createdAt.getTime());
      recent.set(row.userId, seen);
    }
    return recent;
  }
}
