/**
 * Places: `{ lat, lng }` in the API, GeoJSON points (`[lng, lat]`) in MongoDB, under a 2dsphere
 * index. Distances are great-circle distances on MongoDB's sphere, as `$near` measures them.
 */
import type { GeoPoint } from '@spilno/contracts';

/** MongoDB's earth radius (kRadiusOfEarthInMeters). */
export const EARTH_RADIUS_METERS = 6_378_100;

export interface GeoJsonPoint {
  type: 'Point';
  coordinates: [number, number];
}

export function toGeoJson(point: GeoPoint): GeoJsonPoint {
  return { type: 'Point', coordinates: [point.lng, point.lat] };
}

export function fromGeoJson(point: GeoJsonPoint | null | undefined): GeoPoint | null {
  if (!point) return null;
  const [lng, lat] = point.coordinates;
  return { lat, lng };
}

const RADIANS = Math.PI / 180;

export function distanceMeters(a: GeoPoint, b: GeoPoint): number {
  const dLat = (b.lat - a.lat) * RADIANS;
  const dLng = (b.lng - a.lng) * RADIANS;
  const s =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * RADIANS) * Math.cos(b.lat * RADIANS) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** Kilometres to the metre, for answers. */
export function toKilometres(meters: number): number {
  return Math.round(meters) / 1000;
}
