/**
 * The $geoNear aggregation stage. As in MongoDB it becomes a query: the stage's `query` plus
 * `{ <key>: { $nearSphere | $near: near, $minDistance, $maxDistance } }`, planned and run by the
 * query engine (which needs a geo index on the key and orders by distance); each result then
 * gets the distance (times `distanceMultiplier`) and, with `includeLocs`, the location it was
 * measured to. Distances are meters for a GeoJSON `near`, radians for a legacy pair with
 * `spherical: true`, and plane units for a legacy pair on a 2d index.
 */
import { Double } from 'bson';
import {
  Document,
  bsonTypeOf,
  isNumeric,
  isPlainDocument,
  setOwn,
  toJsNumber,
} from '../bson/values';
import { ErrorCode, MongoError } from '../errors';
import { Collection } from '../engine/collection';
import { Match, QueryShape } from '../engine/query';
import { splitPath } from '../query/paths';

export interface GeoNearSpec {
  near: Document | unknown[];
  distanceField: string;
  spherical: boolean;
  maxDistance?: number;
  minDistance?: number;
  distanceMultiplier?: number;
  query: Document;
  includeLocs?: string;
  key?: string;
}

function optionalDistance(spec: Document, name: string): number | undefined {
  const v = spec[name];
  if (v === undefined) return undefined;
  if (!isNumeric(v)) throw new MongoError(ErrorCode.TypeMismatch, `${name} must be a number`);
  const n = toJsNumber(v);
  if (!(n >= 0)) throw new MongoError(ErrorCode.BadValue, `${name} must be nonnegative`);
  return n;
}

/** Validates a $geoNear specification with MongoDB's checks, codes and messages. */
export function parseGeoNear(raw: unknown): GeoNearSpec {
  if (!isPlainDocument(raw)) {
    throw new MongoError(10065, 'invalid parameter: expected an object ($geoNear)');
  }
  if (raw.collation !== undefined) {
    throw new MongoError(
      40227,
      "$geoNear does not accept the 'collation' parameter. Instead, specify a collation for the entire aggregation command.",
    );
  }
  if (raw.limit !== undefined) {
    throw new MongoError(
      50858,
      "$geoNear no longer supports the 'limit' parameter. Use a $limit stage instead.",
    );
  }
  if (raw.num !== undefined) {
    throw new MongoError(
      50857,
      "$geoNear no longer supports the 'num' parameter. Use a $limit stage instead.",
    );
  }
  if (raw.start !== undefined) {
    throw new MongoError(50856, "$geoNear no longer supports the 'start' argument.");
  }
  if (raw.near === undefined) {
    throw new MongoError(5860400, "$geoNear requires a 'near' argument");
  }
  if (typeof raw.distanceField !== 'string') {
    throw new MongoError(16606, "$geoNear requires a 'distanceField' option as a String");
  }
  const spec: GeoNearSpec = {
    near: raw.near as Document,
    distanceField: checkFieldPath(raw.distanceField),
    spherical: truthy(raw.spherical),
    maxDistance: optionalDistance(raw, 'maxDistance'),
    minDistance: optionalDistance(raw, 'minDistance'),
    distanceMultiplier: optionalDistance(raw, 'distanceMultiplier'),
    query: {},
  };
  if (raw.query !== undefined) {
    if (!isPlainDocument(raw.query)) {
      throw new MongoError(ErrorCode.TypeMismatch, 'query must be an object');
    }
    spec.query = raw.query;
  }
  if (raw.includeLocs !== undefined) {
    if (typeof raw.includeLocs !== 'string') {
      throw new MongoError(16607, "$geoNear requires that 'includeLocs' option is a String");
    }
    spec.includeLocs = checkFieldPath(raw.includeLocs);
  }
  if (raw.key !== undefined) {
    if (typeof raw.key !== 'string') {
      throw new MongoError(
        ErrorCode.TypeMismatch,
        `$geoNear parameter 'key' must be of type string but found type: ${bsonTypeOf(raw.key)}`,
      );
    }
    if (raw.key === '') {
      throw new MongoError(
        ErrorCode.BadValue,
        "$geoNear parameter 'key' cannot be the empty string",
      );
    }
    spec.key = raw.key;
  }
  if (!Array.isArray(spec.near) && !isPlainDocument(spec.near)) {
    throw new MongoError(
      5860401,
      '$geoNear requires near argument to be a GeoJSON object or a legacy point(array)',
    );
  }
  return spec;
}

function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (isNumeric(v)) return toJsNumber(v) !== 0;
  return true;
}

function checkFieldPath(path: string): string {
  if (path === '') throw new MongoError(40352, 'FieldPath cannot be constructed with empty string');
  for (const part of splitPath(path)) {
    if (part === '') throw new MongoError(15998, 'FieldPath field names may not be empty strings.');
    if (part.startsWith('$')) {
      throw new MongoError(
        16410,
        `FieldPath field names may not start with '$'. Consider using $getField or $setField.`,
      );
    }
  }
  return path;
}

/**
 * The field $geoNear measures: `key`, else the collection's only 2d index, else its only
 * 2dsphere index (MongoDB's order and errors).
 */
function geoNearField(coll: Collection, spec: GeoNearSpec): string {
  if (spec.key !== undefined) return spec.key;
  const fieldsOf = (type: string) =>
    [...coll.indexes.values()]
      .map((i) => Object.keys(i.spec.key).find((f) => i.spec.key[f] === type))
      .filter((f): f is string => f !== undefined);
  const flat = fieldsOf('2d');
  if (flat.length > 1) {
    throw new MongoError(
      ErrorCode.IndexNotFound,
      `There is more than one 2d index on ${coll.ns}; unsure which to use for $geoNear`,
    );
  }
  if (flat.length === 1) return flat[0];
  const sphere = fieldsOf('2dsphere');
  if (sphere.length === 0) {
    throw new MongoError(
      ErrorCode.IndexNotFound,
      '$geoNear requires a 2d or 2dsphere index, but none were found',
    );
  }
  if (sphere.length > 1) {
    throw new MongoError(
      ErrorCode.IndexNotFound,
      `There is more than one 2dsphere index on ${coll.ns}; unsure which to use for $geoNear`,
    );
  }
  return sphere[0];
}

/** The query $geoNear runs: its `query` and a near predicate on the geo field. */
export function geoNearShape(
  coll: Collection | undefined,
  ns: string,
  spec: GeoNearSpec,
): QueryShape {
  if (!coll) {
    throw new MongoError(
      ErrorCode.NamespaceNotFound,
      `$geoNear requires a geo index to run, but ${ns} does not exist`,
    );
  }
  const field = geoNearField(coll, spec);
  const near: Document = { [spec.spherical ? '$nearSphere' : '$near']: spec.near };
  if (spec.minDistance !== undefined) near.$minDistance = spec.minDistance;
  if (spec.maxDistance !== undefined) near.$maxDistance = spec.maxDistance;
  return { filter: { ...spec.query, [field]: near } };
}

/** The stage's output: each matched document with the distance (and location) added. */
export function geoNearOutput(matches: Match[], spec: GeoNearSpec): Document[] {
  const distancePath = splitPath(spec.distanceField);
  const locsPath = spec.includeLocs === undefined ? null : splitPath(spec.includeLocs);
  const multiplier = spec.distanceMultiplier ?? 1;
  return matches.map((m) => {
    const d = (m.distance ?? Infinity) * multiplier;
    // MongoDB reports distances as doubles, also when they happen to be integral.
    let doc = setPath(m.doc, distancePath, Number.isInteger(d) ? new Double(d) : d);
    if (locsPath) doc = setPath(doc, locsPath, m.location);
    return doc;
  });
}

/** Copy of `doc` with the dotted path set (intermediate non-documents become documents). */
function setPath(doc: Document, parts: string[], value: unknown, i = 0): Document {
  const out = { ...doc };
  const k = parts[i];
  if (i === parts.length - 1) setOwn(out, k, value);
  else {
    const child = Object.hasOwn(out, k) ? out[k] : undefined;
    setOwn(out, k, setPath(isPlainDocument(child) ? child : {}, parts, value, i + 1));
  }
  return out;
}
