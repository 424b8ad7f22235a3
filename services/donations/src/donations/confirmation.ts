/**
 * How a pledged donation becomes `received`. A `DonationConfirmer` turns some input (today a
 * coordinator's request; later a payment provider's signed webhook) into `ConfirmationEvidence`:
 * which donation, by which reference, by which method, and what arrived when the confirmer
 * knows. `DonationsService.applyConfirmation` does the rest the same way whoever confirmed:
 * the checks, the ledger entry, the totals and the event in one transaction; a second
 * confirmation of the same donation counts nothing.
 */
import { Injectable } from '@nestjs/common';
import type { Types } from 'mongoose';
import type { Money, RequestMeta } from '@spilno/contracts';
import { callerOf, signedIn } from '../common/caller';
import { DonationsError, DonationsErrorCode } from '../common/donations.errors';
import { parseObjectId } from '../common/object-id';
import { DonationsRepository } from './donations.repository';
import { donationSubject } from './views';

export interface ConfirmationEvidence {
  donationId: Types.ObjectId;
  /** A bank transfer id, a provider's payment id; one confirms one donation per campaign. */
  externalRef: string | null;
  /** `manual`, or `provider:<name>`: shown as the donation's `confirmedVia`. */
  via: string;
  /** What arrived, when the confirmer knows (providers): it must be the pledge's (422). */
  received: Money | null;
}

export interface DonationConfirmer<Input> {
  evidenceOf(input: Input): Promise<ConfirmationEvidence>;
}

export interface ManualConfirmationInput {
  meta: RequestMeta;
  donationId: string;
  externalRef: string | null;
}

/**
 * A coordinator or owner of the campaign's organization (or an admin) says the money arrived
 * (`POST /donations/:id/confirm`). Checked against the stored donation: one the caller may not
 * see is `not_found`, one they see but may not confirm (their own pledge) `not_allowed`.
 */
@Injectable()
export class ManualConfirmation implements DonationConfirmer<ManualConfirmationInput> {
  constructor(private readonly donations: DonationsRepository) {}

  async evidenceOf(input: ManualConfirmationInput): Promise<ConfirmationEvidence> {
    const caller = callerOf(input.meta);
    signedIn(caller);
    const id = parseObjectId(input.donationId);
    const donation = id ? await this.donations.findById(id) : null;
    if (!donation || !caller.ability.can('read', donationSubject(donation))) {
      throw new DonationsError(DonationsErrorCode.DonationNotFound);
    }
    if (!caller.ability.can('confirm', donationSubject(donation))) {
      throw new DonationsError(DonationsErrorCode.NotAllowed);
    }
    return {
      donationId: donation._id,
      externalRef: input.externalRef,
      via: 'manual',
      received: null,
    };
  }
}

/**
 * What a payment provider's adapter implements (none ships yet). A provider confirms through
 * a webhook: the gateway hands the raw body and headers to `donations.payment.webhook.v1`
 * (to declare in libs/contracts with the first adapter), whose handler calls
 * `ProviderConfirmation(adapter).evidenceOf(webhook)`, i.e. `adapter.verify(webhook)` turned
 * into evidence with `via: provider:<name>`, then `DonationsService.applyConfirmation`.
 * There is no caller to authorize: the signature is the authority.
 */
export interface PaymentProviderAdapter {
  /** Lower-case, e.g. `liqpay`; the donation's `confirmedVia` becomes `provider:<name>`. */
  readonly name: string;
  /**
   * Verifies the webhook: the signature over the exact raw bytes with the provider's secret
   * (from the service's validated config), compared in constant time, and the provider's
   * timestamp within its replay window. Throws on any doubt; never trusts parsed JSON before.
   */
  verify(webhook: ProviderWebhook): Promise<ProviderPayment>;
}

export interface ProviderWebhook {
  rawBody: Buffer;
  headers: Readonly<Record<string, string | undefined>>;
}

export interface ProviderPayment {
  /** The donation id the pledge answer gave the donor, passed to the provider as order id. */
  donationId: string;
  /** The provider's payment id: the donation's `externalRef`. */
  externalRef: string;
  /** What the provider settled. */
  received: Money;
}
