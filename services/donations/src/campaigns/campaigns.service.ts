import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { subject } from '@casl/ability';
import {
  DEFAULT_CURRENCY,
  DONATION_LIMITS,
  EventSubjects,
  PAGE_LIMIT_DEFAULT,
  type CampaignPage,
  type CampaignView,
  type CreateCampaignPayload,
  type CurrencyCode,
  type InitiativeCampaignsPayload,
  type InitiativeFundingView,
  type RequestMeta,
} from '@spilno/contracts';
import { newEvent, Outbox, withTransaction } from '@spilno/messaging';
import { Caller, callerOf, signedIn } from '../common/caller';
import { DonationsError, DonationsErrorCode } from '../common/donations.errors';
import { parseObjectId } from '../common/object-id';
import { CursorKind, decodeCursor, encodeCursor } from '../common/page-cursor';
import { DonationsConfig } from '../config/donations.config';
import { InitiativeReadModel } from '../initiatives/initiative.schema';
import { InitiativesRepository } from '../initiatives/initiatives.repository';
import { CampaignAccess } from './campaign-access';
import { CampaignsRepository, NewCampaign } from './campaigns.repository';
import { campaignSubject, itemKey, toCampaignCreatedEvent, toCampaignView } from './views';

/** A known initiative: the read model has heard of it (an event set its status). */
type KnownInitiative = InitiativeReadModel & Required<Pick<InitiativeReadModel, 'status'>>;

/**
 * Campaigns: created by coordinators on published initiatives (the initiatives service never
 * announces drafts), read by anyone who may read the initiative; the initiative's funding.
 */
@Injectable()
export class CampaignsService {
  private readonly outbox: Outbox;

  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly initiatives: InitiativesRepository,
    private readonly access: CampaignAccess,
    private readonly config: DonationsConfig,
    @InjectConnection() private readonly connection: Connection,
  ) {
    this.outbox = new Outbox(connection);
  }

  async create(meta: RequestMeta, payload: CreateCampaignPayload): Promise<CampaignView> {
    const caller = callerOf(meta);
    signedIn(caller);
    const inKind = needsOf(payload.inKindNeeds ?? []);
    const initiative = await this.readableInitiative(caller, payload.initiativeId);
    const organizationId = initiative.organizationId!;
    if (!caller.ability.can('create', campaignSubject({ organizationId }, initiative.status))) {
      throw new DonationsError(DonationsErrorCode.NotAllowed);
    }
    if (initiative.status !== 'published') {
      throw new DonationsError(DonationsErrorCode.InitiativeNotPublished);
    }
    const currency: CurrencyCode = payload.goal.currency ?? DEFAULT_CURRENCY;
    const created = await withTransaction(this.connection, async (session) => {
      const claimed = await this.initiatives.claimCampaignSlot(
        initiative._id,
        DONATION_LIMITS.maxCampaigns,
        session,
      );
      if (!claimed) {
        const current = await this.initiatives.findById(initiative._id, session);
        throw new DonationsError(
          current?.status === 'published'
            ? DonationsErrorCode.TooManyCampaigns
            : DonationsErrorCode.InitiativeNotPublished,
        );
      }
      const campaign: NewCampaign = {
        initiativeId: initiative._id,
        organizationId,
        initiativeStatus: 'published',
        title: payload.title,
        goal: { amount: payload.goal.amount, currency },
        currency,
        inKind,
      };
      const inserted = await this.campaigns.insert(campaign, session);
      await this.outbox.add(
        newEvent(
          EventSubjects.donations.campaignCreated,
          'donations',
          toCampaignCreatedEvent(inserted),
        ),
        session,
      );
      return inserted;
    });
    return toCampaignView(created);
  }

  async get(meta: RequestMeta, campaignId: string): Promise<CampaignView> {
    const { campaign } = await this.access.readable(callerOf(meta), campaignId);
    return toCampaignView(campaign);
  }

  /** An initiative's campaigns, oldest first. */
  async list(meta: RequestMeta, query: InitiativeCampaignsPayload): Promise<CampaignPage> {
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const after =
      query.cursor === undefined ? null : decodeCursor(CursorKind.Campaigns, query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new DonationsError(DonationsErrorCode.InvalidCursor);
    }
    const initiative = await this.readableInitiative(callerOf(meta), query.initiativeId);
    const rows = await this.campaigns.page(initiative._id, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((c) => toCampaignView(c)),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(CursorKind.Campaigns, { value: last.createdAt.getTime(), id: last._id })
          : null,
    };
  }

  /**
   * The initiative's money, summed per currency over its campaigns, and its volunteers' hours
   * valued at `VOLUNTEER_HOUR_VALUE_MINOR`: in-kind value, kept apart from money.
   */
  async funding(meta: RequestMeta, initiativeId: string): Promise<InitiativeFundingView> {
    const initiative = await this.readableInitiative(callerOf(meta), initiativeId);
    const campaigns = await this.campaigns.page(initiative._id, null, DONATION_LIMITS.maxCampaigns);
    const byCurrency = new Map<CurrencyCode, InitiativeFundingView['money'][number]>();
    for (const c of campaigns) {
      const sum = byCurrency.get(c.currency) ?? {
        currency: c.currency,
        raised: 0,
        spent: 0,
        balance: 0,
        donors: 0,
      };
      sum.raised += c.raised;
      sum.spent += c.spent;
      sum.balance += c.balance;
      sum.donors += c.donors;
      byCurrency.set(c.currency, sum);
    }
    const hours = initiative.volunteerHours ?? 0;
    const rate = this.config.VOLUNTEER_HOUR_VALUE_MINOR;
    const currency = this.config.VOLUNTEER_HOUR_VALUE_CURRENCY;
    return {
      initiativeId: initiative._id.toHexString(),
      campaigns: campaigns.length,
      money: [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
      inKindValue: {
        label: 'in-kind value',
        kind: 'volunteer_hours',
        hours,
        ratePerHour: { amount: rate, currency },
        value: { amount: Math.round(hours * rate), currency },
      },
    };
  }

  /** A known initiative the caller may read: public ones to anyone, every one to its org. */
  private async readableInitiative(caller: Caller, id: string): Promise<KnownInitiative> {
    const objectId = parseObjectId(id);
    const initiative = objectId ? await this.initiatives.findById(objectId) : null;
    if (
      !initiative?.status ||
      !initiative.organizationId ||
      !caller.ability.can(
        'read',
        subject('Initiative', {
          organizationId: initiative.organizationId.toHexString(),
          status: initiative.status,
        }),
      )
    ) {
      throw new DonationsError(DonationsErrorCode.InitiativeNotFound);
    }
    return initiative as KnownInitiative;
  }
}

/** Needs as stored: trimmed (by the DTO), each item once whatever its case. */
function needsOf(needs: readonly { item: string; quantity: number; unit: string }[]) {
  const keys = new Set<string>();
  return needs.map((need) => {
    const key = itemKey(need.item);
    if (keys.has(key)) throw new DonationsError(DonationsErrorCode.DuplicateItem);
    keys.add(key);
    return { key, item: need.item, unit: need.unit, needed: need.quantity };
  });
}
