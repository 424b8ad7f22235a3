/** Campaigns as answers, as CASL subjects and as event payloads. */
import { subject } from '@casl/ability';
import type { CampaignCreatedEvent, CampaignView } from '@spilno/contracts';
import { Campaign } from './schemas/campaign.schema';

/**
 * The campaign as CASL conditions read it (ids as strings); its initiative's status decides who
 * may see it.
 */
export function campaignSubject(
  campaign: Pick<Campaign, 'organizationId'>,
  initiativeStatus: string,
) {
  return subject('Campaign', {
    organizationId: campaign.organizationId.toHexString(),
    initiativeStatus,
  });
}

export function toCampaignView(campaign: Campaign): CampaignView {
  return {
    id: campaign._id.toHexString(),
    initiativeId: campaign.initiativeId.toHexString(),
    organizationId: campaign.organizationId.toHexString(),
    title: campaign.title,
    goal: { amount: campaign.goal.amount, currency: campaign.goal.currency },
    currency: campaign.currency,
    raised: campaign.raised,
    spent: campaign.spent,
    balance: campaign.balance,
    donors: campaign.donors,
    inKind: campaign.inKind.map((need) => ({
      item: need.item,
      unit: need.unit,
      needed: need.needed,
      pledged: need.pledged,
      received: need.received,
    })),
    ledger: { entries: campaign.ledger.seq, headHash: campaign.ledger.hash },
    initiativeStatus: campaign.initiativeStatus,
    createdAt: campaign.createdAt.toISOString(),
    updatedAt: campaign.updatedAt.toISOString(),
  };
}

export function toCampaignCreatedEvent(campaign: Campaign): CampaignCreatedEvent {
  return {
    campaignId: campaign._id.toHexString(),
    initiativeId: campaign.initiativeId.toHexString(),
    organizationId: campaign.organizationId.toHexString(),
    title: campaign.title,
    goal: { amount: campaign.goal.amount, currency: campaign.goal.currency },
    createdAt: campaign.createdAt.toISOString(),
  };
}

/** How pledges name an item: trimmed, lower-cased (Unicode-aware, so «Ковдри» = «ковдри»). */
export function itemKey(item: string): string {
  return item.trim().toLocaleLowerCase('uk');
}
