/**
 * Access revocation at the gateway: the `AccessRevocations` map the authentication guard
 * consults (`ACCESS_REVOCATION` of libs/auth), fed from the event stream while the gateway
 * runs. Global, so the guard and the routes that revoke first-hand (DELETE /me) share it.
 */
import {
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { ACCESS_REVOCATION } from '@spilno/auth';
import type { Logger } from '@spilno/config';
import { RpcClient } from '@spilno/messaging';
import { LOGGER } from '../common/tokens';
import { GatewayConfig } from '../config/gateway.config';
import { AccessRevocations } from './access-revocations';
import { RevocationFeed } from './revocation-feed';

/** How often revocations older than every live token are forgotten. */
const FORGET_INTERVAL_MS = 60_000;

@Injectable()
class RevocationFeedLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly feed: RevocationFeed;
  private readonly windowMs: number;
  private forgetTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly revocations: AccessRevocations,
    rpc: RpcClient,
    config: GatewayConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    const { ACCESS_TOKEN_TTL_SECONDS, JWT_CLOCK_TOLERANCE_SECONDS } = config.auth;
    this.windowMs = (ACCESS_TOKEN_TTL_SECONDS + JWT_CLOCK_TOLERANCE_SECONDS) * 1000;
    this.feed = new RevocationFeed(rpc.connection, revocations, {
      windowMs: this.windowMs,
      logger: logger.child({ component: 'revocation-feed' }),
    });
  }

  onApplicationBootstrap(): void {
    this.feed.start();
    this.forgetTimer = setInterval(
      () => this.revocations.forgetBefore(new Date(Date.now() - this.windowMs)),
      FORGET_INTERVAL_MS,
    ).unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.forgetTimer) clearInterval(this.forgetTimer);
    await this.feed.stop();
  }
}

@Global()
@Module({
  providers: [
    AccessRevocations,
    { provide: ACCESS_REVOCATION, useExisting: AccessRevocations },
    RevocationFeedLifecycle,
  ],
  exports: [AccessRevocations, ACCESS_REVOCATION],
})
export class AuthRevocationModule {}
