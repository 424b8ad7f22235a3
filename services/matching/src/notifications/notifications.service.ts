import { Inject, Injectable } from '@nestjs/common';
import {
  OBJECT_ID_PATTERN,
  PAGE_LIMIT_DEFAULT,
  type ListNotificationsPayload,
  type NotificationPage,
  type NotificationView,
  type RequestMeta,
} from '@spilno/contracts';
import { Types } from 'mongoose';
import { signedInCaller } from '../common/caller';
import { CLOCK, type Clock } from '../common/clock';
import { MatchingError, MatchingErrorCode } from '../common/matching.errors';
import { decodeCursor, encodeCursor } from '../common/page-cursor';
import { NotificationsRepository } from './notifications.repository';
import type { Notification } from './schemas/notification.schema';

/** The caller's inbox: their notifications only; anyone else's is `not_found`. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(meta: RequestMeta, query: ListNotificationsPayload): Promise<NotificationPage> {
    const { principal } = signedInCaller(meta);
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new MatchingError(MatchingErrorCode.InvalidCursor);
    }
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const rows = await this.notifications.page(
      principal.userId,
      query.unread === true,
      after,
      limit + 1,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toNotificationView),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ value: last.createdAt.getTime(), id: last._id })
          : null,
    };
  }

  async markRead(meta: RequestMeta, notificationId: string): Promise<NotificationView> {
    const { principal } = signedInCaller(meta);
    if (!OBJECT_ID_PATTERN.test(notificationId)) {
      throw new MatchingError(MatchingErrorCode.NotificationNotFound);
    }
    const read = await this.notifications.markRead(
      new Types.ObjectId(notificationId),
      principal.userId,
      this.clock.now(),
    );
    if (!read) throw new MatchingError(MatchingErrorCode.NotificationNotFound);
    return toNotificationView(read);
  }
}

export function toNotificationView(n: Notification): NotificationView {
  return {
    id: n._id.toHexString(),
    kind: n.kind,
    taskId: n.taskId ?? null,
    initiativeId: n.initiativeId ?? null,
    title: n.title,
    body: n.body,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt ? n.readAt.toISOString() : null,
  };
}
