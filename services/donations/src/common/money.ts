import type { CurrencyCode } from '@spilno/contracts';
import { DonationsError, DonationsErrorCode } from './donations.errors';

/**
 * An amount a campaign takes (the DTOs already checked it is a positive integer of minor units
 * in a listed currency): the campaign's currency (422), at most the configured maximum (422).
 */
export function checkMoney(
  campaign: { currency: CurrencyCode },
  amount: number,
  currency: CurrencyCode,
  maxMinor: number,
): void {
  if (currency !== campaign.currency) throw new DonationsError(DonationsErrorCode.CurrencyMismatch);
  if (amount > maxMinor) throw new DonationsError(DonationsErrorCode.AmountTooLarge);
}
