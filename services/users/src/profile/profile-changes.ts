/**
 * A validated profile update turned into the fields to store: absent fields dropped, the
 * location coarsened to about 1 km, availability in a canonical order.
 */
import {
  WEEKDAYS,
  type AvailabilityWindow,
  type GeoPoint,
  type ProfileFields,
  type UpdateProfilePayload,
} from '@spilno/contracts';

/** 2 decimals of a degree: about 1.1 km of latitude, 0.7 km of longitude here. */
const LOCATION_DECIMALS = 2;

export function toProfileChanges(patch: UpdateProfilePayload): Partial<ProfileFields> {
  const changes: Partial<ProfileFields> = {};
  for (const [field, value] of Object.entries(patch) as [keyof ProfileFields, unknown][]) {
    if (value !== undefined) Object.assign(changes, { [field]: value });
  }
  if (patch.skills) changes.skills = patch.skills.map(({ code, level }) => ({ code, level }));
  if (patch.availability) changes.availability = canonicalAvailability(patch.availability);
  if (patch.location) changes.location = approximateLocation(patch.location);
  return changes;
}

/** Rounds to about 1 km: enough for distances, too coarse to find a door. */
export function approximateLocation({ lat, lng }: GeoPoint): GeoPoint {
  return { lat: roundTo(lat, LOCATION_DECIMALS), lng: roundTo(lng, LOCATION_DECIMALS) };
}

/** By weekday, then start: the order people read a week in. */
export function canonicalAvailability(
  windows: readonly AvailabilityWindow[],
): AvailabilityWindow[] {
  return windows
    .map(({ day, from, to }) => ({ day, from, to }))
    .sort(
      (a, b) => WEEKDAYS.indexOf(a.day) - WEEKDAYS.indexOf(b.day) || a.from.localeCompare(b.from),
    );
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
