/**
 * Assignment plans: which contactable volunteer to ask for which open slot so that the plan's
 * total score is as high as it can be, each volunteer in at most one task of the plan (shifts
 * of one plan may overlap; a volunteer's existing commitments and weekly hours are respected).
 *
 * The candidate graph comes from the index (reach, skills, availability of the person), then
 * is pruned per task to its best candidates, then solved exactly (`max-weight-assignment.ts`).
 * Pruning that keeps the optimum: a task keeps its best `min(n, C)` candidates, C the plan's
 * open slots in all. An optimal plan gives the task a candidate ranked below C only if fewer
 * than C of its better ones are assigned at all; then one of those is free and at least as
 * good: swap. `exact` plans use that bound; very large plans may cap candidates per open slot.
 */
import type { UnfilledReason } from '@spilno/contracts';
import type { MatchingIndex, TaskEntry, VolunteerEntry } from '../index/matching-index';
import { scoreWeight } from '../index/scoring';
import { maxWeightAssignment } from './max-weight-assignment';

export type Pruning =
  | { kind: 'exact' }
  /**
   * For very large plans: a task keeps its best `perOpenSlot * open + extra` candidates of the
   * first `budget` times as many eligible ones its search meets (nearest, free that day, best
   * levels first), and scores count in steps of `step` thousandths (at most 1000 / step rounds
   * of the solver; each assignment's score is then off by at most step / 2000).
   */
  | { kind: 'capped'; perOpenSlot: number; extra: number; budget: number; step: number };

export interface PlannedPair {
  task: TaskEntry;
  volunteer: VolunteerEntry;
  /** Thousandths of the score (what the plan maximises). */
  weight: number;
}

export interface UnfilledSlots {
  task: TaskEntry;
  missing: number;
  eligible: number;
  reason: UnfilledReason;
}

export interface Plan {
  assignments: PlannedPair[];
  unfilled: UnfilledSlots[];
  /** Sum of the assignments' weights (thousandths of a score). */
  weight: number;
  stats: {
    tasks: number;
    edges: number;
    rounds: number;
    /** Milliseconds spent finding candidates, and solving. */
    candidatesMs: number;
    solveMs: number;
  };
}

export function openSlotsOf(task: TaskEntry, now: Date): number {
  const r = task.record;
  if (r.status !== 'open' || task.startMs <= now.getTime()) return 0;
  return Math.max(0, r.slots - r.filled);
}

export function planAssignments(
  index: MatchingIndex,
  tasks: readonly TaskEntry[],
  now: Date,
  pruning: Pruning,
): Plan {
  const planned = tasks.filter((t) => openSlotsOf(t, now) > 0);
  const totalOpen = planned.reduce((sum, t) => sum + openSlotsOf(t, now), 0);
  const started = performance.now();

  const step = pruning.kind === 'exact' ? 1 : pruning.step;
  const edgeTask: number[] = [];
  const edgeVolunteer: number[] = [];
  /** What the plan maximises (thousandths, or coarser steps), and the thousandths reported. */
  const edgeWeight: number[] = [];
  const edgeScore: number[] = [];
  const volunteers: VolunteerEntry[] = [];
  const compact = new Map<VolunteerEntry, number>();

  planned.forEach((task, t) => {
    const open = openSlotsOf(task, now);
    const keep = pruning.kind === 'exact' ? totalOpen : pruning.perOpenSlot * open + pruning.extra;
    const kept = index.rankVolunteersFor(
      task,
      now,
      keep,
      undefined,
      pruning.kind === 'exact' ? Infinity : pruning.budget * keep,
    );
    for (const { entry, score } of kept) {
      let v = compact.get(entry);
      if (v === undefined) {
        v = volunteers.length;
        volunteers.push(entry);
        compact.set(entry, v);
      }
      edgeTask.push(t);
      edgeVolunteer.push(v);
      edgeScore.push(scoreWeight(score));
      edgeWeight.push(Math.max(1, Math.round(scoreWeight(score) / step)));
    }
  });

  const found = performance.now();
  const solution = solveByComponents(
    planned.map((t) => openSlotsOf(t, now)),
    volunteers.length,
    edgeTask,
    edgeVolunteer,
    edgeWeight,
  );

  const assignments: PlannedPair[] = [];
  const assigned = new Array<number>(planned.length).fill(0);
  let weight = 0;
  for (let e = 0; e < edgeTask.length; e++) {
    if (!solution.chosen[e]) continue;
    const t = edgeTask[e]!;
    assigned[t]!++;
    weight += edgeScore[e]!;
    assignments.push({
      task: planned[t]!,
      volunteer: volunteers[edgeVolunteer[e]!]!,
      weight: edgeScore[e]!,
    });
  }
  const unfilled: UnfilledSlots[] = [];
  planned.forEach((task, t) => {
    const open = openSlotsOf(task, now);
    const missing = open - assigned[t]!;
    if (missing <= 0) return;
    // Counted only here: a search for the best candidates stops early; this one does not.
    let n = 0;
    index.visitVolunteersFor(task, now, () => n++);
    const reason: UnfilledReason =
      n === 0 ? 'no_candidates' : n < open ? 'too_few_candidates' : 'candidates_assigned_elsewhere';
    unfilled.push({ task, missing, eligible: n, reason });
  });
  return {
    assignments,
    unfilled,
    weight,
    stats: {
      tasks: planned.length,
      edges: edgeTask.length,
      rounds: solution.rounds,
      candidatesMs: found - started,
      solveMs: performance.now() - found,
    },
  };
}

/**
 * Tasks and volunteers that share no candidate pair, even through others, are independent
 * problems: each connected component of the candidate graph is solved on its own (the same
 * optimum, and a search per round covers one component, not the whole graph).
 */
function solveByComponents(
  capacities: number[],
  volunteerCount: number,
  edgeTask: number[],
  edgeVolunteer: number[],
  edgeWeight: number[],
): { chosen: Uint8Array; rounds: number } {
  const taskCount = capacities.length;
  const parent = Int32Array.from({ length: taskCount + volunteerCount }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let e = 0; e < edgeTask.length; e++) {
    const a = find(edgeTask[e]!);
    const b = find(taskCount + edgeVolunteer[e]!);
    if (a !== b) parent[a] = b;
  }
  const edgesOf = new Map<number, number[]>();
  for (let e = 0; e < edgeTask.length; e++) {
    const root = find(edgeTask[e]!);
    const list = edgesOf.get(root);
    if (list) list.push(e);
    else edgesOf.set(root, [e]);
  }
  const chosen = new Uint8Array(edgeTask.length);
  let rounds = 0;
  const taskLocal = new Int32Array(taskCount).fill(-1);
  const volunteerLocal = new Int32Array(volunteerCount).fill(-1);
  for (const edges of edgesOf.values()) {
    const tasks: number[] = [];
    let volunteers = 0;
    for (const e of edges) {
      const t = edgeTask[e]!;
      const v = edgeVolunteer[e]!;
      if (taskLocal[t] === -1) taskLocal[t] = tasks.push(t) - 1;
      if (volunteerLocal[v] === -1) volunteerLocal[v] = volunteers++;
    }
    const solution = maxWeightAssignment({
      taskCount: tasks.length,
      volunteerCount: volunteers,
      capacities: Int32Array.from(tasks.map((t) => capacities[t]!)),
      edgeTask: Int32Array.from(edges.map((e) => taskLocal[edgeTask[e]!]!)),
      edgeVolunteer: Int32Array.from(edges.map((e) => volunteerLocal[edgeVolunteer[e]!]!)),
      edgeWeight: Int32Array.from(edges.map((e) => edgeWeight[e]!)),
    });
    edges.forEach((e, i) => {
      chosen[e] = solution.chosen[i]!;
      taskLocal[edgeTask[e]!] = -1;
      volunteerLocal[edgeVolunteer[e]!] = -1;
    });
    rounds = Math.max(rounds, solution.rounds);
  }
  return { chosen, rounds };
}
