import { Module } from '@nestjs/common';
import { OutboxRelayModule, serviceDatabase } from '@spilno/messaging';
import { AuthModule } from './auth/auth.module';
import { UsersHealthModule } from './health/health.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { UsersPrivacyModule } from './privacy/privacy.module';
import { RolesModule } from './roles/roles.module';
import { ProfileModule } from './profile/profile.module';
import { SkillsModule } from './skills/skills.module';

/** The users service: its own database (`users` unless MONGODB_URI names one), its health responder. */
@Module({
  imports: [
    serviceDatabase('users'),
    OutboxRelayModule.forService(),
    UsersHealthModule,
    AuthModule,
    ProfileModule,
    SkillsModule,
    OrganizationsModule,
    RolesModule,
    UsersPrivacyModule,
  ],
})
export class AppModule {}
