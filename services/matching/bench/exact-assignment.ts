/**
 * The exact optimum by another method, for the benchmark's check of the plan: the Hungarian
 * algorithm (shortest augmenting paths with potentials, O(n^2 m)) on the dense matrix of every
 * slot against every volunteer, unpruned. A task with k open slots is k rows; an ineligible
 * pair weighs 0 (the same as leaving the slot open, as all weights are positive).
 */

/** `weights[row * columns + column]`; rows <= columns. Answers the maximum total weight. */
export function hungarianMaximum(weights: Int32Array, rows: number, columns: number): number {
  if (rows > columns) throw new Error('the Hungarian method here needs rows <= columns');
  const INF = Number.POSITIVE_INFINITY;
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(columns + 1);
  const p = new Int32Array(columns + 1);
  const way = new Int32Array(columns + 1);
  const minv = new Float64Array(columns + 1);
  const used = new Uint8Array(columns + 1);
  for (let i = 1; i <= rows; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(INF);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      const base = (i0 - 1) * columns - 1;
      let delta = INF;
      let j1 = 0;
      for (let j = 1; j <= columns; j++) {
        if (used[j]) continue;
        const cur = -weights[base + j]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= columns; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else {
          minv[j]! -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  let total = 0;
  for (let j = 1; j <= columns; j++) {
    if (p[j]! > 0) total += weights[(p[j]! - 1) * columns + (j - 1)]!;
  }
  return total;
}
