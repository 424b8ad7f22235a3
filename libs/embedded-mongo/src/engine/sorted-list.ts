/**
 * An ordered multiset in chunks of bounded size: O(log n) search, O(chunk) insert and delete,
 * ordered iteration from any position. Index entries live here; a plain sorted array would
 * make every insert at the front of a 100,000-entry index move the whole array.
 */
const MAX_CHUNK = 512;

export interface Position {
  chunk: number;
  index: number;
}

export class SortedList<T> {
  private chunks: T[][] = [];
  private count = 0;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.chunks = [];
    this.count = 0;
  }

  insert(item: T): void {
    if (this.chunks.length === 0) {
      this.chunks.push([item]);
      this.count = 1;
      return;
    }
    const c = this.chunkFor(item, true);
    const chunk = this.chunks[c];
    chunk.splice(this.upperBoundIn(chunk, item), 0, item);
    this.count++;
    if (chunk.length > MAX_CHUNK * 2) {
      this.chunks.splice(c + 1, 0, chunk.splice(MAX_CHUNK));
    }
  }

  /** Removes one item equal (compare === 0) to `item`. Returns whether one was found. */
  delete(item: T): boolean {
    const pos = this.lowerBound(item);
    if (!pos) return false;
    const chunk = this.chunks[pos.chunk];
    if (this.compare(chunk[pos.index], item) !== 0) return false;
    chunk.splice(pos.index, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(pos.chunk, 1);
    return true;
  }

  /** The first position whose item is >= probe (by `cmp`), or null past the end. */
  lowerBound(probe: T, cmp: (a: T, b: T) => number = this.compare): Position | null {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid];
      if (cmp(chunk[chunk.length - 1], probe) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.chunks.length) return null;
    const chunk = this.chunks[lo];
    let a = 0;
    let b = chunk.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (cmp(chunk[mid], probe) < 0) a = mid + 1;
      else b = mid;
    }
    return { chunk: lo, index: a };
  }

  /** The last position whose item is <= probe (by `cmp`), or null before the start. */
  upperBoundInclusive(probe: T, cmp: (a: T, b: T) => number = this.compare): Position | null {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(this.chunks[mid][0], probe) <= 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return null;
    const chunk = this.chunks[lo - 1];
    let a = 0;
    let b = chunk.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (cmp(chunk[mid], probe) <= 0) a = mid + 1;
      else b = mid;
    }
    return { chunk: lo - 1, index: a - 1 };
  }

  first(): Position | null {
    return this.chunks.length ? { chunk: 0, index: 0 } : null;
  }

  last(): Position | null {
    const n = this.chunks.length;
    return n ? { chunk: n - 1, index: this.chunks[n - 1].length - 1 } : null;
  }

  /** Items from `from` forward (or backward) while `keepGoing` holds. */
  *walk(from: Position | null, forward: boolean): Generator<T> {
    if (!from) return;
    let { chunk: c, index: i } = from;
    if (forward) {
      for (; c < this.chunks.length; c++, i = 0) {
        const chunk = this.chunks[c];
        for (; i < chunk.length; i++) yield chunk[i];
      }
    } else {
      for (; c >= 0; c--) {
        const chunk = this.chunks[c];
        if (i === Infinity) i = chunk.length - 1;
        for (; i >= 0; i--) yield chunk[i];
        i = Infinity;
      }
    }
  }

  /** Calls `fn` on items from `from` forward (or backward) until it returns false. */
  visit(from: Position | null, forward: boolean, fn: (item: T) => boolean): void {
    if (!from) return;
    const chunks = this.chunks;
    if (forward) {
      for (let c = from.chunk, i = from.index; c < chunks.length; c++, i = 0) {
        const chunk = chunks[c];
        for (; i < chunk.length; i++) if (!fn(chunk[i])) return;
      }
    } else {
      for (let c = from.chunk, i = from.index; c >= 0; c--) {
        const chunk = chunks[c];
        if (i < 0) i = chunk.length - 1;
        for (; i >= 0; i--) if (!fn(chunk[i])) return;
        i = -1;
      }
    }
  }

  *values(): Generator<T> {
    for (const chunk of this.chunks) yield* chunk;
  }

  private chunkFor(item: T, upper: boolean): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid];
      const c = this.compare(chunk[chunk.length - 1], item);
      if (c < 0 || (upper && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private upperBoundIn(chunk: T[], item: T): number {
    let a = 0;
    let b = chunk.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (this.compare(chunk[mid], item) <= 0) a = mid + 1;
      else b = mid;
    }
    return a;
  }
}
