import { Injectable } from '@nestjs/common';
import type { ClientSession, Types } from 'mongoose';
import type { Action } from '@spilno/auth';
import type { InitiativeStatus } from '@spilno/contracts';
import type { Caller } from '../common/caller';
import { DonationsError, DonationsErrorCode } from '../common/donations.errors';
import { parseObjectId } from '../common/object-id';
import { CampaignsRepository } from './campaigns.repository';
import { Campaign } from './schemas/campaign.schema';
import { campaignSubject } from './views';

/** A campaign with the status of its initiative (the campaign's copy). */
export interface CampaignInContext {
  campaign: Campaign;
  initiativeStatus: InitiativeStatus;
}

/**
 * A campaign as the caller may see it, checked against the real documents: absent and
 * invisible ones (of a cancelled initiative, to outsiders) are both `not_found`; a visible one
 * the caller may not act on is `not_allowed`.
 */
@Injectable()
export class CampaignAccess {
  constructor(private readonly campaigns: CampaignsRepository) {}

  async readable(
    caller: Caller,
    id: string | Types.ObjectId,
    session?: ClientSession,
  ): Promise<CampaignInContext> {
    const objectId = typeof id === 'string' ? parseObjectId(id) : id;
    const campaign = objectId ? await this.campaigns.findById(objectId, session) : null;
    if (!campaign) throw new DonationsError(DonationsErrorCode.CampaignNotFound);
    const { initiativeStatus } = campaign;
    if (!caller.ability.can('read', campaignSubject(campaign, initiativeStatus))) {
      throw new DonationsError(DonationsErrorCode.CampaignNotFound);
    }
    return { campaign, initiativeStatus };
  }

  authorize(caller: Caller, action: Action, context: CampaignInContext): void {
    if (!caller.ability.can(action, campaignSubject(context.campaign, context.initiativeStatus))) {
      throw new DonationsError(DonationsErrorCode.NotAllowed);
    }
  }
}
