import { IsIn, IsInt, Max, Min } from 'class-validator';
import { ServiceConfig, loadConfig } from '@spilno/config';
import { CURRENCY_CODES, DONATION_LIMITS, type CurrencyCode } from '@spilno/contracts';

// Every property carries an explicit type: decorator metadata (which the numeric conversion
// reads) is emitted from annotations, not inferred types.

/** The donations service's environment: the common service variables and its money policy. */
export class DonationsConfig extends ServiceConfig {
  /** The largest single donation or expense, in minor units (above it: 422). */
  @IsInt()
  @Min(1)
  @Max(DONATION_LIMITS.amountMax)
  DONATION_MAX_MINOR: number = DONATION_LIMITS.defaultMaxMinor;

  /**
   * What an hour of volunteer work is worth on an initiative's funding page, in minor units of
   * `VOLUNTEER_HOUR_VALUE_CURRENCY`: shown as in-kind value, never added to money. Default:
   * Ukraine's statutory minimum hourly wage in 2025 (48.10 UAH).
   */
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  VOLUNTEER_HOUR_VALUE_MINOR: number = 4810;

  @IsIn(CURRENCY_CODES)
  VOLUNTEER_HOUR_VALUE_CURRENCY: CurrencyCode = 'UAH';
}

/** Reads and validates the service's variables; names every wrong one. */
export function loadDonationsConfig(
  env: Record<string, string | undefined> = process.env,
): DonationsConfig {
  return loadConfig(DonationsConfig, env);
}
