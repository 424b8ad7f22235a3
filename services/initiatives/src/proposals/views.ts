/** Proposals as answers and as event payloads. */
import { subject } from '@casl/ability';
import type { ProposalCreatedEvent, ProposalView } from '@spilno/contracts';
import type { Initiative } from '../initiatives/schemas/initiative.schema';
import { isErasedUserId } from '../privacy/erased-user';
import { Proposal } from './schemas/proposal.schema';

/** A proposal as CASL conditions read it: its organization, its initiative's status, its author. */
export function proposalSubject(
  initiative: Pick<Initiative, 'organizationId' | 'status'>,
  userId: string,
) {
  return subject('Proposal', {
    organizationId: initiative.organizationId.toHexString(),
    initiativeStatus: initiative.status,
    userId,
  });
}

/** The author as anyone may see them: `{ id, displayName }`, never more; null once erased. */
export function toProposalView(
  proposal: Proposal,
  extra: { displayName: string | null; voted: boolean },
): ProposalView {
  return {
    id: proposal._id.toHexString(),
    initiativeId: proposal.initiativeId.toHexString(),
    organizationId: proposal.organizationId.toHexString(),
    title: proposal.title,
    body: proposal.body,
    status: proposal.status,
    response: proposal.response ?? null,
    respondedAt: proposal.respondedAt ? proposal.respondedAt.toISOString() : null,
    votes: proposal.votes,
    author: isErasedUserId(proposal.userId)
      ? null
      : { id: proposal.userId, displayName: extra.displayName },
    voted: extra.voted,
    createdAt: proposal.createdAt.toISOString(),
    updatedAt: proposal.updatedAt.toISOString(),
  };
}

export function toProposalCreatedEvent(proposal: Proposal): ProposalCreatedEvent {
  return {
    proposalId: proposal._id.toHexString(),
    initiativeId: proposal.initiativeId.toHexString(),
    organizationId: proposal.organizationId.toHexString(),
    userId: proposal.userId,
    createdAt: proposal.createdAt.toISOString(),
  };
}
