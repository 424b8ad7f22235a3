/**
 * Field-level access to profiles, decided by the CASL rules of libs/auth (`permittedFieldsOf`):
 * which fields of a profile a caller may change (mass assignment: the DTO's whitelist is not
 * the only guard), and which they may read of another person.
 */
import { subject } from '@casl/ability';
import { permittedFieldsOf } from '@casl/ability/extra';
import { defineAbilityFor, type Action } from '@spilno/auth';
import type { Principal, ProfileView, UserView } from '@spilno/contracts';
import { PROFILE_FIELDS, PROFILE_VIEW_FIELDS } from '../accounts/views';

/** The fields of `changed` the caller may not change on `userId`'s profile. */
export function refusedProfileFields(
  principal: Principal,
  userId: string,
  changed: readonly string[],
): string[] {
  const allowed = permittedUserFields(principal, 'update', { id: userId }, PROFILE_FIELDS);
  return changed.filter((field) => !allowed.has(field));
}

/** `view` reduced to what the caller may read: `{ id }` and more, per the field rules. */
export function readableUserView(principal: Principal, view: ProfileView): UserView {
  const target = { id: view.id, contactable: view.contactable };
  const allowed = permittedUserFields(principal, 'read', target, PROFILE_VIEW_FIELDS);
  const readable: UserView = { id: view.id };
  for (const field of PROFILE_VIEW_FIELDS) {
    if (allowed.has(field)) Object.assign(readable, { [field]: view[field] });
  }
  return readable;
}

/** A rule without a field list (e.g. the owner's, or `manage all`) covers `allFields`. */
function permittedUserFields(
  principal: Principal,
  action: Action,
  user: { id: string; contactable?: boolean },
  allFields: readonly string[],
): Set<string> {
  const ability = defineAbilityFor(principal);
  return new Set(
    permittedFieldsOf(ability, action, subject('User', user), {
      fieldsFrom: (rule) => (rule.fields ? [rule.fields].flat() : [...allFields]),
    }),
  );
}
