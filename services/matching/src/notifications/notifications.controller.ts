import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, type NotificationPage, type NotificationView } from '@spilno/contracts';
import { ListNotificationsRequest, NotificationIdRequest } from '../common/matching.dto';
import { NotificationsService } from './notifications.service';

@Controller()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @MessagePattern(Subjects.matching.notificationList)
  list(@Payload() request: ListNotificationsRequest): Promise<NotificationPage> {
    return this.notifications.list(request.meta, request.data);
  }

  @MessagePattern(Subjects.matching.notificationRead)
  read(@Payload() request: NotificationIdRequest): Promise<NotificationView> {
    return this.notifications.markRead(request.meta, request.data.notificationId);
  }
}
