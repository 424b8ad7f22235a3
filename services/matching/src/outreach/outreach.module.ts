import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MatchingIndexModule } from '../index/index.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { RankingModule } from '../ranking/ranking.module';
import { ReadModelModule } from '../read-model/read-model.module';
import { DELIVERY_CHANNELS, type DeliveryChannel } from './delivery-channel';
import { InAppChannel } from './in-app.channel';
import { OutreachRepository } from './outreach.repository';
import { OutreachService } from './outreach.service';
import { OutreachDay, OutreachDaySchema } from './schemas/outreach-day.schema';
import { OutreachRun, OutreachRunSchema } from './schemas/outreach-run.schema';
import { TaskNotice, TaskNoticeSchema } from './schemas/task-notice.schema';

/** Who hears about an urgent task, when, and through which channels (the in-app inbox today). */
@Module({
  imports: [
    MatchingIndexModule,
    ReadModelModule,
    RankingModule,
    NotificationsModule,
    MongooseModule.forFeature([
      { name: OutreachRun.name, schema: OutreachRunSchema },
      { name: TaskNotice.name, schema: TaskNoticeSchema },
      { name: OutreachDay.name, schema: OutreachDaySchema },
    ]),
  ],
  providers: [
    OutreachService,
    OutreachRepository,
    InAppChannel,
    {
      provide: DELIVERY_CHANNELS,
      inject: [InAppChannel],
      useFactory: (inApp: InAppChannel): DeliveryChannel[] => [inApp],
    },
  ],
  exports: [OutreachService],
})
export class OutreachModule {}
