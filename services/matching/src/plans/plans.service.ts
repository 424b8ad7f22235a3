import { Inject, Injectable } from '@nestjs/common';
import type { AssignmentPlanPayload, AssignmentPlanView, RequestMeta } from '@spilno/contracts';
import { signedInCaller } from '../common/caller';
import { CLOCK, type Clock } from '../common/clock';
import { MatchingError, MatchingErrorCode } from '../common/matching.errors';
import { assertOrganizer } from '../common/organizer-access';
import { MatchingIndex } from '../index/matching-index';
import { unfilledWhy } from '../ranking/phrases';
import { planAssignments } from './assignment-planner';

/**
 * `POST /initiatives/:id/assignment-plan`: an exact maximum-score plan for the initiative's
 * open tasks (or those of `taskIds`) over its contactable candidates. A suggestion: nobody is
 * assigned or told by it.
 */
@Injectable()
export class PlansService {
  constructor(
    private readonly index: MatchingIndex,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  plan(meta: RequestMeta, payload: AssignmentPlanPayload): AssignmentPlanView {
    const caller = signedInCaller(meta);
    const initiative = this.index.initiativeRecord(payload.initiativeId);
    const tasks = this.index.tasksOf(payload.initiativeId);
    const first = tasks[0];
    if (!initiative && !first) throw new MatchingError(MatchingErrorCode.InitiativeNotFound);
    assertOrganizer(
      caller,
      {
        organizationId: initiative?.organizationId ?? first!.record.organizationId,
        initiativeStatus: initiative?.status ?? first!.initiativeStatus,
      },
      MatchingErrorCode.InitiativeNotFound,
    );
    let selected = tasks;
    if (payload.taskIds) {
      const byId = new Map(tasks.map((t) => [t.id, t]));
      if (!payload.taskIds.every((id) => byId.has(id))) {
        throw new MatchingError(MatchingErrorCode.TaskNotInInitiative);
      }
      selected = payload.taskIds.map((id) => byId.get(id)!);
    }
    selected = [...selected].sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : 1));
    const now = this.clock.now();
    const plan = planAssignments(this.index, selected, now, { kind: 'exact' });
    const locale = this.index.volunteerEntry(caller.principal.userId)?.record.locale ?? 'uk';
    const order = new Map(selected.map((t, i) => [t.id, i]));
    const assignments = [...plan.assignments].sort(
      (a, b) => order.get(a.task.id)! - order.get(b.task.id)! || b.weight - a.weight,
    );
    return {
      assignments: assignments.map((a) => ({
        taskId: a.task.id,
        userId: a.volunteer.id,
        score: a.weight / 1000,
      })),
      unfilled: plan.unfilled.map((u) => ({
        taskId: u.task.id,
        missing: u.missing,
        reason: u.reason,
        eligible: u.eligible,
        why: unfilledWhy(u.reason, u.missing, locale),
      })),
      totalScore: plan.weight / 1000,
    };
  }
}
