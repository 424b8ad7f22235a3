/**
 * The service's own view of its health: up, and whether its MongoDB answers a ping in time.
 * A service without its database is `degraded` (it answers, but cannot do its work), so the
 * gateway's readiness check can name the dependency that is down.
 */
import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { DependencyHealth, ServiceHealth, ServiceName } from '@spilno/contracts';
import type { Logger } from '@spilno/config';
import { SERVICE_LOGGER } from '../service-context.module';

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

export interface HealthOptions {
  service: ServiceName;
  /** Reported in the answer; a service passes its package.json version. */
  version: string;
}

/** Longer than a healthy ping on a loaded machine, well under any caller's RPC timeout. */
export const MONGO_PING_TIMEOUT_MS = 1000;

const CONNECTED = 1;

@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();

  constructor(
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @InjectConnection() private readonly connection: Connection,
  ) {}

  async check(): Promise<ServiceHealth> {
    const mongo = await this.pingMongo();
    return {
      service: this.options.service,
      status: mongo.ok ? 'ok' : 'degraded',
      version: this.options.version,
      uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
      dependencies: [mongo],
    };
  }

  private async pingMongo(): Promise<DependencyHealth> {
    const name = 'mongodb';
    const db = this.connection.db;
    if (this.connection.readyState !== CONNECTED || !db) {
      return { name, ok: false, detail: 'not connected' };
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${MONGO_PING_TIMEOUT_MS} ms`)),
        MONGO_PING_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([db.command({ ping: 1 }), timeout]);
      return { name, ok: true };
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      this.logger.warn({ dependency: name, detail }, 'health check: dependency failed');
      return { name, ok: false, detail: 'ping failed' };
    } finally {
      clearTimeout(timer);
    }
  }
}
