/**
 * The personal-data registry's vocabulary: each service declares, per collection, how a
 * document is linked to a person, what of it their export shows, and what erasure does to it.
 * The export and the erasure are then built from the declarations, so a feature that adds a
 * collection with personal data adds one declaration and gets both.
 */
import { Types } from 'mongoose';

/** The person the records are about. */
export interface DataSubject {
  userId: string;
  /** Known only to the users service: for records keyed by a digest of the email. */
  email?: string;
}

export interface ErasureContext {
  subject: DataSubject;
  erasedAt: Date;
}

/** A document as the driver returns it. */
export type StoredDocument = Record<string, unknown> & { _id: unknown };

export type Filter = Record<string, unknown>;

/** How documents are linked to a person. */
export type SubjectLink =
  /** The path holding the person's user id; an ObjectId or its hex string both match. */
  | { path: string }
  /** A filter of the service's own making (null: nothing of this person here). */
  | { filter: (subject: DataSubject) => Filter | null };

export type ErasurePolicy =
  /** The document is about the person only: it goes. */
  | { action: 'delete' }
  /**
   * The document also carries what must survive (aggregates such as hours or amounts, a key
   * others refer to): every field but `keep` and the replaced ones is removed.
   */
  | {
      action: 'pseudonymise';
      /** Dotted paths that stay as they are; `_id` always stays. */
      keep: readonly string[];
      /** Fields set to placeholders (non-personal values that keep the document valid). */
      replace?: (document: StoredDocument, context: ErasureContext) => Record<string, unknown>;
    };

export interface ExportPolicy {
  /** The section of the service's export; defaults to the collection name. */
  section?: string;
  /** Dotted paths never exported: password hashes, token hashes, sealed tokens. */
  secrets?: readonly string[];
  /** When given, only these dotted paths are exported. */
  only?: readonly string[];
}

export interface PersonalDataDeclaration {
  /** The collection in the service's own database. */
  collection: string;
  link: SubjectLink;
  /** What the person's export shows of these documents; false: nothing (e.g. counters). */
  export: ExportPolicy | false;
  erase: ErasurePolicy;
}

const OBJECT_ID_HEX = /^[0-9a-f]{24}$/i;

/** The values a stored user id may take: the ObjectId and its hex string. */
export function userIdValues(userId: string): unknown[] {
  return OBJECT_ID_HEX.test(userId) ? [new Types.ObjectId(userId), userId] : [userId];
}

/**
 * The filter that finds a person's documents. Built only from the subject (a verified user id),
 * never from request input, and run on the driver's collections, where mongoose's filter
 * sanitising does not apply.
 */
export function subjectFilter(link: SubjectLink, subject: DataSubject): Filter | null {
  if ('filter' in link) return link.filter(subject);
  return { [link.path]: { $in: userIdValues(subject.userId) } };
}

/**
 * The dotted paths to remove so that only `keep` (and what lies under it) stays. A path that
 * leads to a kept one is descended into when it holds a plain object; otherwise it goes whole.
 */
export function pathsToRemove(
  document: Record<string, unknown>,
  keep: readonly string[],
  prefix = '',
): string[] {
  const remove: string[] = [];
  for (const [key, value] of Object.entries(document)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (path === '_id' || keep.includes(path)) continue;
    const keepsInside = keep.some((kept) => kept.startsWith(`${path}.`));
    if (keepsInside && isPlainObject(value)) remove.push(...pathsToRemove(value, keep, path));
    else remove.push(path);
  }
  return remove;
}

/** The update that pseudonymises one document, or null when nothing changes. */
export function pseudonymisingUpdate(
  document: StoredDocument,
  policy: Extract<ErasurePolicy, { action: 'pseudonymise' }>,
  context: ErasureContext,
): { $set?: Record<string, unknown>; $unset?: Record<string, ''> } | null {
  const replaced = policy.replace?.(document, context) ?? {};
  const kept = [...policy.keep, ...Object.keys(replaced)];
  const removed = pathsToRemove(document, kept);
  const update: { $set?: Record<string, unknown>; $unset?: Record<string, ''> } = {};
  if (Object.keys(replaced).length > 0) update.$set = replaced;
  if (removed.length > 0) update.$unset = Object.fromEntries(removed.map((p) => [p, '']));
  return update.$set || update.$unset ? update : null;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
