import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { AuthConfig } from '@spilno/auth';
import { CommonConfig, loadConfigs } from '@spilno/config';

// Every property carries an explicit type: decorator metadata (which the numeric conversion
// reads) is emitted from annotations, not inferred types.

/** The gateway's environment, validated at boot (plus `auth`, the JWT settings of libs/auth). */
export class GatewayConfig extends CommonConfig {
  @IsInt()
  @Min(0)
  @Max(65_535)
  PORT: number = 3000;

  @IsString()
  @MinLength(1)
  HOST: string = '0.0.0.0';

  /** Sustained requests per minute per client IP; health and metrics are exempt. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE: number = 600;

  /** How many requests a client IP may make at once before the per-minute rate applies. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_BURST: number = 60;

  /**
   * Proxy hops to trust for the client IP (X-Forwarded-For). 0 behind no proxy; otherwise the
   * number of proxies in front, so clients cannot spoof their IP past the rate limiter.
   */
  @IsInt()
  @Min(0)
  @Max(10)
  TRUST_PROXY_HOPS: number = 0;

  /** How long readiness waits for each service's health answer. */
  @IsInt()
  @Min(50)
  @Max(10_000)
  HEALTH_TIMEOUT_MS: number = 1000;

  /** Set after validation by `loadGatewayConfig`. */
  auth!: AuthConfig;
}

/** Reads and validates everything the gateway needs; names every wrong variable at once. */
export function loadGatewayConfig(
  env: Record<string, string | undefined> = process.env,
): GatewayConfig {
  const [gateway, auth] = loadConfigs<[GatewayConfig, AuthConfig]>(
    [GatewayConfig, AuthConfig],
    env,
  );
  gateway.auth = auth;
  return gateway;
}
