import {
  DynamicModule,
  Global,
  Inject,
  Module,
  OnApplicationShutdown,
  Provider,
  Type,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenVerifier, AuthenticationGuard, PoliciesGuard } from '@spilno/auth';
import type { Logger } from '@spilno/config';
import { RpcClient } from '@spilno/messaging';
import { ApplicationsModule } from './applications/applications.module';
import { AuthModule } from './auth/auth.module';
import { AuthRevocationModule } from './auth-revocation/auth-revocation.module';
import { DonationsModule } from './donations/donations.module';
import { LOGGER } from './common/tokens';
import { GatewayConfig } from './config/gateway.config';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { InitiativesModule } from './initiatives/initiatives.module';
import { NatsConnectionState } from './health/nats-state';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { OrganizationsModule } from './organizations/organizations.module';
import { PrivacyModule } from './privacy/privacy.module';
import { ProposalsModule } from './proposals/proposals.module';
import { ReportsModule } from './reports/reports.module';
import { RolesModule } from './roles/roles.module';
import { ProfileModule } from './profile/profile.module';

export interface GatewayDependencies {
  config: GatewayConfig;
  logger: Logger;
  rpc: RpcClient;
  natsState: NatsConnectionState;
  metrics: GatewayMetrics;
  verifier: AccessTokenVerifier;
  /** Releases what the app factory opened (NATS, timers); runs after HTTP has stopped. */
  release: () => Promise<void>;
}

const RELEASE = Symbol('RELEASE');

class ResourceReleaser implements OnApplicationShutdown {
  constructor(@Inject(RELEASE) private readonly release: () => Promise<void>) {}

  onApplicationShutdown(): Promise<void> {
    return this.release();
  }
}

/** What every feature module of the gateway may inject: the service client, config, logger. */
@Global()
@Module({})
class GatewayCoreModule {
  static register(deps: GatewayDependencies): DynamicModule {
    const providers: Provider[] = [
      { provide: GatewayConfig, useValue: deps.config },
      { provide: LOGGER, useValue: deps.logger },
      { provide: RpcClient, useValue: deps.rpc },
      { provide: NatsConnectionState, useValue: deps.natsState },
      { provide: GatewayMetrics, useValue: deps.metrics },
      { provide: AccessTokenVerifier, useValue: deps.verifier },
    ];
    return {
      module: GatewayCoreModule,
      providers: [...providers, { provide: RELEASE, useValue: deps.release }, ResourceReleaser],
      exports: providers.map((p) => (p as { provide: unknown }).provide as Type | symbol),
    };
  }
}

@Module({})
export class AppModule {
  /** `features`: the gateway's domain modules, plus any a test adds. */
  static register(deps: GatewayDependencies, features: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        GatewayCoreModule.register(deps),
        AuthModule,
        AuthRevocationModule,
        ProfileModule,
        OrganizationsModule,
        RolesModule,
        PrivacyModule,
        InitiativesModule,
        ApplicationsModule,
        ProposalsModule,
        ReportsModule,
        DonationsModule,
        ...features,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        HealthService,
        // Order matters: authentication builds the principal the policy check reads.
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: PoliciesGuard },
      ],
    };
  }
}
