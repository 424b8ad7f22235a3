import { Double, Long } from 'bson';
import { MongoError } from '../errors';
import {
  EARTH_RADIUS_METERS,
  haversineMeters,
  matchGeoIntersects,
  matchGeoWithin,
  matchNear,
  nearDistance,
  nearestLocation,
  parseNear,
  pointOf,
  validateGeoJsonForIndex,
  type LngLat,
} from './geo';

const KYIV: LngLat = [30.5234, 50.4501];
const LVIV: LngLat = [24.0316, 49.8397];
const KHARKIV: LngLat = [36.2304, 49.9935];
const ODESA: LngLat = [30.7233, 46.4825];
const gj = (p: LngLat) => ({ type: 'Point', coordinates: p });

function errorOf(fn: () => unknown): MongoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MongoError);
    return e as MongoError;
  }
  throw new Error('expected a MongoError');
}

// A 10x10 square around (0,0)..(10,10) with a 2x2 hole in the middle.
const SQUARE_WITH_HOLE = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 0],
    ],
    [
      [4, 4],
      [6, 4],
      [6, 6],
      [4, 6],
      [4, 4],
    ],
  ],
};

describe('pointOf', () => {
  it('reads GeoJSON points and legacy pairs', () => {
    expect(pointOf(gj(KYIV))).toEqual(KYIV);
    expect(pointOf([1, 2])).toEqual([1, 2]);
    expect(pointOf({ lng: 1, lat: 2 })).toEqual([1, 2]);
    expect(pointOf({ x: 3, y: 4, z: 'ignored' })).toEqual([3, 4]);
    expect(pointOf([new Double(1), new Long(2)])).toEqual([1, 2]);
  });

  it('returns null for anything else', () => {
    expect(pointOf(null)).toBeNull();
    expect(pointOf('1,2')).toBeNull();
    expect(pointOf([1])).toBeNull();
    expect(pointOf(['1', 2])).toBeNull();
    expect(
      pointOf({
        type: 'LineString',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).toBeNull();
    expect(pointOf({ type: 'Point', coordinates: 'x' })).toBeNull();
    expect(pointOf({ a: 1 })).toBeNull();
  });
});

describe('haversineMeters', () => {
  it('Kyiv to Lviv is about 468 km on MongoDB’s sphere', () => {
    const d = haversineMeters(KYIV, LVIV);
    expect(d).toBeGreaterThan(466_000);
    expect(d).toBeLessThan(470_000);
    expect(haversineMeters(LVIV, KYIV)).toBeCloseTo(d, 6);
  });

  it('is zero for the same point and half the circumference for antipodes', () => {
    expect(haversineMeters(KYIV, KYIV)).toBe(0);
    expect(haversineMeters([0, 0], [180, 0])).toBeCloseTo(Math.PI * EARTH_RADIUS_METERS, 3);
  });
});

describe('validateGeoJsonForIndex', () => {
  it('accepts valid geometries, legacy pairs, arrays, and missing values', () => {
    for (const v of [
      undefined,
      null,
      gj(KYIV),
      [30, 50],
      { lng: 30, lat: 50 },
      [gj(KYIV), gj(LVIV)],
      [],
      { type: 'LineString', coordinates: [KYIV, LVIV] },
      SQUARE_WITH_HOLE,
      { type: 'MultiPoint', coordinates: [KYIV, LVIV] },
      { type: 'MultiPolygon', coordinates: [SQUARE_WITH_HOLE.coordinates] },
      { type: 'GeometryCollection', geometries: [gj(KYIV), SQUARE_WITH_HOLE] },
    ]) {
      expect(() => validateGeoJsonForIndex(v)).not.toThrow();
    }
  });

  it('rejects invalid values with 16755', () => {
    const bad: unknown[] = [
      'Kyiv',
      42,
      gj([200, 10]),
      gj([10, 95]),
      [200, 10],
      { lng: 30, lat: 'x' },
      { type: 'Point', coordinates: ['a', 'b'] },
      { type: 'Circle', coordinates: [1, 2] },
      { type: 'LineString', coordinates: [KYIV] },
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      },
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [0, 0],
          ],
        ],
      },
      [gj(KYIV), 'x'],
    ];
    for (const v of bad) {
      const e = errorOf(() => validateGeoJsonForIndex(v));
      expect(e.code).toBe(16755);
      expect(e.message).toMatch(/^Can't extract geo keys: /);
    }
  });

  it('names the reason and the document', () => {
    const e = errorOf(() => validateGeoJsonForIndex(gj([200, 10]), { _id: 1, loc: gj([200, 10]) }));
    expect(e.message).toContain('"_id":1');
    expect(e.message).toContain('longitude/latitude is out of bounds, lng: 200 lat: 10');
  });
});

describe('parseNear', () => {
  it('parses the GeoJSON form with inner distances', () => {
    expect(
      parseNear({ $geometry: gj(KYIV), $maxDistance: 1000, $minDistance: new Double(10) }, false),
    ).toEqual({ point: KYIV, maxDistance: 1000, minDistance: 10, spherical: true, legacy: false });
  });

  it('parses the whole operator document with sibling distances', () => {
    expect(parseNear({ $near: [1, 2], $maxDistance: 5 }, false)).toEqual({
      point: [1, 2],
      maxDistance: 5,
      minDistance: undefined,
      spherical: false,
      legacy: true,
    });
    expect(parseNear({ $nearSphere: [30, 50], $maxDistance: 0.1 }, false)).toMatchObject({
      spherical: true,
      legacy: true,
      maxDistance: 0.1,
    });
    expect(parseNear({ $near: { $geometry: gj(KYIV) }, $maxDistance: 7 }, false)).toMatchObject({
      maxDistance: 7,
      legacy: false,
    });
  });

  it('parses a bare legacy value', () => {
    expect(parseNear([1, 2], true)).toMatchObject({ point: [1, 2], spherical: true, legacy: true });
    expect(parseNear({ x: 1, y: 2 }, false)).toMatchObject({ point: [1, 2], legacy: true });
  });

  it('rejects bad specs with BadValue', () => {
    for (const bad of [
      'x',
      [1],
      { $geometry: { type: 'Polygon', coordinates: [] } },
      { $geometry: gj([200, 0]) },
      { $geometry: gj(KYIV), $maxDistance: -1 },
      { $geometry: gj(KYIV), $maxDistance: 'far' },
      { $nearSphere: [200, 0] },
    ]) {
      expect(errorOf(() => parseNear(bad, false)).code).toBe(2);
    }
  });
});

describe('nearDistance / matchNear', () => {
  it('measures meters for GeoJSON queries', () => {
    const near = parseNear({ $geometry: gj(KYIV) }, true);
    expect(nearDistance(gj(LVIV), near)).toBeCloseTo(haversineMeters(KYIV, LVIV), 3);
    expect(nearDistance([24.0316, 49.8397], near)).toBeCloseTo(haversineMeters(KYIV, LVIV), 3);
    expect(nearDistance('nowhere', near)).toBeNull();
    expect(nearDistance(undefined, near)).toBeNull();
  });

  it('measures radians for legacy $nearSphere and plane units for legacy $near', () => {
    const sphere = parseNear({ $nearSphere: KYIV }, true);
    expect(nearDistance(LVIV, sphere)).toBeCloseTo(
      haversineMeters(KYIV, LVIV) / EARTH_RADIUS_METERS,
      9,
    );
    const flat = parseNear({ $near: [0, 0] }, false);
    expect(nearDistance([3, 4], flat)).toBe(5);
  });

  it('orders cities by distance from Kyiv', () => {
    const near = parseNear({ $geometry: gj(KYIV) }, true);
    const cities: [string, LngLat][] = [
      ['Lviv', LVIV],
      ['Odesa', ODESA],
      ['Kharkiv', KHARKIV],
      ['Kyiv', KYIV],
    ];
    const sorted = cities
      .map(([name, p]) => [name, nearDistance(gj(p), near)!] as const)
      .sort((a, b) => a[1] - b[1])
      .map(([name]) => name);
    expect(sorted).toEqual(['Kyiv', 'Kharkiv', 'Odesa', 'Lviv']);
  });

  it('takes the nearest element of an array of points', () => {
    const near = parseNear({ $geometry: gj(KYIV) }, true);
    expect(nearDistance([gj(LVIV), gj(KHARKIV)], near)).toBeCloseTo(
      haversineMeters(KYIV, KHARKIV),
      3,
    );
  });

  it('measures to lines and polygons (0 inside)', () => {
    const near = parseNear({ $geometry: gj([5, 5]) }, true);
    expect(
      nearDistance({ type: 'Polygon', coordinates: [SQUARE_WITH_HOLE.coordinates[0]] }, near),
    ).toBe(0);
    const line = {
      type: 'LineString',
      coordinates: [
        [0, 0],
        [0, 10],
      ],
    };
    const d = nearDistance(line, parseNear({ $geometry: gj([1, 5]) }, true))!;
    expect(d).toBeGreaterThan(110_000);
    expect(d).toBeLessThan(112_000); // one degree of longitude at 5°N
  });

  it('filters by max and min distance (inclusive)', () => {
    const spec = (max: number, min?: number) => ({
      $geometry: gj(KYIV),
      $maxDistance: max,
      ...(min !== undefined ? { $minDistance: min } : {}),
    });
    expect(matchNear(gj(LVIV), spec(500_000), false)).toBe(true);
    expect(matchNear(gj(LVIV), spec(400_000), false)).toBe(false);
    expect(matchNear(gj(LVIV), spec(500_000, 470_000), false)).toBe(false);
    expect(matchNear(gj(KYIV), spec(0), false)).toBe(true);
    expect(matchNear(undefined, spec(1e9), false)).toBe(false);
    expect(matchNear([3, 4], { $near: [0, 0], $maxDistance: 5 }, false)).toBe(true);
    expect(matchNear([3, 4.1], { $near: [0, 0], $maxDistance: 5 }, false)).toBe(false);
    expect(matchNear(LVIV, { $nearSphere: KYIV, $maxDistance: 0.1 }, true)).toBe(true);
    expect(matchNear(LVIV, { $nearSphere: KYIV, $maxDistance: 0.05 }, true)).toBe(false);
  });
});

describe('matchGeoWithin', () => {
  it('$geometry Polygon with a hole, boundary inclusive', () => {
    const spec = { $geometry: SQUARE_WITH_HOLE };
    expect(matchGeoWithin(gj([1, 1]), spec)).toBe(true);
    expect(matchGeoWithin(gj([5, 5]), spec)).toBe(false); // in the hole
    expect(matchGeoWithin(gj([4, 5]), spec)).toBe(true); // on the hole's edge
    expect(matchGeoWithin(gj([10, 5]), spec)).toBe(true); // on the shell
    expect(matchGeoWithin(gj([11, 5]), spec)).toBe(false);
    expect(matchGeoWithin([1, 1], spec)).toBe(true); // legacy pair
    expect(matchGeoWithin({ lng: 1, lat: 1 }, spec)).toBe(true);
    expect(matchGeoWithin(undefined, spec)).toBe(false);
  });

  it('arrays match when any element is inside', () => {
    const spec = { $geometry: SQUARE_WITH_HOLE };
    expect(matchGeoWithin([gj([50, 50]), gj([1, 1])], spec)).toBe(true);
    expect(matchGeoWithin([gj([50, 50]), gj([5, 5])], spec)).toBe(false);
    expect(
      matchGeoWithin(
        [
          [50, 50],
          [1, 2],
        ],
        spec,
      ),
    ).toBe(true);
  });

  it('lines and polygons must lie inside', () => {
    const spec = { $geometry: SQUARE_WITH_HOLE };
    expect(
      matchGeoWithin(
        {
          type: 'LineString',
          coordinates: [
            [1, 1],
            [2, 2],
          ],
        },
        spec,
      ),
    ).toBe(true);
    expect(
      matchGeoWithin(
        {
          type: 'LineString',
          coordinates: [
            [1, 1],
            [20, 2],
          ],
        },
        spec,
      ),
    ).toBe(false);
  });

  it('$geometry MultiPolygon and a real-world shape (Ukraine-ish box around Kyiv)', () => {
    const around = (c: LngLat, d: number) => [
      [
        [c[0] - d, c[1] - d],
        [c[0] + d, c[1] - d],
        [c[0] + d, c[1] + d],
        [c[0] - d, c[1] + d],
        [c[0] - d, c[1] - d],
      ],
    ];
    const spec = {
      $geometry: { type: 'MultiPolygon', coordinates: [around(KYIV, 0.5), around(LVIV, 0.5)] },
    };
    expect(matchGeoWithin(gj(KYIV), spec)).toBe(true);
    expect(matchGeoWithin(gj(LVIV), spec)).toBe(true);
    expect(matchGeoWithin(gj(KHARKIV), spec)).toBe(false);
  });

  it('$centerSphere in radians', () => {
    const r = 100_000 / EARTH_RADIUS_METERS;
    expect(matchGeoWithin(gj(KYIV), { $centerSphere: [KYIV, r] })).toBe(true);
    expect(matchGeoWithin(gj(LVIV), { $centerSphere: [KYIV, r] })).toBe(false);
    expect(matchGeoWithin(LVIV, { $centerSphere: [KYIV, 500_000 / EARTH_RADIUS_METERS] })).toBe(
      true,
    );
  });

  it('$center, $box and $polygon in the plane', () => {
    expect(matchGeoWithin([3, 4], { $center: [[0, 0], 5] })).toBe(true);
    expect(matchGeoWithin([3, 4.1], { $center: [[0, 0], 5] })).toBe(false);
    expect(
      matchGeoWithin([2, 2], {
        $box: [
          [0, 0],
          [2, 2],
        ],
      }),
    ).toBe(true);
    expect(
      matchGeoWithin([2, 2], {
        $box: [
          [2, 2],
          [0, 0],
        ],
      }),
    ).toBe(true);
    expect(
      matchGeoWithin([2.1, 2], {
        $box: [
          [0, 0],
          [2, 2],
        ],
      }),
    ).toBe(false);
    const tri = {
      $polygon: [
        [0, 0],
        [4, 0],
        [0, 4],
      ],
    };
    expect(matchGeoWithin([1, 1], tri)).toBe(true);
    expect(matchGeoWithin([2, 2], tri)).toBe(true); // on the hypotenuse
    expect(matchGeoWithin([3, 3], tri)).toBe(false);
    expect(matchGeoWithin(gj([1, 1]), tri)).toBe(true);
  });

  it('rejects invalid specs with BadValue', () => {
    for (const bad of [
      {},
      { $foo: 1 },
      { $geometry: gj(KYIV) },
      {
        $geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 1],
            ],
          ],
        },
      },
      {
        $geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 200],
              [0, 0],
            ],
          ],
        },
      },
      { $centerSphere: [KYIV] },
      { $centerSphere: [KYIV, -1] },
      { $centerSphere: [[200, 0], 1] },
      { $center: [[0, 0], 'x'] },
      { $box: [[0, 0]] },
      {
        $polygon: [
          [0, 0],
          [1, 1],
        ],
      },
      { $polygon: 'x' },
      {
        $box: [
          [0, 0],
          [1, 1],
        ],
        $center: [[0, 0], 1],
      },
    ]) {
      expect(errorOf(() => matchGeoWithin([1, 1], bad)).code).toBe(2);
    }
  });
});

describe('matchGeoIntersects', () => {
  const square = { $geometry: SQUARE_WITH_HOLE };

  it('point in polygon (holes excluded) and point == point', () => {
    expect(matchGeoIntersects(gj([1, 1]), square)).toBe(true);
    expect(matchGeoIntersects(gj([5, 5]), square)).toBe(false);
    expect(matchGeoIntersects(gj([20, 20]), square)).toBe(false);
    expect(matchGeoIntersects(gj(KYIV), { $geometry: gj(KYIV) })).toBe(true);
    expect(matchGeoIntersects(gj(KYIV), { $geometry: gj(LVIV) })).toBe(false);
    expect(matchGeoIntersects([1, 1], square)).toBe(true);
  });

  it('polygon in the document containing the query point', () => {
    expect(matchGeoIntersects(SQUARE_WITH_HOLE, { $geometry: gj([1, 1]) })).toBe(true);
    expect(matchGeoIntersects(SQUARE_WITH_HOLE, { $geometry: gj([5, 5]) })).toBe(false);
  });

  it('lines crossing polygons and lines', () => {
    const crossing = {
      type: 'LineString',
      coordinates: [
        [-5, 1],
        [15, 1],
      ],
    };
    const inHole = {
      type: 'LineString',
      coordinates: [
        [4.5, 4.5],
        [5.5, 5.5],
      ],
    };
    expect(matchGeoIntersects(crossing, square)).toBe(true);
    expect(matchGeoIntersects(inHole, square)).toBe(false);
    const x = {
      type: 'LineString',
      coordinates: [
        [0, 20],
        [20, 0],
      ],
    };
    expect(
      matchGeoIntersects(x, {
        $geometry: {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [20, 20],
          ],
        },
      }),
    ).toBe(true);
    expect(matchGeoIntersects(gj([10, 10]), { $geometry: x })).toBe(true);
  });

  it('polygon vs polygon, overlapping, nested and disjoint', () => {
    const sq = (x: number, y: number, d: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [x, y],
          [x + d, y],
          [x + d, y + d],
          [x, y + d],
          [x, y],
        ],
      ],
    });
    expect(matchGeoIntersects(sq(8, 8, 5), square)).toBe(true); // overlap
    expect(matchGeoIntersects(sq(1, 1, 1), square)).toBe(true); // nested
    expect(matchGeoIntersects(sq(-1, -1, 20), square)).toBe(true); // contains the query
    expect(matchGeoIntersects(sq(4.5, 4.5, 1), square)).toBe(false); // inside the hole
    expect(matchGeoIntersects(sq(20, 20, 1), square)).toBe(false);
  });

  it('arrays and collections match on any element', () => {
    expect(matchGeoIntersects([gj([20, 20]), gj([1, 1])], square)).toBe(true);
    const coll = { type: 'GeometryCollection', geometries: [gj([20, 20]), gj([2, 2])] };
    expect(matchGeoIntersects(coll, square)).toBe(true);
    expect(
      matchGeoIntersects(
        {
          type: 'MultiPoint',
          coordinates: [
            [20, 20],
            [30, 30],
          ],
        },
        square,
      ),
    ).toBe(false);
  });

  it('rejects invalid specs with BadValue', () => {
    for (const bad of [
      {},
      { $geometry: 'x' },
      { $geometry: { type: 'Blob' } },
      {
        $box: [
          [0, 0],
          [1, 1],
        ],
      },
    ]) {
      expect(errorOf(() => matchGeoIntersects(gj([1, 1]), bad)).code).toBe(2);
    }
  });
});

describe('nearestLocation', () => {
  const near = parseNear({ $nearSphere: { $geometry: gj(KYIV) } }, true);

  it('picks the nearest stored value across path branches and array elements', () => {
    const r = nearestLocation([[gj(LVIV), gj(KHARKIV)], gj(ODESA)], near);
    expect(r?.location).toEqual(gj(KHARKIV));
    expect(r?.distance).toBeCloseTo(haversineMeters(KYIV, KHARKIV), 6);
  });

  it('keeps legacy pairs as stored and ignores values without a location', () => {
    const r = nearestLocation([undefined, 'x', [LVIV[0], LVIV[1]]], near);
    expect(r?.location).toEqual(LVIV);
    expect(nearestLocation([undefined, null, 5], near)).toBeNull();
  });
});
