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

/**
 * A ping answers for this long: health is asked often (readiness probes, load balancers), and
 * one ping per second tells as much as one per request without a database round trip each.
 */
export const MONGO_PING_MAX_AGE_MS = 1000;

const CONNECTED = 1;

@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();
  private lastPing: { at: number; result: Promise<DependencyHealth> } | null = null;

  constructor(
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @InjectConnection() private readonly connection: Connection,
  ) {}

  async check(): Promise<ServiceHealth> {
    const mongo = await this.recentPing();
    return {
      service: this.options.service,
      status: mongo.ok ? 'ok' : 'degraded',
      version: this.options.version,
      uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
      dependencies: [mongo],
    };
  }

  /** The last ping if it is fresh (or still running), else a new one; callers share it. */
  private recentPing(): Promise<DependencyHealth> {
    const now = Date.now();
    if (!this.lastPing || now - this.lastPing.at > MONGO_PING_MAX_AGE_MS) {
      this.lastPing = { at: now, result: this.pingMongo() };
    }
    return this.lastPing.result;
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
