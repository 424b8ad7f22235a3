/** Donations as answers and as CASL subjects. */
import { subject } from '@casl/ability';
import type { DonationView } from '@spilno/contracts';
import { Donation } from './schemas/donation.schema';

/** The donation as CASL conditions read it (ids as strings). */
export function donationSubject(donation: Pick<Donation, 'organizationId' | 'userId'>) {
  return subject('Donation', {
    organizationId: donation.organizationId.toHexString(),
    userId: donation.userId ?? null,
  });
}

/** Never who the donor is: the donor sees their own, coordinators see amounts and references. */
export function toDonationView(donation: Donation): DonationView {
  return {
    id: donation._id.toHexString(),
    campaignId: donation.campaignId.toHexString(),
    initiativeId: donation.initiativeId.toHexString(),
    amount: donation.amount,
    currency: donation.currency,
    anonymous: donation.anonymous,
    message: donation.message ?? null,
    status: donation.status,
    externalRef: donation.externalRef ?? null,
    confirmedVia: donation.confirmedVia ?? null,
    createdAt: donation.createdAt.toISOString(),
    confirmedAt: donation.confirmedAt?.toISOString() ?? null,
    refundedAt: donation.refundedAt?.toISOString() ?? null,
    ledgerSeq: donation.ledgerSeq ?? null,
    refundLedgerSeq: donation.refundLedgerSeq ?? null,
  };
}

/** The answer the pledge got when it was made, whatever became of it since (its key's replay). */
export function toPledgedView(donation: Donation): DonationView {
  return {
    ...toDonationView(donation),
    status: 'pledged',
    externalRef: null,
    confirmedVia: null,
    confirmedAt: null,
    refundedAt: null,
    ledgerSeq: null,
    refundLedgerSeq: null,
  };
}
