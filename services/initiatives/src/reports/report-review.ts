/**
 * Organizers' triage of a report: `new -> verified | rejected`, `verified -> resolved |
 * rejected`. Setting the status it already has only changes the response.
 */
import type { ReportReviewStatus, ReportStatus } from '@spilno/contracts';

const NEXT: Record<ReportStatus, readonly ReportReviewStatus[]> = {
  new: ['verified', 'rejected'],
  verified: ['resolved', 'rejected'],
  rejected: [],
  resolved: [],
};

export function canTriage(from: ReportStatus, to: ReportReviewStatus): boolean {
  return from === to || NEXT[from].includes(to);
}
