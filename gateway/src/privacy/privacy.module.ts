import { Module } from '@nestjs/common';
import { PrivacyController } from './privacy.controller';
import { PrivacyService } from './privacy.service';

/** Data-subject rights: GET /me/export and DELETE /me. */
@Module({ controllers: [PrivacyController], providers: [PrivacyService] })
export class PrivacyModule {}
