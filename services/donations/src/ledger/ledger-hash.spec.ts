import { LEDGER_GENESIS_HASH } from '@spilno/contracts';
import {
  canonicalEntry,
  donorCommitment,
  entryHash,
  entryProblem,
  StoredEntry,
} from './ledger-hash';

// A known-answer vector computed outside this code (Python's hashlib and json.dumps with
// ensure_ascii=False and compact separators), from the README's description of the encoding.
const CAMPAIGN = '6660a1b2c3d4e5f6a7b8c9d0';
const SALT = '00112233445566778899aabbccddeeff';
const DONOR = 'Олена Коваль';
const COMMITMENT = 'b5e7c9e79668aab944540446f45950f765676593931dcb7ea11d45515fc6874d';
const HASH = '3933f3f97d642d72af5fb106431190ad0c1c7d241fc52f5a7c52ae45748ef799';

const fields = {
  campaignId: CAMPAIGN,
  seq: 1,
  kind: 'donation' as const,
  amount: 150000,
  currency: 'UAH',
  at: '2025-06-01T09:00:00.000Z',
  donorCommitment: COMMITMENT,
  description: null,
  receiptUrl: null,
  refundOf: null,
  prevHash: LEDGER_GENESIS_HASH,
};

function stored(overrides: Partial<StoredEntry> = {}): StoredEntry {
  const { prevHash: _genesis, ...hashed } = fields;
  return {
    ...hashed,
    at: new Date(fields.at),
    donor: DONOR,
    donorSalt: SALT,
    hash: HASH,
    ...overrides,
  };
}

describe('the ledger hash chain', () => {
  it('matches the known-answer vector: commitment, canonical text, hash', () => {
    expect(donorCommitment(SALT, DONOR)).toBe(COMMITMENT);
    expect(canonicalEntry(fields)).toBe(
      `["spilno-ledger-v1","${CAMPAIGN}",1,"donation",150000,"UAH","2025-06-01T09:00:00.000Z",` +
        `"${COMMITMENT}",null,null,null,"${'0'.repeat(64)}"]`,
    );
    expect(entryHash(fields)).toBe(HASH);
  });

  it('accepts the stored entry, and an erased donor shown as anonymous without the salt', () => {
    expect(entryProblem(CAMPAIGN, stored(), 1, LEDGER_GENESIS_HASH)).toBeNull();
    expect(
      entryProblem(
        CAMPAIGN,
        stored({ donor: 'anonymous', donorSalt: null }),
        1,
        LEDGER_GENESIS_HASH,
      ),
    ).toBeNull();
  });

  it.each([
    ['another amount', { amount: 150001 }],
    ['an amount as text', { amount: '150000' as unknown as number }],
    ['another time', { at: new Date('2025-06-01T09:00:00.001Z') }],
    ['another donor', { donor: 'Хтось' }],
    ['a name kept without its salt', { donorSalt: null }],
    ['another seq', { seq: 2 }],
    ['a donor on an expense', { kind: 'expense' as const }],
  ])('refuses %s', (_what, overrides) => {
    expect(entryProblem(CAMPAIGN, stored(overrides), 1, LEDGER_GENESIS_HASH)).toEqual(
      expect.any(String),
    );
  });

  it('refuses an entry chained to another previous hash (an earlier entry edited)', () => {
    expect(entryProblem(CAMPAIGN, stored(), 1, 'f'.repeat(64))).toEqual(expect.any(String));
  });
});
