import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { EventSubjects, Locale, UserRegisteredWithProfileEvent } from '@spilno/contracts';
import { newEvent, Outbox, withTransaction } from '@spilno/messaging';
import { AccountsError, AccountsErrorCode } from './accounts.errors';
import { AccountsRepository } from './accounts.repository';
import { PasswordHasher } from './password-hasher';
import { PasswordPolicy } from './password-policy';
import { User } from './schemas/user.schema';
import { toProfileSnapshot } from './views';

// Sessions answer the account view; auth builds it from here.
export { toAccountView } from './views';

export interface Registration {
  email: string;
  password: string;
  displayName: string;
  locale?: Locale;
}

/** Emails compare case-insensitively and without surrounding blanks. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class AccountsService {
  private readonly outbox: Outbox;

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    @InjectConnection() private readonly connection: Connection,
  ) {
    this.outbox = new Outbox(connection);
  }

  /** Creates the account and, in the same transaction, its `user.registered` event. */
  async register(registration: Registration): Promise<User> {
    const email = normaliseEmail(registration.email);
    if (!this.policy.accepts(registration.password, email)) {
      throw new AccountsError(AccountsErrorCode.WeakPassword);
    }
    // Cheap check first, so a taken email costs no hashing; the unique index decides races.
    if (await this.accounts.findByEmail(email)) {
      throw new AccountsError(AccountsErrorCode.EmailTaken);
    }
    const passwordHash = await this.hasher.hash(registration.password);
    const user = await withTransaction(this.connection, async (session) => {
      const created = await this.accounts.insert(
        {
          email,
          passwordHash,
          displayName: registration.displayName.trim(),
          locale: registration.locale ?? 'uk',
          roles: ['citizen'],
        },
        session,
      );
      // Thrown, not returned: the failed insert has aborted the transaction.
      if (!created) throw new AccountsError(AccountsErrorCode.EmailTaken);
      // The profile's defaults too, so read models of other services start complete.
      const data: UserRegisteredWithProfileEvent = {
        ...toProfileSnapshot(created),
        registeredAt: created.createdAt.toISOString(),
      };
      await this.outbox.add(newEvent(EventSubjects.users.userRegistered, 'users', data), session);
      return created;
    });
    return user;
  }

  /**
   * The account these credentials open, or null. The same work whether or not the email has an
   * account, so neither the answer nor its timing tells which.
   */
  async verifyCredentials(email: string, password: string): Promise<User | null> {
    const user = await this.accounts.findByEmail(normaliseEmail(email));
    if (!user) return this.hasher.verifyAgainstDummy(password).then(() => null);
    return (await this.hasher.verify(user.passwordHash, password)) ? user : null;
  }

  findById(id: string): Promise<User | null> {
    return this.accounts.findById(id);
  }
}
