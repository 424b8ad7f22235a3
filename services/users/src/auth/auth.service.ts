import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Types } from 'mongoose';
import { signAccessToken } from '@spilno/auth';
import type { AuthSession, LoginPayload, RegisterAccountPayload } from '@spilno/contracts';
import type { Logger } from '@spilno/config';
import { SERVICE_LOGGER, withTransaction } from '@spilno/messaging';
import { AccountsService, normaliseEmail, toAccountView } from '../accounts/accounts.service';
import { User } from '../accounts/schemas/user.schema';
import { UsersConfig } from '../config/users.config';
import { MembershipsService } from '../organizations/memberships.service';
import { AuthError, AuthErrorCode } from './auth.errors';
import { FairHashingGate } from './hashing-gate';
import {
  hashRefreshToken,
  newRefreshToken,
  openSuccessor,
  sealSuccessor,
} from './refresh-token-crypto';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RefreshToken } from './schemas/refresh-token.schema';
import { SignInThrottle } from './sign-in-throttle';

const DAY_MS = 86_400_000;

@Injectable()
export class AuthService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly tokens: RefreshTokensRepository,
    private readonly throttle: SignInThrottle,
    private readonly config: UsersConfig,
    @InjectConnection() private readonly connection: Connection,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    private readonly memberships: MembershipsService,
    private readonly hashing: FairHashingGate,
  ) {}

  /** Registration hashes a password too, so it counts against the caller's IP. */
  async register(payload: RegisterAccountPayload): Promise<AuthSession> {
    await this.throttle.admit([{ scope: 'ip', key: payload.clientIp }]);
    const user = await this.hashing.run(payload.clientIp, () => this.accounts.register(payload));
    return this.startSession(user);
  }

  async login(payload: LoginPayload): Promise<AuthSession> {
    const email = normaliseEmail(payload.email);
    await this.throttle.admit([
      { scope: 'account', key: email },
      { scope: 'ip', key: payload.clientIp },
    ]);
    const user = await this.hashing.run(payload.clientIp, () =>
      this.accounts.verifyCredentials(email, payload.password),
    );
    if (!user || user.status === 'erased') throw new AuthError(AuthErrorCode.InvalidCredentials);
    await this.throttle.reset('account', email);
    return this.startSession(user);
  }

  /**
   * Spends the token and answers a new pair. A spent token presented again within the grace
   * window answers its (same) successor; later, the whole family is revoked (token theft).
   */
  async refresh(refreshToken: string): Promise<AuthSession> {
    const now = new Date();
    const current = await this.tokens.findByHash(hashRefreshToken(refreshToken));
    if (!current || current.revokedAt || current.expiresAt <= now) {
      throw new AuthError(AuthErrorCode.InvalidRefreshToken);
    }
    if (current.spentAt) return this.replay(current, refreshToken, now);

    const successor = newRefreshToken();
    const rotated = await withTransaction(this.connection, async (session) => {
      const won = await this.tokens.markSpent(
        current._id,
        now,
        sealSuccessor(refreshToken, successor),
        session,
      );
      if (!won) return false;
      await this.tokens.insert(
        this.nextToken(successor, current.familyId, current.userId, now),
        session,
      );
      return true;
    });
    if (!rotated) {
      // A concurrent request spent it a moment ago: treat this one as its replay.
      const spent = await this.tokens.findByHash(hashRefreshToken(refreshToken));
      if (!spent?.spentAt) throw new AuthError(AuthErrorCode.InvalidRefreshToken);
      return this.replay(spent, refreshToken, now);
    }
    return this.sessionFor(current.userId, successor);
  }

  /** Revokes the token's family when it belongs to the caller; silent otherwise. */
  async logout(refreshToken: string, userId: string): Promise<void> {
    const token = await this.tokens.findByHash(hashRefreshToken(refreshToken));
    if (!token || token.userId.toHexString() !== userId) return;
    await this.tokens.revokeFamily(token.familyId, new Date());
  }

  private async replay(spent: RefreshToken, presented: string, now: Date): Promise<AuthSession> {
    const withinGrace =
      spent.spentAt !== null &&
      now.getTime() - spent.spentAt.getTime() <= this.config.REFRESH_REUSE_GRACE_MS;
    const successor =
      withinGrace && spent.successorSealed ? openSuccessor(presented, spent.successorSealed) : null;
    if (successor) {
      const live = await this.tokens.findByHash(hashRefreshToken(successor));
      if (live && !live.revokedAt) return this.sessionFor(spent.userId, successor);
    }
    await this.tokens.revokeFamily(spent.familyId, now);
    this.logger.warn(
      { familyId: spent.familyId, userId: spent.userId.toHexString() },
      'a spent refresh token was replayed; its family is revoked',
    );
    throw new AuthError(AuthErrorCode.RefreshTokenReused);
  }

  private async startSession(user: User): Promise<AuthSession> {
    const refreshToken = newRefreshToken();
    await this.tokens.insert(this.nextToken(refreshToken, randomUUID(), user._id, new Date()));
    return this.issue(user, refreshToken);
  }

  private async sessionFor(userId: Types.ObjectId, refreshToken: string): Promise<AuthSession> {
    const user = await this.accounts.findById(userId.toHexString());
    // An erasure may commit while a refresh is in flight: an erased account gets nothing.
    if (!user || user.status === 'erased') throw new AuthError(AuthErrorCode.InvalidRefreshToken);
    return this.issue(user, refreshToken);
  }

  /** The token carries memberships of verified organizations only (see `forAccessToken`). */
  private async issue(user: User, refreshToken: string): Promise<AuthSession> {
    const memberships = await this.memberships.forAccessToken(user._id);
    const accessToken = await signAccessToken(
      { userId: user._id.toHexString(), roles: user.roles, memberships },
      this.config.auth,
    );
    return {
      user: toAccountView(user),
      accessToken,
      accessTokenExpiresIn: this.config.auth.ACCESS_TOKEN_TTL_SECONDS,
      refreshToken,
    };
  }

  private nextToken(token: string, familyId: string, userId: Types.ObjectId, now: Date) {
    return {
      tokenHash: hashRefreshToken(token),
      familyId,
      userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.REFRESH_TOKEN_TTL_DAYS * DAY_MS),
    };
  }
}
