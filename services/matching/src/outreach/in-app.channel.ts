import { Injectable } from '@nestjs/common';
import type { ClientSession } from 'mongoose';
import { NotificationsRepository } from '../notifications/notifications.repository';
import type { DeliveryChannel, OutreachMessage } from './delivery-channel';

/** The in-app inbox (`GET /me/notifications`): the message is delivered once it is stored. */
@Injectable()
export class InAppChannel implements DeliveryChannel {
  readonly name = 'in_app';

  constructor(private readonly notifications: NotificationsRepository) {}

  deliver(message: OutreachMessage, session: ClientSession): Promise<void> {
    return this.notifications.insert(
      {
        userId: message.userId,
        kind: message.kind,
        taskId: message.taskId,
        initiativeId: message.initiativeId,
        title: message.title,
        body: message.body,
        createdAt: message.createdAt,
      },
      session,
    );
  }
}
