/**
 * Points and geometry for 2dsphere / legacy 2d queries: $near, $nearSphere, $geoWithin,
 * $geoIntersects, and the validation a 2dsphere index does on insert.
 *
 * Approximations (documented because MongoDB uses exact S2 spherical geometry):
 * - Polygon containment and edge intersection are computed in the plane of (lng, lat), i.e.
 *   edges are straight in lng/lat rather than great-circle arcs, and polygons crossing the
 *   antimeridian are not supported. For city-sized shapes the difference is negligible.
 * - Distances between points are exact great-circle (haversine) distances on MongoDB's sphere
 *   (radius 6378100 m); distances to lines and polygon edges use a local equirectangular
 *   projection around the query point.
 * - $geoWithin on a line or polygon checks that all its vertices are inside.
 */
import { badValue, MongoError } from '../errors';
import { isNumeric, toJsNumber, type Document } from '../bson/values';

export type LngLat = [number, number];

/** MongoDB's earth radius (kRadiusOfEarthInMeters). */
export const EARTH_RADIUS_METERS = 6378100;

const DEG = Math.PI / 180;

function isPlainObject(v: unknown): v is Document {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  if (v instanceof Date || v instanceof RegExp) return false;
  return (v as { _bsontype?: unknown })._bsontype === undefined;
}

function numberOf(v: unknown): number | null {
  if (!isNumeric(v)) return null;
  const n = toJsNumber(v);
  return Number.isNaN(n) ? null : n;
}

/** Legacy pair: an array or a document whose first two values are numbers. */
function legacyPair(value: unknown): LngLat | null {
  let a: unknown;
  let b: unknown;
  if (Array.isArray(value)) {
    if (value.length < 2) return null;
    [a, b] = value;
  } else if (isPlainObject(value)) {
    if ('type' in value || 'coordinates' in value) return null;
    const vals = Object.values(value);
    if (vals.length < 2) return null;
    [a, b] = vals;
  } else {
    return null;
  }
  const x = numberOf(a);
  const y = numberOf(b);
  return x === null || y === null ? null : [x, y];
}

/** The point a value denotes: GeoJSON Point, or a legacy [x, y] / {lng, lat} / {x, y} pair. */
export function pointOf(value: unknown): LngLat | null {
  if (isPlainObject(value) && value.type === 'Point') return legacyPairArray(value.coordinates);
  return legacyPair(value);
}

function legacyPairArray(v: unknown): LngLat | null {
  return Array.isArray(v) ? legacyPair(v) : null;
}

function inBounds([lng, lat]: LngLat): boolean {
  return lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90;
}

// ---------------------------------------------------------------------------------------------
// GeoJSON parsing (shared by index validation and query parsing; `fail` decides the error)

type Fail = (reason: string) => never;

export type Geometry =
  | { type: 'Point'; coordinates: LngLat }
  | { type: 'MultiPoint'; coordinates: LngLat[] }
  | { type: 'LineString'; coordinates: LngLat[] }
  | { type: 'MultiLineString'; coordinates: LngLat[][] }
  | { type: 'Polygon'; coordinates: LngLat[][] }
  | { type: 'MultiPolygon'; coordinates: LngLat[][][] }
  | { type: 'GeometryCollection'; geometries: Geometry[] };

function parsePosition(v: unknown, fail: Fail, checkBounds = true): LngLat {
  if (!Array.isArray(v)) fail('Point must be an array or object');
  if (v.length < 2 || v.length > 3) fail('Point must only contain numeric elements');
  const nums = v.map(numberOf);
  if (nums.some((n) => n === null)) fail('Point must only contain numeric elements');
  const p: LngLat = [nums[0] as number, nums[1] as number];
  if (checkBounds && !inBounds(p)) {
    fail(`longitude/latitude is out of bounds, lng: ${p[0]} lat: ${p[1]}`);
  }
  return p;
}

function parsePositions(v: unknown, what: string, fail: Fail): LngLat[] {
  if (!Array.isArray(v)) fail(`${what} coordinates must be an array`);
  return v.map((p) => parsePosition(p, fail));
}

function parseLineString(v: unknown, fail: Fail): LngLat[] {
  const pts = parsePositions(v, 'LineString', fail);
  if (pts.length < 2) fail('GeoJSON LineString must have at least 2 vertices');
  return pts;
}

function parsePolygon(v: unknown, fail: Fail): LngLat[][] {
  if (!Array.isArray(v) || v.length === 0) fail('Polygon coordinates must be a non-empty array');
  return v.map((ring) => {
    const pts = parsePositions(ring, 'Polygon', fail);
    if (pts.length < 4) fail('Loop must have at least 3 different vertices');
    const first = pts[0];
    const last = pts[pts.length - 1];
    if (first[0] !== last[0] || first[1] !== last[1]) {
      fail('Loop is not closed, first vertex does not equal last vertex');
    }
    const distinct = new Set(pts.map((p) => `${p[0]},${p[1]}`));
    if (distinct.size < 3) fail('Loop must have at least 3 different vertices');
    return pts;
  });
}

function parseGeometry(value: unknown, fail: Fail): Geometry {
  if (!isPlainObject(value)) fail('GeoJSON geometry must be an object');
  const type = value.type;
  const coords = value.coordinates;
  switch (type) {
    case 'Point':
      return { type, coordinates: parsePosition(coords, fail) };
    case 'MultiPoint': {
      const pts = parsePositions(coords, 'MultiPoint', fail);
      if (pts.length === 0) fail('MultiPoint coordinates must have at least 1 element');
      return { type, coordinates: pts };
    }
    case 'LineString':
      return { type, coordinates: parseLineString(coords, fail) };
    case 'MultiLineString':
      if (!Array.isArray(coords) || coords.length === 0) {
        fail('MultiLineString coordinates must be a non-empty array');
      }
      return { type, coordinates: coords.map((l) => parseLineString(l, fail)) };
    case 'Polygon':
      return { type, coordinates: parsePolygon(coords, fail) };
    case 'MultiPolygon':
      if (!Array.isArray(coords) || coords.length === 0) {
        fail('MultiPolygon coordinates must be a non-empty array');
      }
      return { type, coordinates: coords.map((p) => parsePolygon(p, fail)) };
    case 'GeometryCollection': {
      const gs = value.geometries;
      if (!Array.isArray(gs)) fail('GeometryCollection geometries must be an array');
      return { type, geometries: gs.map((g) => parseGeometry(g, fail)) };
    }
    default:
      return fail(`unknown GeoJSON type: ${describe(value)}`);
  }
}

/** A document value as geometries: legacy pairs, GeoJSON, or (multikey) arrays of those. */
function geometriesOf(value: unknown): Geometry[] {
  return locationsOf(value).map((l) => l.geometry);
}

/** The geometries of a value, each with the stored value it was read from. */
function locationsOf(value: unknown): { geometry: Geometry; raw: unknown }[] {
  const lenient: Fail = () => {
    throw LENIENT;
  };
  const one = (v: unknown): Geometry | null => {
    if (isPlainObject(v) && typeof v.type === 'string') {
      try {
        return parseGeometry(v, lenient);
      } catch (e) {
        if (e === LENIENT) return null;
        throw e;
      }
    }
    const p = legacyPair(v);
    return p ? { type: 'Point', coordinates: p } : null;
  };
  const g = one(value);
  if (g) return [{ geometry: g, raw: value }];
  if (!Array.isArray(value)) return [];
  const out: { geometry: Geometry; raw: unknown }[] = [];
  for (const el of value) {
    const e = one(el);
    if (e) out.push({ geometry: e, raw: el });
  }
  return out;
}

const LENIENT = new Error('invalid geometry');

function describe(v: unknown): string {
  try {
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
    return s ?? String(v);
  } catch {
    return String(v);
  }
}

// ---------------------------------------------------------------------------------------------
// 2dsphere index validation

/**
 * Throws 16755 "Can't extract geo keys" for a value a 2dsphere index cannot index. Missing and
 * null are fine (2dsphere v2+ is sparse). `doc` only improves the message.
 */
export function validateGeoJsonForIndex(value: unknown, doc?: Document): void {
  if (value === undefined || value === null) return;
  const fail: Fail = (reason) => {
    throw new MongoError(16755, `Can't extract geo keys: ${describe(doc ?? value)}  ${reason}`);
  };
  const one = (v: unknown): void => {
    if (isPlainObject(v)) {
      if ('type' in v) {
        parseGeometry(v, fail);
        return;
      }
      const p = legacyPair(v);
      if (!p) fail('Point must only contain numeric elements');
      if (!inBounds(p)) fail(`longitude/latitude is out of bounds, lng: ${p[0]} lat: ${p[1]}`);
      return;
    }
    if (Array.isArray(v)) {
      parsePosition(v, fail);
      return;
    }
    fail(`geo element must be an array or object: ${describe(v)}`);
  };
  // A numeric first element means a legacy pair; otherwise an array is a multikey list.
  if (Array.isArray(value) && (value.length === 0 || !isNumeric(value[0]))) {
    for (const el of value) one(el);
  } else {
    one(value);
  }
}

// ---------------------------------------------------------------------------------------------
// Distances

export function haversineMeters(a: LngLat, b: LngLat): number {
  const dLat = (b[1] - a[1]) * DEG;
  const dLng = (b[0] - a[0]) * DEG;
  const s =
    Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * DEG) * Math.cos(b[1] * DEG) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(s)));
}

function planarDistance(a: LngLat, b: LngLat): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

function pointSegmentDistance(p: LngLat, a: LngLat, b: LngLat): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t =
    len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

interface Parts {
  points: LngLat[];
  lines: LngLat[][];
  polygons: LngLat[][][];
}

function partsOf(g: Geometry, out: Parts = { points: [], lines: [], polygons: [] }): Parts {
  switch (g.type) {
    case 'Point':
      out.points.push(g.coordinates);
      break;
    case 'MultiPoint':
      out.points.push(...g.coordinates);
      break;
    case 'LineString':
      out.lines.push(g.coordinates);
      break;
    case 'MultiLineString':
      out.lines.push(...g.coordinates);
      break;
    case 'Polygon':
      out.polygons.push(g.coordinates);
      break;
    case 'MultiPolygon':
      out.polygons.push(...g.coordinates);
      break;
    case 'GeometryCollection':
      for (const c of g.geometries) partsOf(c, out);
      break;
  }
  return out;
}

function* edgesOf(parts: Parts): Generator<[LngLat, LngLat]> {
  for (const line of parts.lines)
    for (let i = 1; i < line.length; i++) yield [line[i - 1], line[i]];
  for (const poly of parts.polygons) {
    for (const ring of poly) for (let i = 1; i < ring.length; i++) yield [ring[i - 1], ring[i]];
  }
}

function* verticesOf(parts: Parts): Generator<LngLat> {
  yield* parts.points;
  for (const line of parts.lines) yield* line;
  for (const poly of parts.polygons) for (const ring of poly) yield* ring;
}

/** Great-circle distance in meters from `p` to a geometry (0 inside a polygon). */
function sphericalDistanceTo(p: LngLat, g: Geometry): number {
  const parts = partsOf(g);
  let best = Infinity;
  for (const q of parts.points) best = Math.min(best, haversineMeters(p, q));
  if (parts.polygons.some((poly) => polygonCovers(poly, p))) return 0;
  // Edges: project to a local equirectangular plane (meters) centred on p.
  const kx = Math.cos(p[1] * DEG) * DEG * EARTH_RADIUS_METERS;
  const ky = DEG * EARTH_RADIUS_METERS;
  const proj = (q: LngLat): LngLat => [(q[0] - p[0]) * kx, (q[1] - p[1]) * ky];
  for (const [a, b] of edgesOf(parts)) {
    best = Math.min(best, haversineMeters(p, a), haversineMeters(p, b));
    best = Math.min(best, pointSegmentDistance([0, 0], proj(a), proj(b)));
  }
  return best;
}

function planarDistanceTo(p: LngLat, g: Geometry): number {
  const parts = partsOf(g);
  let best = Infinity;
  for (const q of parts.points) best = Math.min(best, planarDistance(p, q));
  if (parts.polygons.some((poly) => polygonCovers(poly, p))) return 0;
  for (const [a, b] of edgesOf(parts)) best = Math.min(best, pointSegmentDistance(p, a, b));
  return best;
}

// ---------------------------------------------------------------------------------------------
// $near / $nearSphere

export interface NearSpec {
  point: LngLat;
  maxDistance?: number;
  minDistance?: number;
  spherical: boolean;
  /** Legacy pair query: distances in radians when spherical, in plane units otherwise. */
  legacy: boolean;
}

function distanceOption(name: string, ...candidates: unknown[]): number | undefined {
  const v = candidates.find((c) => c !== undefined);
  if (v === undefined) return undefined;
  const n = numberOf(v);
  if (n === null) throw badValue(`${name} must be a number`);
  if (n < 0) throw badValue(`${name} must be non-negative`);
  return n;
}

/**
 * Parses a $near / $nearSphere value, or the whole operator document
 * (`{ $near: [x, y], $maxDistance: d }`), where sibling distances live.
 */
export function parseNear(spec: unknown, spherical: boolean): NearSpec {
  let value = spec;
  let siblings: Document = {};
  if (isPlainObject(spec)) {
    for (const op of ['$near', '$nearSphere', '$geoNear']) {
      if (op in spec) {
        value = spec[op];
        siblings = spec;
        if (op === '$nearSphere') spherical = true;
        break;
      }
    }
  }
  const fail: Fail = (reason) => {
    throw badValue(`invalid point in geo near query: ${reason}`);
  };
  if (isPlainObject(value) && ('$geometry' in value || 'type' in value)) {
    const g = '$geometry' in value ? value.$geometry : value;
    if (!isPlainObject(g) || g.type !== 'Point') {
      throw badValue(`$near requires a GeoJSON Point, given ${describe(g)}`);
    }
    return {
      point: parsePosition(g.coordinates, fail),
      maxDistance: distanceOption('$maxDistance', value.$maxDistance, siblings.$maxDistance),
      minDistance: distanceOption('$minDistance', value.$minDistance, siblings.$minDistance),
      spherical: true,
      legacy: false,
    };
  }
  const p = legacyPair(value);
  if (!p) throw badValue(`$near requires a point, given ${describe(value)}`);
  if (spherical && !inBounds(p))
    fail(`longitude/latitude is out of bounds, lng: ${p[0]} lat: ${p[1]}`);
  return {
    point: p,
    maxDistance: distanceOption('$maxDistance', siblings.$maxDistance),
    minDistance: distanceOption('$minDistance', siblings.$minDistance),
    spherical,
    legacy: true,
  };
}

/**
 * Distance from the query point to a document value: meters for GeoJSON queries, radians for
 * legacy spherical ones, plane units for legacy 2d. Arrays of points give the nearest one.
 * Null when the value holds no geometry.
 */
export function nearDistance(value: unknown, near: NearSpec): number | null {
  const geoms = geometriesOf(value);
  if (geoms.length === 0) return null;
  let best = Infinity;
  for (const g of geoms) {
    const d = distanceTo(g, near);
    if (d < best) best = d;
  }
  return best;
}

function distanceTo(g: Geometry, near: NearSpec): number {
  return near.legacy && !near.spherical
    ? planarDistanceTo(near.point, g)
    : sphericalDistanceTo(near.point, g) / (near.legacy ? EARTH_RADIUS_METERS : 1);
}

/**
 * The nearest location among the values of a geo field (one per path branch; each may be a
 * point, a geometry or an array of them) and its distance in `nearDistance`'s units. The
 * location is the stored value it was measured to ($geoNear's includeLocs). Null without one.
 */
export function nearestLocation(
  values: unknown[],
  near: NearSpec,
): { distance: number; location: unknown } | null {
  let best: { distance: number; location: unknown } | null = null;
  for (const value of values) {
    for (const { geometry, raw } of locationsOf(value)) {
      const d = distanceTo(geometry, near);
      if (!best || d < best.distance) best = { distance: d, location: raw };
    }
  }
  return best;
}

/** Whether a distance lies within the spec's [minDistance, maxDistance] (both inclusive). */
export function withinNearBounds(d: number, near: NearSpec): boolean {
  if (near.maxDistance !== undefined && d > near.maxDistance) return false;
  if (near.minDistance !== undefined && d < near.minDistance) return false;
  return true;
}

export function matchNear(value: unknown, spec: unknown, spherical: boolean): boolean {
  const near = parseNear(spec, spherical);
  const d = nearDistance(value, near);
  return d !== null && withinNearBounds(d, near);
}

// ---------------------------------------------------------------------------------------------
// Planar primitives

const EPS = 1e-12;

function cross(o: LngLat, a: LngLat, b: LngLat): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

function onSegment(p: LngLat, a: LngLat, b: LngLat): boolean {
  if (Math.abs(cross(a, b, p)) > EPS * Math.max(1, Math.abs(b[0] - a[0]) + Math.abs(b[1] - a[1]))) {
    return false;
  }
  return (
    p[0] >= Math.min(a[0], b[0]) - EPS &&
    p[0] <= Math.max(a[0], b[0]) + EPS &&
    p[1] >= Math.min(a[1], b[1]) - EPS &&
    p[1] <= Math.max(a[1], b[1]) + EPS
  );
}

function segmentsIntersect(a: LngLat, b: LngLat, c: LngLat, d: LngLat): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    return true;
  }
  return onSegment(a, c, d) || onSegment(b, c, d) || onSegment(c, a, b) || onSegment(d, a, b);
}

/** Ring containment by ray casting; -1 outside, 0 on the boundary, 1 inside. */
function ringPosition(ring: LngLat[], p: LngLat): -1 | 0 | 1 {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i];
    const b = ring[j];
    if (onSegment(p, a, b)) return 0;
    if (a[1] > p[1] !== b[1] > p[1]) {
      const x = a[0] + ((p[1] - a[1]) * (b[0] - a[0])) / (b[1] - a[1]);
      if (p[0] < x) inside = !inside;
    }
  }
  return inside ? 1 : -1;
}

/** Inside or on the boundary of a polygon: in the shell and not strictly inside a hole. */
function polygonCovers(poly: LngLat[][], p: LngLat): boolean {
  if (ringPosition(poly[0], p) < 0) return false;
  for (let i = 1; i < poly.length; i++) if (ringPosition(poly[i], p) > 0) return false;
  return true;
}

function partsCover(parts: Parts, p: LngLat): boolean {
  for (const q of parts.points) if (q[0] === p[0] && q[1] === p[1]) return true;
  for (const line of parts.lines) {
    for (let i = 1; i < line.length; i++) if (onSegment(p, line[i - 1], line[i])) return true;
  }
  return parts.polygons.some((poly) => polygonCovers(poly, p));
}

function partsIntersect(a: Parts, b: Parts): boolean {
  for (const p of verticesOf(a)) if (partsCover(b, p)) return true;
  for (const p of verticesOf(b)) if (partsCover(a, p)) return true;
  const eb = [...edgesOf(b)];
  if (eb.length === 0) return false;
  for (const [p, q] of edgesOf(a))
    for (const [r, s] of eb) if (segmentsIntersect(p, q, r, s)) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// $geoWithin

/** A parsed $geoWithin region: whether it contains a point. */
export type GeoRegion = (p: LngLat) => boolean;

function queryFail(op: string): Fail {
  return (reason) => {
    throw badValue(`${op}: ${reason}`);
  };
}

function twoArgs(op: string, v: unknown): [unknown, unknown] {
  if (!Array.isArray(v) || v.length !== 2) throw badValue(`${op} must be an array of two elements`);
  return [v[0], v[1]];
}

function legacyPointArg(op: string, v: unknown): LngLat {
  const p = legacyPair(v);
  if (!p)
    throw badValue(`${op}: point must be an array or object of two numbers, got ${describe(v)}`);
  return p;
}

export function parseGeoWithin(spec: Document): GeoRegion {
  if (!isPlainObject(spec)) throw badValue('$geoWithin needs an object');
  const keys = Object.keys(spec);
  if (keys.length !== 1)
    throw badValue(`$geoWithin needs exactly one shape, got ${describe(spec)}`);
  const op = keys[0];
  const arg = spec[op];
  switch (op) {
    case '$geometry': {
      const g = parseGeometry(arg, queryFail('$geoWithin'));
      if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
        throw badValue(`$geoWithin not supported with provided geometry: ${describe(arg)}`);
      }
      const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
      return (p) => polys.some((poly) => polygonCovers(poly, p));
    }
    case '$centerSphere': {
      const [c, r] = twoArgs(op, arg);
      const center = legacyPointArg(op, c);
      if (!inBounds(center)) throw badValue(`${op}: center is out of bounds: ${describe(c)}`);
      const radius = numberOf(r);
      if (radius === null || radius < 0)
        throw badValue(`${op}: radius must be a non-negative number`);
      return (p) => haversineMeters(center, p) / EARTH_RADIUS_METERS <= radius;
    }
    case '$center': {
      const [c, r] = twoArgs(op, arg);
      const center = legacyPointArg(op, c);
      const radius = numberOf(r);
      if (radius === null || radius < 0)
        throw badValue(`${op}: radius must be a non-negative number`);
      return (p) => planarDistance(center, p) <= radius;
    }
    case '$box': {
      const [a, b] = twoArgs(op, arg).map((v) => legacyPointArg(op, v));
      const [x0, x1] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
      const [y0, y1] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
      return (p) => p[0] >= x0 && p[0] <= x1 && p[1] >= y0 && p[1] <= y1;
    }
    case '$polygon': {
      if (!Array.isArray(arg)) throw badValue('$polygon must be an array of points');
      const ring = arg.map((v) => legacyPointArg(op, v));
      if (ring.length < 3) throw badValue('Polygon must have at least 3 points');
      return (p) => ringPosition(ring, p) >= 0;
    }
    default:
      throw badValue(`unknown geo specifier: ${op}`);
  }
}

/** Every vertex of a geometry inside the region (exact for points; see the file comment). */
function regionContains(region: GeoRegion, g: Geometry): boolean {
  for (const p of verticesOf(partsOf(g))) if (!region(p)) return false;
  return true;
}

export function matchGeoWithin(value: unknown, spec: Document): boolean {
  return matchGeoWithinRegion(value, parseGeoWithin(spec));
}

/** For callers that parse the region once per query. Arrays match when any element is inside. */
export function matchGeoWithinRegion(value: unknown, region: GeoRegion): boolean {
  return geometriesOf(value).some((g) => regionContains(region, g));
}

// ---------------------------------------------------------------------------------------------
// $geoIntersects

export function parseGeoIntersects(spec: Document): Geometry {
  if (!isPlainObject(spec) || !('$geometry' in spec)) {
    throw badValue(`$geoIntersects needs a $geometry, got ${describe(spec)}`);
  }
  return parseGeometry(spec.$geometry, queryFail('$geoIntersects'));
}

export function matchGeoIntersects(value: unknown, spec: Document): boolean {
  return matchGeoIntersectsGeometry(value, parseGeoIntersects(spec));
}

export function matchGeoIntersectsGeometry(value: unknown, geometry: Geometry): boolean {
  const q = partsOf(geometry);
  return geometriesOf(value).some((g) => partsIntersect(partsOf(g), q));
}
