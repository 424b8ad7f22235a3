import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import {
  PAGE_LIMIT_DEFAULT,
  type InKindPledgePage,
  type InKindPledgeView,
  type ListInKindPledgesPayload,
  type PledgeInKindPayload,
  type ReceiveInKindPayload,
  type RequestMeta,
} from '@spilno/contracts';
import { withTransaction } from '@spilno/messaging';
import { CampaignAccess } from '../campaigns/campaign-access';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { itemKey } from '../campaigns/views';
import { callerOf, signedIn } from '../common/caller';
import { DonationsError, DonationsErrorCode } from '../common/donations.errors';
import { parseObjectId } from '../common/object-id';
import { CursorKind, decodeCursor, encodeCursor } from '../common/page-cursor';
import { InKindRepository } from './in-kind.repository';
import { InKindPledge } from './schemas/in-kind-pledge.schema';

/**
 * In-kind goods: people pledge quantities of the items a campaign needs; coordinators record
 * what arrived. Each change moves the need's `pledged` or `received` in its transaction, so a
 * campaign's `inKind` always equals the sums of its pledges.
 */
@Injectable()
export class InKindService {
  constructor(
    private readonly pledges: InKindRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly access: CampaignAccess,
    @InjectConnection() private readonly connection: Connection,
  ) {}

  /** Any signed-in person, while the initiative is published; the item must be a need. */
  async pledge(meta: RequestMeta, payload: PledgeInKindPayload): Promise<InKindPledgeView> {
    const caller = callerOf(meta);
    const { userId } = signedIn(caller);
    const { campaign, initiativeStatus } = await this.access.readable(caller, payload.campaignId);
    if (initiativeStatus !== 'published') {
      throw new DonationsError(DonationsErrorCode.CampaignClosed);
    }
    const key = itemKey(payload.item);
    const need = campaign.inKind.find((n) => n.key === key);
    if (!need) throw new DonationsError(DonationsErrorCode.UnknownItem);
    const created = await withTransaction(this.connection, async (session) => {
      const pledge = await this.pledges.insert(
        {
          campaignId: campaign._id,
          organizationId: campaign.organizationId,
          userId,
          key,
          item: need.item,
          unit: need.unit,
          quantity: payload.quantity,
        },
        session,
      );
      if (
        !(await this.campaigns.addInKind(campaign._id, key, 'pledged', pledge.quantity, session))
      ) {
        throw new DonationsError(DonationsErrorCode.UnknownItem);
      }
      return pledge;
    });
    return toInKindPledgeView(created);
  }

  /** A campaign's pledges, newest first: for its coordinators and owners. */
  async list(meta: RequestMeta, query: ListInKindPledgesPayload): Promise<InKindPledgePage> {
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const after =
      query.cursor === undefined ? null : decodeCursor(CursorKind.InKindPledges, query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new DonationsError(DonationsErrorCode.InvalidCursor);
    }
    const caller = callerOf(meta);
    signedIn(caller);
    const context = await this.access.readable(caller, query.campaignId);
    this.access.authorize(caller, 'update', context);
    const rows = await this.pledges.page(context.campaign._id, query.status, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toInKindPledgeView),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(CursorKind.InKindPledges, {
              value: last.createdAt.getTime(),
              id: last._id,
            })
          : null,
    };
  }

  /** A coordinator records that a pledge arrived (all of it, or `quantity` of it), once. */
  async receive(meta: RequestMeta, payload: ReceiveInKindPayload): Promise<InKindPledgeView> {
    const caller = callerOf(meta);
    signedIn(caller);
    const id = parseObjectId(payload.pledgeId);
    const found = id ? await this.pledges.findById(id) : null;
    if (!found) throw new DonationsError(DonationsErrorCode.PledgeNotFound);
    const context = await this.access.readable(caller, found.campaignId).catch((e: unknown) => {
      throw e instanceof DonationsError ? new DonationsError(DonationsErrorCode.PledgeNotFound) : e;
    });
    this.access.authorize(caller, 'update', context);
    const quantity = payload.quantity ?? found.quantity;
    if (quantity > found.quantity) {
      throw new DonationsError(DonationsErrorCode.QuantityAbovePledge);
    }
    const received = await withTransaction(this.connection, async (session) => {
      const after = await this.pledges.markReceived(found._id, quantity, new Date(), session);
      if (!after) throw new DonationsError(DonationsErrorCode.AlreadyReceived);
      await this.campaigns.addInKind(after.campaignId, after.key, 'received', quantity, session);
      return after;
    });
    return toInKindPledgeView(received);
  }
}

function toInKindPledgeView(pledge: InKindPledge): InKindPledgeView {
  return {
    id: pledge._id.toHexString(),
    campaignId: pledge.campaignId.toHexString(),
    item: pledge.item,
    unit: pledge.unit,
    quantity: pledge.quantity,
    status: pledge.status,
    receivedQuantity: pledge.receivedQuantity ?? null,
    createdAt: pledge.createdAt.toISOString(),
    receivedAt: pledge.receivedAt?.toISOString() ?? null,
  };
}
