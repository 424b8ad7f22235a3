import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import {
  ANONYMOUS_DONOR,
  DEFAULT_CURRENCY,
  IDEMPOTENCY_WINDOW_MS,
  PAGE_LIMIT_DEFAULT,
  type ConfirmDonationPayload,
  type CurrencyCode,
  type DonationPage,
  type DonationView,
  type ListDonationsPayload,
  type PledgeDonationPayload,
  type RefundDonationPayload,
  type RequestMeta,
} from '@spilno/contracts';
import { withTransaction } from '@spilno/messaging';
import { CampaignAccess } from '../campaigns/campaign-access';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { Caller, callerOf, signedIn } from '../common/caller';
import { DonationsError, DonationsErrorCode } from '../common/donations.errors';
import { isDuplicateKeyOn } from '../common/duplicate-key';
import { checkMoney } from '../common/money';
import { parseObjectId } from '../common/object-id';
import { CursorKind, decodeCursor, encodeCursor } from '../common/page-cursor';
import { DonationsConfig } from '../config/donations.config';
import { idempotencyScope, isKeyFresh, requestHashOf } from '../idempotency/request-key';
import { LedgerWriter } from '../ledger/ledger-writer';
import { PeopleRepository } from '../people/people.repository';
import { ConfirmationEvidence, ManualConfirmation } from './confirmation';
import { DonationsRepository, NewDonation } from './donations.repository';
import { Donation } from './schemas/donation.schema';
import { donationSubject, toDonationView, toPledgedView } from './views';

/** Requests that lost the race for a key look again this many times (then replay its answer). */
const KEY_ATTEMPTS = 5;

/**
 * Donations: pledges (anyone, exactly once per `Idempotency-Key`), confirmation (counted in
 * `raised` once, whoever confirms), refunds of received ones. Every change that moves money
 * appends to the ledger in the transaction of the change (LedgerWriter).
 */
@Injectable()
export class DonationsService {
  constructor(
    private readonly donations: DonationsRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly access: CampaignAccess,
    private readonly people: PeopleRepository,
    private readonly ledger: LedgerWriter,
    private readonly manual: ManualConfirmation,
    private readonly config: DonationsConfig,
    @InjectConnection() private readonly connection: Connection,
  ) {}

  /**
   * `pledged`: counted nowhere until confirmed. Anonymous callers may pledge. Exactly once per
   * `Idempotency-Key` without a transaction: the key lives on the donation under a unique
   * index, so of simultaneous requests with one key one insert wins and the others, refused by
   * the index, replay its first answer (the common path, a new key, costs no lookup). A key
   * older than 24 hours is released and used anew.
   */
  async pledge(meta: RequestMeta, payload: PledgeDonationPayload): Promise<DonationView> {
    const caller = callerOf(meta);
    const currency = payload.currency ?? DEFAULT_CURRENCY;
    const anonymous = payload.anonymous ?? false;
    const message = payload.message ?? null;
    const scope = idempotencyScope(caller.principal);
    const key = payload.idempotencyKey;
    const requestHash = requestHashOf('donation', [
      payload.campaignId,
      payload.amount,
      currency,
      anonymous,
      message,
    ]);
    // The key's earlier answer, if any: replayed, or a 422 for another request.
    const earlier = async (): Promise<DonationView | null> => {
      const first = await this.donations.findByKey(scope, key);
      if (!first?.idempotency) return null;
      if (!isKeyFresh(first.idempotency.at)) {
        await this.donations.releaseKey(first._id, new Date(Date.now() - IDEMPOTENCY_WINDOW_MS));
        return null;
      }
      if (first.idempotency.requestHash !== requestHash) {
        throw new DonationsError(DonationsErrorCode.IdempotencyKeyReused);
      }
      return toPledgedView(first);
    };
    for (let attempt = 1; ; attempt++) {
      let donation: NewDonation;
      try {
        donation = await this.newDonation(caller, payload, currency, anonymous, message);
      } catch (e) {
        // A repeat of a pledge made before the campaign closed still gets its first answer.
        const replay = e instanceof DonationsError ? await earlier() : null;
        if (replay) return replay;
        throw e;
      }
      try {
        const created = await this.donations.insert({
          ...donation,
          idempotency: { scope, key, requestHash, at: new Date() },
        });
        return toDonationView(created);
      } catch (e) {
        if (attempt >= KEY_ATTEMPTS || !isDuplicateKeyOn(e, 'idempotency.key')) throw e;
        const replay = await earlier();
        if (replay) return replay;
      }
    }
  }

  /** The donation a pledge makes, after the checks: the campaign visible, open, its money. */
  private async newDonation(
    caller: Caller,
    payload: PledgeDonationPayload,
    currency: CurrencyCode,
    anonymous: boolean,
    message: string | null,
  ): Promise<NewDonation> {
    const { campaign, initiativeStatus } = await this.access.readable(caller, payload.campaignId);
    const userId = caller.principal?.userId ?? null;
    const mine = { organizationId: campaign.organizationId, userId };
    if (!caller.ability.can('create', donationSubject(mine))) {
      throw new DonationsError(DonationsErrorCode.NotAllowed);
    }
    if (initiativeStatus !== 'published') {
      throw new DonationsError(DonationsErrorCode.CampaignClosed);
    }
    checkMoney(campaign, payload.amount, currency, this.config.DONATION_MAX_MINOR);
    return {
      campaignId: campaign._id,
      initiativeId: campaign.initiativeId,
      organizationId: campaign.organizationId,
      userId,
      // Without an account there is no name to show.
      anonymous: anonymous || userId === null,
      message,
      amount: payload.amount,
      currency,
    };
  }

  /** A campaign's donations, newest first: for its coordinators and owners. */
  async list(meta: RequestMeta, query: ListDonationsPayload): Promise<DonationPage> {
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const after =
      query.cursor === undefined ? null : decodeCursor(CursorKind.Donations, query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new DonationsError(DonationsErrorCode.InvalidCursor);
    }
    const caller = callerOf(meta);
    signedIn(caller);
    const { campaign } = await this.access.readable(caller, query.campaignId);
    const theirs = { organizationId: campaign.organizationId, userId: null };
    if (!caller.ability.can('confirm', donationSubject(theirs))) {
      throw new DonationsError(DonationsErrorCode.NotAllowed);
    }
    const rows = await this.donations.page(campaign._id, query.status, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toDonationView),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(CursorKind.Donations, { value: last.createdAt.getTime(), id: last._id })
          : null,
    };
  }

  /** `POST /donations/:id/confirm`: a person confirms (ManualConfirmation). */
  async confirm(meta: RequestMeta, payload: ConfirmDonationPayload): Promise<DonationView> {
    const evidence = await this.manual.evidenceOf({
      meta,
      donationId: payload.donationId,
      externalRef: payload.externalRef ?? null,
    });
    return this.applyConfirmation(evidence);
  }

  /**
   * Whoever confirmed (a person, a provider's webhook): a pledged donation becomes received,
   * its ledger entry is appended and `raised` grows, in one transaction. An already received
   * one is answered as it is (counted once); a refunded one is a conflict.
   */
  async applyConfirmation(evidence: ConfirmationEvidence): Promise<DonationView> {
    const pledged = await this.donations.findById(evidence.donationId);
    if (!pledged) throw new DonationsError(DonationsErrorCode.DonationNotFound);
    try {
      const confirmed = await this.ledger.exclusive(pledged.campaignId, () =>
        withTransaction(this.connection, async (session) => {
          const donation = await this.donations.findById(evidence.donationId, session);
          if (!donation) throw new DonationsError(DonationsErrorCode.DonationNotFound);
          if (donation.status === 'received') return donation;
          if (donation.status === 'refunded') {
            throw new DonationsError(DonationsErrorCode.AlreadyRefunded);
          }
          const received = evidence.received;
          if (
            received &&
            (received.amount !== donation.amount || received.currency !== donation.currency)
          ) {
            throw new DonationsError(DonationsErrorCode.ConfirmationMismatch);
          }
          const campaign = await this.campaigns.findById(donation.campaignId, session);
          if (!campaign) throw new DonationsError(DonationsErrorCode.CampaignNotFound);
          const { entry } = await this.ledger.append(
            campaign,
            {
              kind: 'donation',
              amount: donation.amount,
              sourceId: donation._id,
              donor: await this.donorOf(donation),
            },
            session,
          );
          const after = await this.donations.transition(
            donation._id,
            'pledged',
            {
              status: 'received',
              confirmedVia: evidence.via,
              confirmedAt: entry.at,
              ledgerSeq: entry.seq,
              ...(evidence.externalRef ? { externalRef: evidence.externalRef } : {}),
            },
            session,
          );
          if (!after) throw new Error('the donation changed inside its transaction');
          return after;
        }),
      );
      return toDonationView(confirmed);
    } catch (e) {
      if (isDuplicateKeyOn(e, 'externalRef')) {
        throw new DonationsError(DonationsErrorCode.ExternalRefUsed);
      }
      throw e;
    }
  }

  /**
   * `POST /donations/:id/refund`: a received donation is paid back; a refund entry is appended
   * and `raised`, `balance` and `donors` go down, unless the balance would go negative (409:
   * the money was spent). Refunding twice answers the refunded donation.
   */
  async refund(meta: RequestMeta, payload: RefundDonationPayload): Promise<DonationView> {
    const caller = callerOf(meta);
    signedIn(caller);
    const id = parseObjectId(payload.donationId);
    const found = id ? await this.donations.findById(id) : null;
    if (!found || !caller.ability.can('read', donationSubject(found))) {
      throw new DonationsError(DonationsErrorCode.DonationNotFound);
    }
    if (!caller.ability.can('confirm', donationSubject(found))) {
      throw new DonationsError(DonationsErrorCode.NotAllowed);
    }
    const refunded = await this.ledger.exclusive(found.campaignId, () =>
      withTransaction(this.connection, async (session) => {
        const donation = await this.donations.findById(found._id, session);
        if (!donation) throw new DonationsError(DonationsErrorCode.DonationNotFound);
        if (donation.status === 'refunded') return donation;
        if (donation.status !== 'received' || donation.ledgerSeq === null) {
          throw new DonationsError(DonationsErrorCode.NotConfirmed);
        }
        const campaign = await this.campaigns.findById(donation.campaignId, session);
        if (!campaign) throw new DonationsError(DonationsErrorCode.CampaignNotFound);
        const { entry } = await this.ledger.append(
          campaign,
          {
            kind: 'refund',
            amount: donation.amount,
            sourceId: donation._id,
            description: payload.reason ?? null,
            refundOf: donation.ledgerSeq,
          },
          session,
        );
        const after = await this.donations.transition(
          donation._id,
          'received',
          { status: 'refunded', refundedAt: entry.at, refundLedgerSeq: entry.seq },
          session,
        );
        if (!after) throw new Error('the donation changed inside its transaction');
        return after;
      }),
    );
    return toDonationView(refunded);
  }

  /** The ledger's donor: the display name unless anonymous; `anonymous` when unknown here. */
  private async donorOf(donation: Donation): Promise<{ name: string; userId: string | null }> {
    if (donation.anonymous || !donation.userId) return { name: ANONYMOUS_DONOR, userId: null };
    const name = await this.people.displayName(donation.userId);
    return name ? { name, userId: donation.userId } : { name: ANONYMOUS_DONOR, userId: null };
  }
}
