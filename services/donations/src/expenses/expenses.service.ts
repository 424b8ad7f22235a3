import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import {
  DEFAULT_CURRENCY,
  type CreateExpensePayload,
  type ExpenseView,
  type RequestMeta,
} from '@spilno/contracts';
import { CampaignAccess } from '../campaigns/campaign-access';
import { callerOf, signedIn } from '../common/caller';
import { DonationsError, DonationsErrorCode } from '../common/donations.errors';
import { checkMoney } from '../common/money';
import { DonationsConfig } from '../config/donations.config';
import { IdempotentRequests } from '../idempotency/idempotent-requests';
import { LedgerWriter } from '../ledger/ledger-writer';
import { ExpensesRepository } from './expenses.repository';
import { Expense } from './schemas/expense.schema';

/**
 * Expenses: coordinators record what the campaign's money paid for, exactly once per
 * `Idempotency-Key`. An expense the balance does not cover is refused (409); of two
 * simultaneous expenses that together exceed it, one commits and the other, retried after the
 * write conflict on the campaign, finds the balance lower and is refused.
 */
@Injectable()
export class ExpensesService {
  constructor(
    private readonly expenses: ExpensesRepository,
    private readonly access: CampaignAccess,
    private readonly ledger: LedgerWriter,
    private readonly idempotent: IdempotentRequests,
    private readonly config: DonationsConfig,
  ) {}

  async create(meta: RequestMeta, payload: CreateExpensePayload): Promise<ExpenseView> {
    const caller = callerOf(meta);
    signedIn(caller);
    // Authorized before the key is looked at: a replay answers only what the caller may do.
    const readable = await this.access.readable(caller, payload.campaignId);
    this.access.authorize(caller, 'update', readable);
    const currency = payload.currency ?? DEFAULT_CURRENCY;
    const receiptUrl = payload.receiptUrl ?? null;
    const { amount, description } = payload;
    const request = [payload.campaignId, amount, currency, description, receiptUrl] as const;
    const idempotent = { principal: caller.principal, key: payload.idempotencyKey, request };
    return this.ledger.exclusive(readable.campaign._id, () =>
      this.idempotent.run({ ...idempotent, operation: 'expense' }, async (session) => {
        const context = await this.access.readable(caller, payload.campaignId, session);
        if (context.initiativeStatus === 'cancelled') {
          throw new DonationsError(DonationsErrorCode.CampaignClosed);
        }
        const { campaign } = context;
        checkMoney(campaign, amount, currency, this.config.DONATION_MAX_MINOR);
        const id = new Types.ObjectId();
        const { entry } = await this.ledger.append(
          campaign,
          { kind: 'expense', amount, sourceId: id, description, receiptUrl },
          session,
        );
        const expense = await this.expenses.insert(
          {
            _id: id,
            campaignId: campaign._id,
            organizationId: campaign.organizationId,
            amount,
            currency,
            description,
            receiptUrl,
            ledgerSeq: entry.seq,
          },
          session,
        );
        return toExpenseView(expense);
      }),
    );
  }
}

function toExpenseView(expense: Expense): ExpenseView {
  return {
    id: expense._id.toHexString(),
    campaignId: expense.campaignId.toHexString(),
    amount: expense.amount,
    currency: expense.currency,
    description: expense.description,
    receiptUrl: expense.receiptUrl,
    ledgerSeq: expense.ledgerSeq,
    createdAt: expense.createdAt.toISOString(),
  };
}
