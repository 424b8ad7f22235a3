import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import {
  EventSubjects,
  type Principal,
  type ProfileView,
  type RequestMeta,
  type UpdateProfilePayload,
  type UserSkill,
  type UserUpdatedEvent,
  type UserView,
} from '@spilno/contracts';
import { newEvent, Outbox, withTransaction } from '@spilno/messaging';
import { AccountsError, AccountsErrorCode } from '../accounts/accounts.errors';
import { AccountsRepository } from '../accounts/accounts.repository';
import { toProfileSnapshot, toProfileView } from '../accounts/views';
import { signedIn } from '../common/envelope';
import { SkillsTaxonomy } from '../skills/skills-taxonomy';
import { readableUserView, refusedProfileFields } from './profile-access';
import { toProfileChanges } from './profile-changes';
import { ProfileError, ProfileErrorCode } from './profile.errors';

@Injectable()
export class ProfileService {
  private readonly outbox: Outbox;

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly taxonomy: SkillsTaxonomy,
    @InjectConnection() private readonly connection: Connection,
  ) {
    this.outbox = new Outbox(connection);
  }

  async own(meta: RequestMeta): Promise<ProfileView> {
    const user = await this.accounts.findById(signedIn(meta));
    if (!user) throw new AccountsError(AccountsErrorCode.AccountNotFound);
    return toProfileView(user);
  }

  /**
   * Changes the caller's profile and, in the same transaction, writes the whole new profile as
   * `user.updated` to the outbox. An empty update changes nothing and emits nothing.
   */
  async update(meta: RequestMeta, patch: UpdateProfilePayload): Promise<ProfileView> {
    const principal = callerOf(meta);
    const changes = toProfileChanges(patch);
    const refused = refusedProfileFields(principal, principal.userId, Object.keys(changes));
    if (refused.length > 0) throw new ProfileError(ProfileErrorCode.FieldNotEditable, refused);
    this.assertKnownSkills(changes.skills ?? []);
    if (Object.keys(changes).length === 0) return this.own(meta);

    const user = await withTransaction(this.connection, async (session) => {
      const updated = await this.accounts.updateProfile(principal.userId, changes, session);
      if (!updated) throw new AccountsError(AccountsErrorCode.AccountNotFound);
      const data: UserUpdatedEvent = toProfileSnapshot(updated);
      await this.outbox.add(newEvent(EventSubjects.users.userUpdated, 'users', data), session);
      return updated;
    });
    return toProfileView(user);
  }

  /** Another person (or the caller), reduced to the fields the caller may read. */
  async read(meta: RequestMeta, id: string): Promise<UserView> {
    const principal = callerOf(meta);
    const user = await this.accounts.findById(id);
    if (!user) throw new ProfileError(ProfileErrorCode.UserNotFound);
    return readableUserView(principal, toProfileView(user));
  }

  private assertKnownSkills(skills: readonly UserSkill[]): void {
    const unknown = skills.flatMap((skill, i) =>
      this.taxonomy.has(skill.code) ? [] : [`skills.${i}.code`],
    );
    if (unknown.length > 0) throw new ProfileError(ProfileErrorCode.UnknownSkill, unknown);
  }
}

/** The signed-in caller; anonymous callers are refused (the gateway's policy already did). */
function callerOf(meta: RequestMeta): Principal {
  signedIn(meta);
  return meta.principal as Principal;
}
