/**
 * Maximum-weight assignment of volunteers to tasks under capacities (each task takes up to its
 * open slots, each volunteer at most one task), exact, as a min-cost flow:
 *
 *   source --(cap = open slots, cost 0)--> task --(cap 1, cost -weight)--> volunteer
 *   volunteer --(cap 1, cost 0)--> sink
 *
 * solved by successive shortest paths in the primal-dual form: Dijkstra on reduced costs
 * (potentials keep them non-negative; the first potentials come from the graph being acyclic),
 * then a maximum flow over the arcs of zero reduced cost (Dinic), repeated while the cheapest
 * augmenting path still has a negative cost, i.e. adds weight. Weights are integers
 * (thousandths of a score), so the cost of the cheapest path rises by at least 1 per round:
 * at most max-weight + 1 rounds whatever the size. Reduced distances are integers below the
 * weight still to gain, so Dijkstra runs on a bucket queue (Dial): O(E + W) a round.
 */

export interface AssignmentProblem {
  taskCount: number;
  volunteerCount: number;
  /** Open slots per task. */
  capacities: Int32Array;
  /** One entry per candidate pair: its task, its volunteer and its integer weight (> 0). */
  edgeTask: Int32Array;
  edgeVolunteer: Int32Array;
  edgeWeight: Int32Array;
}

export interface AssignmentSolution {
  /** 1 for the pairs the assignment uses. */
  chosen: Uint8Array;
  /** Sum of their weights. */
  weight: number;
  /** Dijkstra rounds it took. */
  rounds: number;
}

export function maxWeightAssignment(problem: AssignmentProblem): AssignmentSolution {
  const { taskCount: T, volunteerCount: V, edgeTask, edgeVolunteer, edgeWeight } = problem;
  const E = edgeTask.length;
  const source = 0;
  const sink = T + V + 1;
  const nodes = T + V + 2;
  const taskNode = (t: number) => 1 + t;
  const volunteerNode = (v: number) => 1 + T + v;

  // Arcs in pairs (forward at 2k, residual at 2k+1), adjacency as singly linked lists.
  const arcCount = 2 * (T + E + V);
  const to = new Int32Array(arcCount);
  const cap = new Int32Array(arcCount);
  const cost = new Float64Array(arcCount);
  const next = new Int32Array(arcCount);
  const head = new Int32Array(nodes).fill(-1);
  let arcs = 0;
  const addArc = (from: number, target: number, capacity: number, c: number): number => {
    const forward = arcs;
    to[arcs] = target;
    cap[arcs] = capacity;
    cost[arcs] = c;
    next[arcs] = head[from]!;
    head[from] = arcs++;
    to[arcs] = from;
    cap[arcs] = 0;
    cost[arcs] = -c;
    next[arcs] = head[target]!;
    head[target] = arcs++;
    return forward;
  };

  for (let t = 0; t < T; t++) addArc(source, taskNode(t), problem.capacities[t]!, 0);
  const edgeArc = new Int32Array(E);
  const bestOf = new Float64Array(V).fill(-Infinity);
  for (let e = 0; e < E; e++) {
    const v = edgeVolunteer[e]!;
    edgeArc[e] = addArc(taskNode(edgeTask[e]!), volunteerNode(v), 1, -edgeWeight[e]!);
    if (edgeWeight[e]! > bestOf[v]!) bestOf[v] = edgeWeight[e]!;
  }
  for (let v = 0; v < V; v++) if (bestOf[v]! > -Infinity) addArc(volunteerNode(v), sink, 1, 0);

  // Potentials of the acyclic start: shortest distances from the source.
  const potential = new Float64Array(nodes);
  let sinkPotential = 0;
  for (let v = 0; v < V; v++) {
    if (bestOf[v]! === -Infinity) continue;
    potential[volunteerNode(v)] = -bestOf[v]!;
    sinkPotential = Math.min(sinkPotential, -bestOf[v]!);
  }
  potential[sink] = sinkPotential;

  const dist = new Float64Array(nodes);
  const done = new Uint8Array(nodes);
  const level = new Int32Array(nodes).fill(-2);
  const current = new Int32Array(nodes);
  const queue = new Int32Array(nodes);
  // Dial's queue: reduced distances are integers, and only those below the gain still
  // possible (source potential - sink potential) matter; one entry per improvement.
  const bucketHead = new Int32Array(Math.max(1, potential[0]! - potential[sink]!) + 1);
  const entryNode = new Int32Array(arcCount + nodes + 1);
  const entryNext = new Int32Array(arcCount + nodes + 1);
  /** The nodes Dijkstra settled this round: the cheapest paths run through them only. */
  const settled = new Int32Array(nodes);

  let rounds = 0;
  for (;;) {
    const limit = potential[source]! - potential[sink]!;
    if (limit <= 0) break;
    dist.fill(Infinity);
    done.fill(0);
    bucketHead.fill(-1, 0, limit + 1);
    let entries = 0;
    dist[source] = 0;
    entryNode[0] = source;
    entryNext[0] = -1;
    bucketHead[0] = entries++;
    let reach = -1;
    let settledCount = 0;
    // Up to the sink's distance, that distance included: every node of a cheapest path.
    for (let bucket = 0; bucket < limit && reach < 0; bucket++) {
      while (bucketHead[bucket] !== -1) {
        const entry = bucketHead[bucket]!;
        bucketHead[bucket] = entryNext[entry]!;
        const u = entryNode[entry]!;
        if (done[u] || dist[u] !== bucket) continue;
        done[u] = 1;
        settled[settledCount++] = u;
        if (u === sink) {
          reach = bucket;
          continue;
        }
        const pu = potential[u]! + bucket;
        for (let a = head[u]!; a !== -1; a = next[a]!) {
          if (cap[a]! <= 0) continue;
          const v = to[a]!;
          if (done[v]) continue;
          const candidate = pu + cost[a]! - potential[v]!;
          if (candidate < dist[v]! && candidate < limit) {
            dist[v] = candidate;
            entryNode[entries] = v;
            entryNext[entries] = bucketHead[candidate]!;
            bucketHead[candidate] = entries++;
          }
        }
      }
    }
    // No augmenting path adds weight any more (every path's gain would be <= 0).
    if (reach < 0) break;
    rounds++;
    for (let x = 0; x < nodes; x++) potential[x]! += done[x] ? dist[x]! : reach;

    // Maximum flow over the arcs of zero reduced cost between settled nodes (all cheapest
    // paths at once); `level` -2 keeps the others out.
    for (let i = 0; i < settledCount; i++) level[settled[i]!] = -1;
    for (;;) {
      level[source] = 0;
      let qh = 0;
      let qt = 0;
      queue[qt++] = source;
      while (qh < qt) {
        const u = queue[qh++]!;
        const pu = potential[u]!;
        for (let a = head[u]!; a !== -1; a = next[a]!) {
          const v = to[a]!;
          if (cap[a]! > 0 && level[v] === -1 && cost[a]! + pu - potential[v]! === 0) {
            level[v] = level[u]! + 1;
            queue[qt++] = v;
          }
        }
      }
      const found = level[sink] !== -1;
      if (found) {
        for (let i = 0; i < settledCount; i++) current[settled[i]!] = head[settled[i]!]!;
        while (augment(source, sink, level, current, next, to, cap, cost, potential)) {
          // One unit of flow per path (volunteer arcs carry 1).
        }
      }
      for (let i = 0; i < settledCount; i++) level[settled[i]!] = -1;
      if (!found) break;
    }
    for (let i = 0; i < settledCount; i++) level[settled[i]!] = -2;
  }

  const chosen = new Uint8Array(E);
  let weight = 0;
  for (let e = 0; e < E; e++) {
    if (cap[edgeArc[e]!] === 0) {
      chosen[e] = 1;
      weight += edgeWeight[e]!;
    }
  }
  return { chosen, weight, rounds };
}

/** One unit along a level-increasing path of zero reduced cost (iterative DFS); whether found. */
function augment(
  source: number,
  sink: number,
  level: Int32Array,
  current: Int32Array,
  next: Int32Array,
  to: Int32Array,
  cap: Int32Array,
  cost: Float64Array,
  potential: Float64Array,
): boolean {
  const pathArcs: number[] = [];
  const pathNodes: number[] = [source];
  while (pathNodes.length > 0) {
    const u = pathNodes[pathNodes.length - 1]!;
    if (u === sink) {
      for (const a of pathArcs) {
        cap[a]! -= 1;
        cap[a ^ 1]! += 1;
      }
      return true;
    }
    let advanced = false;
    for (let a = current[u]!; a !== -1; a = next[a]!) {
      const v = to[a]!;
      if (
        cap[a]! > 0 &&
        level[v] === level[u]! + 1 &&
        cost[a]! + potential[u]! - potential[v]! === 0
      ) {
        current[u] = a;
        pathArcs.push(a);
        pathNodes.push(v);
        advanced = true;
        break;
      }
    }
    if (!advanced) {
      // A dead end for this round: never tried again.
      current[u] = -1;
      level[u] = -1;
      pathNodes.pop();
      const back = pathArcs.pop();
      if (back !== undefined) current[pathNodes[pathNodes.length - 1]!] = next[back]!;
    }
  }
  return false;
}
