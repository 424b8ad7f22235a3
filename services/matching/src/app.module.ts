import { DynamicModule, Module } from '@nestjs/common';
import { OutboxRelayModule, serviceDatabase } from '@spilno/messaging';
import { ClockModule, systemClock, type Clock } from './common/clock';
import { MatchingHealthModule } from './health/health.module';
import { NotificationsModule } from './notifications/notifications.module';
import { PlansModule } from './plans/plans.module';
import { MatchingPrivacyModule } from './privacy/privacy.module';
import { RankingModule } from './ranking/ranking.module';
import { ReadModelSyncModule } from './read-model/read-model-sync.module';

/** Everything but the clock: the service is the same with the system's or a test's. */
function features(clock: Clock) {
  return [
    serviceDatabase('matching'),
    OutboxRelayModule.forService(),
    ClockModule.forRoot(clock),
    MatchingHealthModule,
    MatchingPrivacyModule,
    ReadModelSyncModule,
    RankingModule,
    PlansModule,
    NotificationsModule,
  ];
}

/**
 * The matching service: its own database (`matching` unless MONGODB_URI names one), its link to
 * JetStream (the event stream, its outbox relay), its health responder, data-subject rights,
 * the read model (MongoDB and the in-memory index), recommendations and candidates, plans,
 * outreach and the notification inbox.
 */
@Module({ imports: features(systemClock) })
export class AppModule {
  /** The service on another clock (tests that simulate days). */
  static withClock(clock: Clock): DynamicModule {
    return { module: ClockedAppModule, imports: features(clock) };
  }
}

@Module({})
class ClockedAppModule {}
