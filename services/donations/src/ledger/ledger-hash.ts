/**
 * The ledger's hash chain (the README documents it for anyone recomputing it):
 *
 *   hash_n = hex(SHA-256(UTF-8(JSON([
 *     "spilno-ledger-v1", campaignId, seq, kind, amount, currency, at,
 *     donorCommitment, description, receiptUrl, refundOf, prevHash ]))))
 *   donorCommitment = hex(SHA-256(UTF-8(JSON(["spilno-donor-v1", donorSalt, donor]))))
 *
 * JSON is JSON.stringify (RFC 8785 serialisation for these values: no whitespace, integers as
 * digits, strings with the minimal escapes); null stands for an absent field; `at` is the
 * ISO-8601 UTC time with milliseconds; prevHash of seq 1 is 64 zeros. The donor's name enters
 * through a salted commitment, so erasing a name (and its salt) leaves every hash intact.
 */
import { randomBytes } from 'node:crypto';
import { ANONYMOUS_DONOR, type LedgerEntryKind } from '@spilno/contracts';
import { sha256Hex } from '../common/sha256';

export const LEDGER_HASH_VERSION = 'spilno-ledger-v1';
export const DONOR_COMMITMENT_VERSION = 'spilno-donor-v1';

export interface HashedFields {
  campaignId: string;
  seq: number;
  kind: LedgerEntryKind;
  amount: number;
  currency: string;
  /** ISO-8601 UTC with milliseconds. */
  at: string;
  donorCommitment: string | null;
  description: string | null;
  receiptUrl: string | null;
  refundOf: number | null;
  prevHash: string;
}

export function canonicalEntry(f: HashedFields): string {
  return JSON.stringify([
    LEDGER_HASH_VERSION,
    f.campaignId,
    f.seq,
    f.kind,
    f.amount,
    f.currency,
    f.at,
    f.donorCommitment,
    f.description,
    f.receiptUrl,
    f.refundOf,
    f.prevHash,
  ]);
}

export function entryHash(fields: HashedFields): string {
  return sha256Hex(canonicalEntry(fields));
}

export function donorCommitment(salt: string, donor: string): string {
  return sha256Hex(JSON.stringify([DONOR_COMMITMENT_VERSION, salt, donor]));
}

/** 128 random bits: the commitment cannot be tested against guessed names. */
export function newSalt(): string {
  return randomBytes(16).toString('hex');
}

/** The donor fields of a donation entry. */
export function committedDonor(donor: string): {
  donor: string;
  donorSalt: string;
  donorCommitment: string;
} {
  const salt = newSalt();
  return { donor, donorSalt: salt, donorCommitment: donorCommitment(salt, donor) };
}

/**
 * The stored fields of an entry, as verification reads them. `prevHash` is not stored: it is
 * the previous entry's hash, so an entry can only be checked in its chain (and no stored copy
 * can disagree with it unnoticed).
 */
export interface StoredEntry extends Omit<HashedFields, 'campaignId' | 'at' | 'prevHash'> {
  at: Date;
  donor: string | null;
  donorSalt: string | null;
  hash: string;
}

/** Why an entry does not check out, or null when it does. */
export function entryProblem(
  campaignId: string,
  entry: StoredEntry,
  expectedSeq: number,
  prevHash: string,
): string | null {
  if (entry.seq !== expectedSeq) return `entry ${expectedSeq} is missing or out of order`;
  const at = entry.at instanceof Date && !Number.isNaN(entry.at.getTime()) ? entry.at : null;
  if (!at) return 'the time is not a date';
  const recomputed = entryHash({
    campaignId,
    seq: entry.seq,
    kind: entry.kind,
    amount: entry.amount,
    currency: entry.currency,
    at: at.toISOString(),
    donorCommitment: entry.donorCommitment,
    description: entry.description,
    receiptUrl: entry.receiptUrl,
    refundOf: entry.refundOf,
    prevHash,
  });
  if (recomputed !== entry.hash) {
    return 'the hash does not match the entry and the previous entry’s hash';
  }
  if (entry.kind !== 'donation') {
    return entry.donor === null && entry.donorSalt === null ? null : 'only donations name a donor';
  }
  if (entry.donorCommitment === null || entry.donor === null) return 'the donor is missing';
  // An erased donor keeps the commitment without its salt: the name must then be anonymous.
  if (entry.donorSalt === null) {
    return entry.donor === ANONYMOUS_DONOR ? null : 'the donor name is not the one committed to';
  }
  return donorCommitment(entry.donorSalt, entry.donor) === entry.donorCommitment
    ? null
    : 'the donor name is not the one committed to';
}
