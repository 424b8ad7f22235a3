/**
 * The matching service's personal-data registry: every collection of its database that holds
 * data about a person. GET /me/export shows what these declare; evt.users.user.erased.v1
 * erases it. A feature that stores personal data adds its collection here (see
 * `PersonalDataDeclaration` in libs/messaging), and gets export and erasure with it.
 */
import { DEAD_LETTERS_PERSONAL_DATA, type PersonalDataDeclaration } from '@spilno/messaging';

export const MATCHING_PERSONAL_DATA: readonly PersonalDataDeclaration[] = [
  DEAD_LETTERS_PERSONAL_DATA,
];
