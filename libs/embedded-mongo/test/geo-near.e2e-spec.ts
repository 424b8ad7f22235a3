/**
 * $geoNear: results nearest first with the distance in distanceField (meters for a GeoJSON
 * point, radians for a legacy pair with spherical), query / minDistance / maxDistance filters,
 * distanceMultiplier, includeLocs, dotted output fields, key among several geo indexes, and
 * MongoDB's errors (no geo index, ambiguous index, unusable key, missing collection, position).
 */
import type { Document } from 'mongodb';
import { serverError, setupSuite } from './harness';
import type { Doc } from './harness';

const t = setupSuite(__filename);

/** MongoDB's earth radius for spherical distances. */
const EARTH_RADIUS = 6378100;
const RAD = Math.PI / 180;

function meters(a: number[], b: number[]): number {
  const dLat = (b[1] - a[1]) * RAD;
  const dLng = (b[0] - a[0]) * RAD;
  const s =
    Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * RAD) * Math.cos(b[1] * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS * Math.asin(Math.sqrt(s));
}

// Kyiv landmarks and Lviv (lng, lat); one document has no location at all.
const places = [
  { _id: 'maidan', kind: 'square', loc: { type: 'Point', coordinates: [30.5234, 50.4501] } },
  { _id: 'lavra', kind: 'church', loc: { type: 'Point', coordinates: [30.5572, 50.4347] } },
  { _id: 'podil', kind: 'square', loc: { type: 'Point', coordinates: [30.5165, 50.4648] } },
  { _id: 'lviv', kind: 'square', loc: { type: 'Point', coordinates: [24.0297, 49.8397] } },
  { _id: 'online', kind: 'square' },
];
const HERE = [30.52, 50.45];
const here = { type: 'Point', coordinates: HERE };
const coordsOf = (id: string) =>
  (places.find((p) => p._id === id)?.loc as { coordinates: number[] }).coordinates;

const coll = () => t.db.collection<Doc>('places');

beforeAll(async () => {
  await coll().insertMany(places.map((p) => ({ ...p })) as Document[]);
  await coll().createIndex({ loc: '2dsphere' });
});

describe('$geoNear', () => {
  it('returns documents nearest first with the distance in meters', async () => {
    const r = await coll()
      .aggregate([{ $geoNear: { near: here, distanceField: 'dist', spherical: true } }])
      .toArray();
    expect(r.map((d) => d._id)).toEqual(['maidan', 'podil', 'lavra', 'lviv']);
    for (const d of r) expect(Math.abs(d.dist - meters(HERE, coordsOf(d._id)))).toBeLessThan(1);
  });

  it('query and maxDistance filter; distanceMultiplier scales only the output', async () => {
    const r = await coll()
      .aggregate([
        {
          $geoNear: {
            near: here,
            distanceField: 'km',
            spherical: true,
            query: { kind: 'square' },
            maxDistance: 5000,
            distanceMultiplier: 0.001,
          },
        },
      ])
      .toArray();
    expect(r.map((d) => d._id)).toEqual(['maidan', 'podil']);
    for (const d of r) {
      expect(Math.abs(d.km - meters(HERE, coordsOf(d._id)) / 1000)).toBeLessThan(0.001);
    }
  });

  it('minDistance with maxDistance keeps a ring', async () => {
    const r = await coll()
      .aggregate([
        {
          $geoNear: {
            near: here,
            distanceField: 'dist',
            minDistance: 2000,
            maxDistance: 600_000,
          },
        },
      ])
      .toArray();
    expect(r.map((d) => d._id)).toEqual(['lavra', 'lviv']);
  });

  it('writes dotted distanceField and includeLocs, and feeds later stages', async () => {
    const r = await coll()
      .aggregate([
        {
          $geoNear: {
            near: here,
            distanceField: 'geo.distance',
            includeLocs: 'geo.loc',
            spherical: true,
          },
        },
        { $limit: 2 },
        { $project: { _id: 1, geo: 1 } },
      ])
      .toArray();
    expect(r.map((d) => d._id)).toEqual(['maidan', 'podil']);
    expect(r[0].geo.loc).toEqual({ type: 'Point', coordinates: [30.5234, 50.4501] });
    expect(typeof r[0].geo.distance).toBe('number');
    expect(r[0].geo.distance).toBeLessThan(r[1].geo.distance);
  });

  it('a legacy pair with spherical: true gives distances in radians', async () => {
    const r = await coll()
      .aggregate([{ $geoNear: { near: HERE, distanceField: 'rad', spherical: true } }])
      .toArray();
    expect(r.map((d) => d._id)).toEqual(['maidan', 'podil', 'lavra', 'lviv']);
    for (const d of r) {
      expect(d.rad).toBeCloseTo(meters(HERE, coordsOf(d._id)) / EARTH_RADIUS, 9);
    }
  });

  it('key picks the field when there are several 2dsphere indexes', async () => {
    const c = t.db.collection<Doc>('homes');
    await c.insertMany([
      { _id: 'a', loc: { type: 'Point', coordinates: [30.52, 50.45] }, home: [24.03, 49.84] },
      { _id: 'b', loc: { type: 'Point', coordinates: [24.03, 49.84] }, home: [30.52, 50.45] },
    ]);
    await c.createIndex({ loc: '2dsphere' });
    await c.createIndex({ home: '2dsphere' });
    const ambiguous = await serverError(
      c.aggregate([{ $geoNear: { near: here, distanceField: 'd' } }]).toArray(),
    );
    expect(ambiguous.code).toBe(27);
    expect(ambiguous.message).toMatch(/There is more than one 2dsphere index/);
    const byHome = await c
      .aggregate([{ $geoNear: { near: here, distanceField: 'd', key: 'home' } }])
      .toArray();
    expect(byHome.map((d) => d._id)).toEqual(['b', 'a']);
    const byLoc = await c
      .aggregate([{ $geoNear: { near: here, distanceField: 'd', key: 'loc' } }])
      .toArray();
    expect(byLoc.map((d) => d._id)).toEqual(['a', 'b']);
  });

  it('explain shows the geo near stage', async () => {
    const e = await coll()
      .aggregate([{ $geoNear: { near: here, distanceField: 'd' } }, { $limit: 2 }])
      .explain('queryPlanner');
    expect(JSON.stringify(e)).toContain('"GEO_NEAR_2DSPHERE"');
  });
});

describe('$geoNear errors', () => {
  it('without a geo index: 27 IndexNotFound', async () => {
    const c = t.db.collection<Doc>('noGeoIndex');
    await c.insertOne({ loc: { type: 'Point', coordinates: [0, 0] } });
    const e = await serverError(
      c.aggregate([{ $geoNear: { near: here, distanceField: 'd' } }]).toArray(),
    );
    expect(e.code).toBe(27);
    expect(e.message).toMatch(/\$geoNear requires a 2d or 2dsphere index, but none were found/);
  });

  it('a key without a geo index: 291 unable to find index', async () => {
    const e = await serverError(
      coll()
        .aggregate([{ $geoNear: { near: here, distanceField: 'd', key: 'kind' } }])
        .toArray(),
    );
    expect(e.code).toBe(291);
    expect(e.message).toMatch(/unable to find index for \$geoNear query/);
  });

  it('a legacy pair without spherical needs a 2d index: 291', async () => {
    const e = await serverError(
      coll()
        .aggregate([{ $geoNear: { near: HERE, distanceField: 'd' } }])
        .toArray(),
    );
    expect(e.code).toBe(291);
  });

  it('on a collection that does not exist: 26 NamespaceNotFound', async () => {
    const e = await serverError(
      t.db
        .collection('missing')
        .aggregate([{ $geoNear: { near: here, distanceField: 'd' } }])
        .toArray(),
    );
    expect(e.code).toBe(26);
  });

  it('must be the first stage', async () => {
    const e = await serverError(
      coll()
        .aggregate([{ $match: {} }, { $geoNear: { near: here, distanceField: 'd' } }])
        .toArray(),
    );
    expect(e.code).toBe(40602);
  });

  it('the removed limit option is refused', async () => {
    const e = await serverError(
      coll()
        .aggregate([{ $geoNear: { near: here, distanceField: 'd', limit: 2 } }])
        .toArray(),
    );
    expect(e.code).toBe(50858);
  });
});
