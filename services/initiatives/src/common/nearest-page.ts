/**
 * A page of the nearest items after a cursor, in the order (distance, id), from `$near`.
 *
 * `$near` orders by distance but not ties, and its distances are the server's own (exact S2
 * geometry on MongoDB, haversine on the embedded server). So the page asks `$near` for the
 * items from a little before the cursor's distance on, measures each one here, orders them by
 * (distance, id), and keeps only those it is sure of: every item the server did not return lies
 * at least as far as the farthest one it did, so only items clearly nearer than that one are
 * certain. When too few are certain (many items at one distance), it asks for more.
 */
import type { Types } from 'mongoose';

/** Tolerance between the server's distances and ours, in metres. */
export const DISTANCE_TOLERANCE_METERS = 1;
const SLACK = 20;
const MAX_FETCH = 5000;

export interface Measured<T> {
  row: T;
  distance: number;
  id: Types.ObjectId;
}

export interface NearestPageQuery<T> {
  /** Rows at `minDistance` metres or more, nearest first, at most `count` of them. */
  fetch: (minDistance: number, count: number) => Promise<T[]>;
  measure: (row: T) => Measured<T>;
  after: { distance: number; id: Types.ObjectId } | null;
  limit: number;
}

export interface NearestPage<T> {
  items: Measured<T>[];
  /** The last item, when more may follow. */
  last: Measured<T> | null;
}

export async function nearestPage<T>(query: NearestPageQuery<T>): Promise<NearestPage<T>> {
  const { after, limit } = query;
  const minDistance = after ? Math.max(0, after.distance - DISTANCE_TOLERANCE_METERS) : 0;
  for (let count = limit + 1 + SLACK; ; count *= 4) {
    const rows = await query.fetch(minDistance, count);
    const measured = rows.map(query.measure);
    const exhausted = rows.length < count;
    const horizon = exhausted
      ? Infinity
      : Math.max(...measured.map((m) => m.distance)) - DISTANCE_TOLERANCE_METERS;
    const candidates = measured
      .filter((m) => !after || compare(m, after) > 0)
      .sort(compare)
      .filter((m) => m.distance < horizon || count >= MAX_FETCH);
    // At MAX_FETCH items within a metre of one another, order by id among those fetched.
    if (candidates.length > limit || exhausted || count >= MAX_FETCH) {
      const items = candidates.slice(0, limit);
      const more = candidates.length > limit || (!exhausted && items.length > 0);
      return { items, last: more ? (items[items.length - 1] ?? null) : null };
    }
  }
}

function compare(
  a: { distance: number; id: Types.ObjectId },
  b: { distance: number; id: Types.ObjectId },
): number {
  if (a.distance !== b.distance) return a.distance - b.distance;
  const x = a.id.toHexString();
  const y = b.id.toHexString();
  return x < y ? -1 : x > y ? 1 : 0;
}
