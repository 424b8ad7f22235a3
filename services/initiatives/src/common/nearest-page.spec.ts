import { Types } from 'mongoose';
import { NearestPage, nearestPage, NearestPageQuery } from './nearest-page';

interface Row {
  id: Types.ObjectId;
  /** As this service measures it. */
  distance: number;
  /** As the server measures it: a little off, as S2 and haversine differ. */
  serverDistance: number;
}

/** A `$near` over rows: from `minDistance` on, in the server's order, ties in any order. */
function server(rows: Row[]) {
  const calls: number[] = [];
  const fetch = async (minDistance: number, count: number) => {
    calls.push(count);
    return rows
      .filter((r) => r.serverDistance >= minDistance)
      .sort((a, b) => a.serverDistance - b.serverDistance || (Math.random() < 0.5 ? -1 : 1))
      .slice(0, count);
  };
  return { fetch, calls };
}

function rowsAt(distances: number[]): Row[] {
  return distances.map((distance, i) => ({
    id: new Types.ObjectId(),
    distance,
    serverDistance: distance + (i % 2 === 0 ? 0.2 : -0.2),
  }));
}

async function pageThrough(rows: Row[], limit: number): Promise<Row[]> {
  const { fetch } = server(rows);
  const seen: Row[] = [];
  let after: NearestPageQuery<Row>['after'] = null;
  for (let guard = 0; guard < 1000; guard++) {
    const page: NearestPage<Row> = await nearestPage<Row>({
      fetch,
      measure: (row) => ({ row, distance: row.distance, id: row.id }),
      after,
      limit,
    });
    seen.push(...page.items.map((m) => m.row));
    if (!page.last) return seen;
    after = { distance: page.last.distance, id: page.last.id };
  }
  throw new Error('paging did not end');
}

function expectedOrder(rows: Row[]): string[] {
  return [...rows]
    .sort((a, b) => a.distance - b.distance || a.id.toHexString().localeCompare(b.id.toHexString()))
    .map((r) => r.id.toHexString());
}

describe('nearestPage', () => {
  it('pages through distinct distances in order, each item once', async () => {
    const rows = rowsAt(Array.from({ length: 57 }, (_, i) => ((i * 7919) % 1000) * 10));

    const seen = await pageThrough(rows, 5);

    expect(seen.map((r) => r.id.toHexString())).toEqual(expectedOrder(rows));
  });

  it('orders ties at one distance by id, across page boundaries, even many of them', async () => {
    const rows = rowsAt([...Array(150).fill(500), 100, 900, ...Array(30).fill(900)]);

    const seen = await pageThrough(rows, 20);

    expect(seen.map((r) => r.id.toHexString())).toEqual(expectedOrder(rows));
  });

  it('answers no cursor on the last page, and an empty page for nothing', async () => {
    const { fetch } = server(rowsAt([10, 20]));
    const measure = (row: Row) => ({ row, distance: row.distance, id: row.id });

    const all = await nearestPage<Row>({ fetch, measure, after: null, limit: 2 });
    const none = await nearestPage<Row>({
      fetch: server([]).fetch,
      measure,
      after: null,
      limit: 2,
    });

    expect(all.items).toHaveLength(2);
    expect(all.last).toBeNull();
    expect(none).toEqual({ items: [], last: null });
  });

  it('asks for a few more than a page when distances are distinct', async () => {
    const { fetch, calls } = server(rowsAt(Array.from({ length: 100 }, (_, i) => i * 100)));

    await nearestPage<Row>({
      fetch,
      measure: (row) => ({ row, distance: row.distance, id: row.id }),
      after: null,
      limit: 20,
    });

    expect(calls).toEqual([41]);
  });
});
