import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { AppAbility, defineAbilityFor } from '@spilno/auth';
import { DomainError, ErrorCode, Membership, Principal, RequestMeta } from '@spilno/contracts';
import { AccountRolesRepository } from './account-roles.repository';

export interface Caller {
  /** Null for an anonymous caller. */
  principal: Principal | null;
  ability: AppAbility;
}

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/**
 * The caller's CASL ability as the database knows them now. The access token's roles and
 * memberships may be up to one token life old (and carry verified organizations only); this
 * service owns both facts, so it checks them against its own records.
 */
@Injectable()
export class CallerAbilities {
  constructor(private readonly accounts: AccountRolesRepository) {}

  /** `memberships`: the caller's memberships as the caller's module read them from the database. */
  async of(meta: RequestMeta, memberships: Membership[] = []): Promise<Caller> {
    if (!meta.principal) return { principal: null, ability: defineAbilityFor(null) };
    const { userId } = meta.principal;
    const account = OBJECT_ID.test(userId)
      ? await this.accounts.findRoles(new Types.ObjectId(userId))
      : null;
    if (!account) {
      throw new DomainError(ErrorCode.Unauthenticated, 'the account no longer exists');
    }
    const principal: Principal = { userId, roles: [...account.roles], memberships };
    return { principal, ability: defineAbilityFor(principal) };
  }
}
