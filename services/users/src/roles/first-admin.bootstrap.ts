import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Types } from 'mongoose';
import type { Logger } from '@spilno/config';
import { SERVICE_LOGGER } from '@spilno/messaging';
import { AccountsError, AccountsErrorCode } from '../accounts/accounts.errors';
import { AccountsService, normaliseEmail } from '../accounts/accounts.service';
import { UsersConfig } from '../config/users.config';
import { AccountRolesRepository } from './account-roles.repository';
import { RolesService } from './roles.service';

const FIRST_ADMIN_DISPLAY_NAME = 'Адміністратор';
/** Enough for a replica that lost the race to find the winner's account. */
const ATTEMPTS = 3;

/**
 * At start-up, before the service answers: the guard documents exist, and when ADMIN_EMAIL and
 * ADMIN_PASSWORD are set, that account exists and is an admin. Idempotent, and safe when
 * replicas start together (the unique email index decides; the loser finds the winner's
 * account). An existing account keeps its password: ADMIN_PASSWORD only creates one.
 */
@Injectable()
export class FirstAdminBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly config: UsersConfig,
    private readonly repository: AccountRolesRepository,
    private readonly accounts: AccountsService,
    private readonly roles: RolesService,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.repository.prepare('admin');
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = this.config;
    if (!email || !password) return;
    const userId = await this.ensureAccount(normaliseEmail(email), password);
    const granted = await this.roles.grant(userId, 'admin');
    // Never the email or the password: the id is enough to find the account.
    this.logger.info(
      { userId: userId.toHexString() },
      granted ? 'the first admin was granted admin' : 'the first admin is in place',
    );
  }

  private async ensureAccount(email: string, password: string): Promise<Types.ObjectId> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const existing = await this.repository.findByEmail(email);
      if (existing) return existing._id;
      try {
        const created = await this.accounts.register({
          email,
          password,
          displayName: FIRST_ADMIN_DISPLAY_NAME,
          locale: 'uk',
        });
        return created._id;
      } catch (e) {
        // Another replica created it between our look-up and insert: look again.
        if (!(e instanceof AccountsError && e.reason === AccountsErrorCode.EmailTaken)) throw e;
      }
    }
    throw new Error('the first admin account was neither found nor created');
  }
}
