import { PROPOSAL_REVIEW_STATUSES, type ProposalStatus } from '@spilno/contracts';
import { canReview } from './proposal-review';

describe('proposal review', () => {
  const reachable = (from: ProposalStatus) =>
    PROPOSAL_REVIEW_STATUSES.filter((to) => to !== from && canReview(from, to));

  it('moves forward only: review, decide, implement what was accepted', () => {
    expect(reachable('new')).toEqual(['under_review', 'accepted', 'rejected']);
    expect(reachable('under_review')).toEqual(['accepted', 'rejected']);
    expect(reachable('accepted')).toEqual(['implemented']);
    expect(reachable('rejected')).toEqual([]);
    expect(reachable('implemented')).toEqual([]);
  });

  it('lets organizers change the response without changing the status', () => {
    for (const status of PROPOSAL_REVIEW_STATUSES) expect(canReview(status, status)).toBe(true);
  });
});
