import { Inject, Injectable } from '@nestjs/common';
import {
  MATCHING_LIMITS,
  type CandidatesPayload,
  type CandidateView,
  type Locale,
  type RecommendationsPayload,
  type RecommendationView,
  type RequestMeta,
} from '@spilno/contracts';
import { signedInCaller } from '../common/caller';
import { CLOCK, type Clock } from '../common/clock';
import { MatchingError, MatchingErrorCode } from '../common/matching.errors';
import { assertOrganizer } from '../common/organizer-access';
import { MatchingIndex } from '../index/matching-index';
import { roundScore } from '../index/scoring';
import { reasonsFor, type ReasonContext } from './reasons';
import { SkillNames } from './skill-names';
import { toCandidateUser, toMatchedTaskView } from './views';

/**
 * Recommendations (a person's best open tasks) and candidates (a task's best contactable
 * volunteers), ranked by the same score, read from the in-memory index.
 */
@Injectable()
export class RankingService {
  constructor(
    private readonly index: MatchingIndex,
    private readonly skillNames: SkillNames,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Open tasks the caller can take, best first; none while the caller is not known here. */
  recommendations(meta: RequestMeta, payload: RecommendationsPayload): RecommendationView[] {
    const { principal } = signedInCaller(meta);
    const volunteer = this.index.volunteerEntry(principal.userId);
    if (!volunteer) return [];
    const now = this.clock.now();
    const limit = payload.limit ?? MATCHING_LIMITS.rankingLimitDefault;
    const context = this.context(volunteer.record.locale, 'volunteer', now);
    return this.index.rankTasksFor(volunteer, now, limit).map(({ entry, score, km }) => ({
      task: toMatchedTaskView(entry),
      initiative: {
        id: entry.record.initiativeId,
        title: this.index.initiativeRecord(entry.record.initiativeId)?.title ?? '',
      },
      score: roundScore(score),
      reasons: reasonsFor(volunteer, entry, km, context),
    }));
  }

  /** Contactable volunteers for an open task, best first (coordinators and owners). */
  candidates(meta: RequestMeta, payload: CandidatesPayload): CandidateView[] {
    const caller = signedInCaller(meta);
    const task = this.index.taskEntry(payload.taskId);
    if (!task) throw new MatchingError(MatchingErrorCode.TaskNotFound);
    assertOrganizer(
      caller,
      { organizationId: task.record.organizationId, initiativeStatus: task.initiativeStatus },
      MatchingErrorCode.TaskNotFound,
    );
    if (task.record.status !== 'open') return [];
    const now = this.clock.now();
    const limit = payload.limit ?? MATCHING_LIMITS.rankingLimitDefault;
    const locale = this.index.volunteerEntry(caller.principal.userId)?.record.locale ?? 'uk';
    const context = this.context(locale, 'organizer', now);
    return this.index.rankVolunteersFor(task, now, limit).map(({ entry, score, km }) => ({
      user: toCandidateUser(entry),
      score: roundScore(score),
      reasons: reasonsFor(entry, task, km, context),
    }));
  }

  private context(locale: Locale, perspective: ReasonContext['perspective'], now: Date) {
    return {
      locale,
      perspective,
      now,
      skillName: (code: string, l: Locale) => this.skillNames.nameOf(code, l),
    };
  }
}
