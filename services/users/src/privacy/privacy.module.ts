import { Module } from '@nestjs/common';
import { PrivacyModule } from '@spilno/messaging';
import { EventStreamEraser } from './event-stream-eraser';
import { OrganizationsVersionRepository } from './organizations-version.repository';
import { USERS_PERSONAL_DATA } from './personal-data';
import { PrivacyController } from './privacy.controller';
import { PrivacyService } from './privacy.service';

/**
 * Data-subject export and erasure. The users service answers its export itself (account and
 * profile apart, sessions marked revoked) and erases first-hand, so the shared module only
 * provides the registry here.
 */
@Module({
  imports: [
    PrivacyModule.forService('users', {
      declarations: USERS_PERSONAL_DATA,
      exportResponder: false,
      erasureConsumer: false,
    }),
  ],
  controllers: [PrivacyController],
  providers: [PrivacyService, OrganizationsVersionRepository, EventStreamEraser],
})
export class UsersPrivacyModule {}
