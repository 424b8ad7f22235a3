import 'reflect-metadata';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

// Every property carries an explicit type: decorator metadata (which the numeric conversion
// reads) is emitted from annotations, not inferred types.

/** What every process reads: where NATS is, how loud to log, how long a call may take. */
export class CommonConfig {
  /** Comma-separated NATS server URLs. */
  @IsString()
  @Matches(/^(nats|tls):\/\/[^,\s]+(,(nats|tls):\/\/[^,\s]+)*$/, {
    message: 'must be one or more nats:// URLs separated by commas',
  })
  NATS_URL: string = 'nats://127.0.0.1:4222';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** Default timeout of a NATS request, in milliseconds. */
  @IsInt()
  @Min(50)
  @Max(60_000)
  RPC_TIMEOUT_MS: number = 5000;
}

/** A service: its MongoDB (a real one, or the embedded server's URI). */
export class ServiceConfig extends CommonConfig {
  @IsString()
  @Matches(/^mongodb(\+srv)?:\/\//, { message: 'must be a mongodb:// or mongodb+srv:// URI' })
  MONGODB_URI!: string;

  /**
   * Replicas of the JetStream event stream this service creates when it is missing: 1 on a
   * single nats-server (development, tests), 3 on the production cluster (deploy/compose).
   */
  @IsInt()
  @IsIn([1, 3, 5])
  EVENTS_STREAM_REPLICAS: number = 1;
}

export function natsServers(url: string): string[] {
  return url.split(',').map((s) => s.trim());
}
