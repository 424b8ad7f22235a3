import mongoose, { Types } from 'mongoose';
import { defineAbilityFor } from '@spilno/auth';
import type { Principal } from '@spilno/contracts';
import { readableOrganizationsFilter } from './readable-filter';

const orgA = new Types.ObjectId();
const orgB = new Types.ObjectId();

function principal(overrides: Partial<Principal> = {}): Principal {
  return {
    userId: new Types.ObjectId().toHexString(),
    roles: ['citizen'],
    memberships: [],
    ...overrides,
  };
}

describe('readableOrganizationsFilter', () => {
  it('lets an anonymous caller and a plain citizen read verified organizations only', () => {
    expect(readableOrganizationsFilter(defineAbilityFor(null))).toEqual({
      $or: [{ status: 'verified' }],
    });
    expect(readableOrganizationsFilter(defineAbilityFor(principal()))).toEqual({
      $or: [{ status: 'verified' }],
    });
  });

  it("adds a member's own organizations, by stored ObjectId, whatever their status", () => {
    const member = principal({
      memberships: [
        { organizationId: orgA.toHexString(), role: 'owner' },
        { organizationId: orgB.toHexString(), role: 'coordinator' },
      ],
    });

    const filter = readableOrganizationsFilter(defineAbilityFor(member));

    // Trusted: the hardened connection (sanitizeFilter) would otherwise neutralise the operator.
    expect(filter).toEqual({
      $or: [{ _id: mongoose.trusted({ $in: [orgA, orgB] }) }, { status: 'verified' }],
    });
  });

  it('lets an admin read everything', () => {
    expect(readableOrganizationsFilter(defineAbilityFor(principal({ roles: ['admin'] })))).toEqual(
      {},
    );
  });
});
