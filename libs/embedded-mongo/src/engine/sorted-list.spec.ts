import fc from 'fast-check';
import { SortedList } from './sorted-list';

const byNumber = (a: number, b: number) => a - b;

describe('SortedList', () => {
  it('keeps any sequence of inserts and deletes in order, like a sorted array', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 })), { maxLength: 3000 }),
        (ops) => {
          const list = new SortedList<number>(byNumber);
          const model: number[] = [];
          for (const [isInsert, v] of ops) {
            if (isInsert) {
              list.insert(v);
              model.push(v);
            } else {
              const i = model.indexOf(v);
              expect(list.delete(v)).toBe(i >= 0);
              if (i >= 0) model.splice(i, 1);
            }
          }
          model.sort(byNumber);
          expect([...list.values()]).toEqual(model);
          expect(list.size).toBe(model.length);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('finds bounds and walks both ways across chunk boundaries', () => {
    const list = new SortedList<number>(byNumber);
    for (let i = 0; i < 5000; i++) list.insert((i * 7919) % 5000);
    const from = list.lowerBound(2500);
    expect([...take(list.walk(from, true), 3)]).toEqual([2500, 2501, 2502]);
    const to = list.upperBoundInclusive(2500);
    expect([...take(list.walk(to, false), 3)]).toEqual([2500, 2499, 2498]);
    expect(list.lowerBound(5000)).toBeNull();
    expect(list.upperBoundInclusive(-1)).toBeNull();
    expect([...list.walk(list.last(), false)].length).toBe(5000);
  });

  it('inserting at the front of a large list stays fast (chunked, not one array)', () => {
    const list = new SortedList<number>(byNumber);
    for (let i = 100_000; i > 0; i--) list.insert(i);
    expect(list.size).toBe(100_000);
    expect([...take(list.walk(list.first(), true), 2)]).toEqual([1, 2]);
  });
});

function* take<T>(it: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  for (const v of it) {
    yield v;
    if (--n === 0) return;
  }
}
