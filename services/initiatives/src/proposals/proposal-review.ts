/**
 * Organizers' decisions on a proposal: `new -> under_review | accepted | rejected`,
 * `under_review -> accepted | rejected`, `accepted -> implemented`. Setting the status it
 * already has only changes the response.
 */
import type { ProposalReviewStatus, ProposalStatus } from '@spilno/contracts';

const NEXT: Record<ProposalStatus, readonly ProposalReviewStatus[]> = {
  new: ['under_review', 'accepted', 'rejected'],
  under_review: ['accepted', 'rejected'],
  accepted: ['implemented'],
  rejected: [],
  implemented: [],
};

export function canReview(from: ProposalStatus, to: ProposalReviewStatus): boolean {
  return from === to || NEXT[from].includes(to);
}
