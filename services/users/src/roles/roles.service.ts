import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { subject } from '@casl/ability';
import { Connection, Types } from 'mongoose';
import {
  EventSubjects,
  RequestMeta,
  Role,
  UpdateRolesPayload,
  UserRolesChangedEvent,
  UserRolesView,
} from '@spilno/contracts';
import { newEvent, Outbox, withTransaction } from '@spilno/messaging';
import { RefreshTokensRepository } from '../auth/refresh-tokens.repository';
import { AccountRolesRepository } from './account-roles.repository';
import { CallerAbilities } from './caller-abilities';
import {
  applyRoleChange,
  lostRoles,
  RoleChange,
  roleChangeProblems,
  sameRoles,
} from './role-change';
import { RolesError, RolesErrorCode } from './roles.errors';

const OBJECT_ID = /^[0-9a-f]{24}$/i;

@Injectable()
export class RolesService {
  private readonly outbox: Outbox;

  constructor(
    private readonly accounts: AccountRolesRepository,
    private readonly tokens: RefreshTokensRepository,
    private readonly callers: CallerAbilities,
    @InjectConnection() private readonly connection: Connection,
  ) {
    this.outbox = new Outbox(connection);
  }

  /**
   * An admin grants or revokes researcher/admin. The change, its `roles-changed` event and,
   * when a role is lost, the revocation of the user's refresh tokens commit together.
   */
  async update(meta: RequestMeta, payload: UpdateRolesPayload): Promise<UserRolesView> {
    const change: RoleChange = { add: payload.add ?? [], remove: payload.remove ?? [] };
    const problems = roleChangeProblems(change);
    if (problems.length) throw new RolesError(RolesErrorCode.InvalidChange, problems);
    const { ability } = await this.callers.of(meta);
    if (!ability.can('update', subject('User', { id: payload.userId }), 'roles')) {
      throw new RolesError(RolesErrorCode.NotAllowed);
    }
    if (!OBJECT_ID.test(payload.userId)) throw new RolesError(RolesErrorCode.UserNotFound);
    const roles = await this.applyChange(new Types.ObjectId(payload.userId), change);
    return { id: payload.userId, roles };
  }

  /** Adds `role` to the account unless it has it; true when it changed (start-up bootstrap). */
  async grant(userId: Types.ObjectId, role: Role): Promise<boolean> {
    return withTransaction(this.connection, async (session) => {
      const roles = await this.accounts.grantIfMissing(userId, role, session);
      if (!roles) return false;
      await this.outbox.add(this.rolesChanged(userId, roles), session);
      return true;
    });
  }

  private applyChange(userId: Types.ObjectId, change: RoleChange): Promise<Role[]> {
    return withTransaction(this.connection, async (session) => {
      // First, so a concurrent removal of admin conflicts here, before either counts admins.
      if (change.remove.includes('admin')) await this.accounts.touchGuard('admin', session);
      const account = await this.accounts.findRoles(userId, session);
      if (!account) throw new RolesError(RolesErrorCode.UserNotFound);
      const next = applyRoleChange(account.roles, change);
      if (sameRoles(account.roles, next)) return next;
      const lost = lostRoles(account.roles, next);
      if (lost.includes('admin') && (await this.accounts.countWithRole('admin', session)) <= 1) {
        throw new RolesError(RolesErrorCode.LastAdmin);
      }
      await this.accounts.setRoles(userId, next, session);
      await this.outbox.add(this.rolesChanged(userId, next), session);
      // Its refresh tokens would mint access tokens that still carry the lost role.
      if (lost.length > 0) await this.tokens.revokeAllForUser(userId, new Date(), session);
      return next;
    });
  }

  private rolesChanged(userId: Types.ObjectId, roles: Role[]) {
    const data: UserRolesChangedEvent = {
      userId: userId.toHexString(),
      roles,
      changedAt: new Date().toISOString(),
    };
    return newEvent(EventSubjects.users.rolesChanged, 'users', data);
  }
}
