/**
 * Organizer-only questions (candidates, plans) about a task or an initiative: coordinators and
 * owners of its organization (and admins) may ask; others who may see it (it is published or
 * completed) get `forbidden`; those who may not even see it, `not_found`, as if absent.
 */
import { subject } from '@casl/ability';
import type { InitiativeStatus } from '@spilno/contracts';
import type { Caller } from './caller';
import { MatchingError, MatchingErrorCode } from './matching.errors';

export function assertOrganizer(
  caller: Caller,
  of: { organizationId: string; initiativeStatus: InitiativeStatus },
  notFound: MatchingErrorCode,
): void {
  const task = subject('Task', {
    organizationId: of.organizationId,
    initiativeStatus: of.initiativeStatus,
  });
  if (caller.ability.can('update', task)) return;
  throw new MatchingError(
    caller.ability.can('read', task) ? MatchingErrorCode.NotAllowed : notFound,
  );
}
