import { REPORT_REVIEW_STATUSES, type ReportStatus } from '@spilno/contracts';
import { canTriage } from './report-review';

describe('report triage', () => {
  const reachable = (from: ReportStatus) =>
    REPORT_REVIEW_STATUSES.filter((to) => to !== from && canTriage(from, to));

  it('verifies or rejects new reports, then resolves or rejects verified ones', () => {
    expect(reachable('new')).toEqual(['verified', 'rejected']);
    expect(reachable('verified')).toEqual(['rejected', 'resolved']);
    expect(reachable('rejected')).toEqual([]);
    expect(reachable('resolved')).toEqual([]);
  });

  it('lets organizers change the response without changing the status', () => {
    for (const status of REPORT_REVIEW_STATUSES) expect(canTriage(status, status)).toBe(true);
  });
});
