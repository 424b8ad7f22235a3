import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  HEALTH_SUBJECTS,
  RequestMeta,
  SERVICE_NAMES,
  ServiceHealth,
  ServiceName,
} from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { GatewayConfig } from '../config/gateway.config';
import { ProblemError } from '../common/problem';
import { CheckDto, Checks, ReadinessDto } from './health.dto';
import { NatsConnectionState } from './nats-state';

/** Seconds a client (or a load balancer) should wait before asking readiness again. */
const READINESS_RETRY_AFTER = 2;

@Injectable()
export class HealthService {
  constructor(
    private readonly rpc: RpcClient,
    private readonly nats: NatsConnectionState,
    private readonly config: GatewayConfig,
  ) {}

  /** Ready when NATS is connected and every service answers its health subject in time. */
  async readiness(meta: RequestMeta): Promise<ReadinessDto> {
    const natsUp = this.nats.connected;
    const answers = await Promise.all(
      SERVICE_NAMES.map(async (name): Promise<[ServiceName, CheckDto]> => {
        if (!natsUp) return [name, { status: 'down', detail: 'NATS is not connected' }];
        return [name, await this.check(name, meta)];
      }),
    );
    const checks = {
      nats: natsUp ? { status: 'up' } : { status: 'down', detail: 'not connected' },
      ...Object.fromEntries(answers),
    } as Checks;
    const down = Object.entries(checks)
      .filter(([, check]) => check.status === 'down')
      .map(([name]) => name);
    if (down.length > 0) {
      throw new ProblemError(
        ErrorCode.Unavailable,
        `not ready: ${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} down`,
        { checks },
        READINESS_RETRY_AFTER,
      );
    }
    return { status: 'ready', checks };
  }

  /** One service's own health answer, proxied. */
  async serviceHealth(name: string, meta: RequestMeta): Promise<ServiceHealth> {
    if (!isServiceName(name)) throw new DomainError(ErrorCode.NotFound, 'no such service');
    return this.rpc.send<ServiceHealth>(
      HEALTH_SUBJECTS[name],
      {},
      {
        meta,
        timeoutMs: this.config.HEALTH_TIMEOUT_MS,
      },
    );
  }

  private async check(name: ServiceName, meta: RequestMeta): Promise<CheckDto> {
    try {
      const health = await this.serviceHealth(name, meta);
      if (health.status === 'ok') return { status: 'up' };
      const failing = health.dependencies.filter((d) => !d.ok).map((d) => d.name);
      return { status: 'down', detail: `degraded: ${failing.join(', ') || 'unknown'} failing` };
    } catch (e) {
      return { status: 'down', detail: e instanceof DomainError ? e.message : 'failed' };
    }
  }
}

function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}
