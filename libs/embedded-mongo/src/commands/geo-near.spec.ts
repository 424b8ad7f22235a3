import { MongoError } from '../errors';
import { geoNearOutput, parseGeoNear } from './geo-near';

function codeOf(spec: unknown): number {
  try {
    parseGeoNear(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(MongoError);
    return (e as MongoError).code;
  }
  throw new Error('expected a MongoError');
}

const near = { type: 'Point', coordinates: [30.52, 50.45] };

describe('parseGeoNear', () => {
  it('accepts every option', () => {
    const spec = parseGeoNear({
      near,
      distanceField: 'd',
      spherical: 1,
      maxDistance: 10,
      minDistance: 1,
      distanceMultiplier: 0.001,
      query: { a: 1 },
      includeLocs: 'loc',
      key: 'where',
    });
    expect(spec).toEqual({
      near,
      distanceField: 'd',
      spherical: true,
      maxDistance: 10,
      minDistance: 1,
      distanceMultiplier: 0.001,
      query: { a: 1 },
      includeLocs: 'loc',
      key: 'where',
    });
  });

  it('fails with MongoDB codes on bad specifications', () => {
    expect(codeOf('x')).toBe(10065);
    expect(codeOf({ distanceField: 'd' })).toBe(5860400);
    expect(codeOf({ near })).toBe(16606);
    expect(codeOf({ near, distanceField: 'd', limit: 5 })).toBe(50858);
    expect(codeOf({ near, distanceField: 'd', num: 5 })).toBe(50857);
    expect(codeOf({ near, distanceField: 'd', collation: {} })).toBe(40227);
    expect(codeOf({ near, distanceField: 'd', maxDistance: 'far' })).toBe(14);
    expect(codeOf({ near, distanceField: 'd', minDistance: -1 })).toBe(2);
    expect(codeOf({ near, distanceField: 'd', query: [] })).toBe(14);
    expect(codeOf({ near, distanceField: 'd', includeLocs: 1 })).toBe(16607);
    expect(codeOf({ near, distanceField: 'd', key: 1 })).toBe(14);
    expect(codeOf({ near, distanceField: 'd', key: '' })).toBe(2);
    expect(codeOf({ near: 5, distanceField: 'd' })).toBe(5860401);
    expect(codeOf({ near, distanceField: '$d' })).toBe(16410);
  });
});

describe('geoNearOutput', () => {
  it('adds the multiplied distance and the location without touching the stored document', () => {
    const stored = Object.freeze({ _id: 1, loc: near, geo: Object.freeze({ keep: true }) });
    const [out] = geoNearOutput(
      [{ idKey: '1', doc: stored, distance: 1500, location: near }],
      parseGeoNear({
        near,
        distanceField: 'geo.km',
        includeLocs: 'geo.at',
        distanceMultiplier: 0.001,
      }),
    );
    expect(out).toEqual({ _id: 1, loc: near, geo: { keep: true, km: 1.5, at: near } });
    expect(stored.geo).toEqual({ keep: true });
  });

  it('reports integral distances as doubles', () => {
    const [out] = geoNearOutput(
      [{ idKey: '1', doc: { _id: 1 }, distance: 0, location: near }],
      parseGeoNear({ near, distanceField: 'd' }),
    );
    expect((out.d as { _bsontype?: string })._bsontype).toBe('Double');
  });
});
