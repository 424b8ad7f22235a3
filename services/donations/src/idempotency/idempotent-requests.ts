import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ClientSession, Connection } from 'mongoose';
import type { Principal } from '@spilno/contracts';
import { withTransaction } from '@spilno/messaging';
import { DonationsError, DonationsErrorCode } from '../common/donations.errors';
import { isDuplicateKeyOn } from '../common/duplicate-key';
import { IdempotencyRepository } from './idempotency.repository';
import { idempotencyScope, isKeyFresh, requestHashOf } from './request-key';
import type { IdempotentOperation } from './schemas/idempotency-record.schema';

/** The status every first answer stored here had: these operations create something. */
const CREATED = 201;
/** Transactions that lost the race for a key retry this many times (then replay its answer). */
const ATTEMPTS = 5;

export interface IdempotentRequest {
  principal: Principal | null;
  key: string;
  operation: IdempotentOperation;
  /** The request as normalised (defaults applied), without the key: what "same body" means. */
  request: readonly unknown[];
}

/**
 * `Idempotency-Key` handling of expenses, exactly once: in one transaction, the answer stored
 * for the caller's key is replayed (same request) or refused (422, another request), or the
 * work runs and its answer is stored with it. Simultaneous requests with one key all start the
 * work; the unique index on (scope, key) lets one commit and fails the others, whose retry
 * replays the winner's answer. Failures are not stored: a refused request creates nothing, and
 * repeating it runs again. (Pledges keep their key on the donation itself: donations.service.)
 */
@Injectable()
export class IdempotentRequests {
  constructor(
    private readonly records: IdempotencyRepository,
    @InjectConnection() private readonly connection: Connection,
  ) {}

  async run<T extends object>(
    idempotent: IdempotentRequest,
    work: (session: ClientSession) => Promise<T>,
  ): Promise<T> {
    const scope = idempotencyScope(idempotent.principal);
    const requestHash = requestHashOf(idempotent.operation, idempotent.request);
    for (let attempt = 1; ; attempt++) {
      try {
        return await withTransaction(this.connection, async (session) => {
          const earlier = await this.records.find(scope, idempotent.key, session);
          if (earlier && isKeyFresh(earlier.createdAt)) {
            if (earlier.requestHash !== requestHash || earlier.status !== CREATED) {
              throw new DonationsError(DonationsErrorCode.IdempotencyKeyReused);
            }
            return earlier.answer as T;
          }
          if (earlier) await this.records.remove(earlier._id, session);
          const answer = await work(session);
          await this.records.insert(
            {
              scope,
              key: idempotent.key,
              operation: idempotent.operation,
              requestHash,
              status: CREATED,
              answer: answer as Record<string, unknown>,
              userId: idempotent.principal?.userId ?? null,
            },
            session,
          );
          return answer;
        });
      } catch (e) {
        if (attempt < ATTEMPTS && isDuplicateKeyOn(e, 'key')) continue;
        throw e;
      }
    }
  }
}
