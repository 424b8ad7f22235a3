import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ClientSession, Model, Types } from 'mongoose';
import { RefreshToken } from './schemas/refresh-token.schema';

export interface NewRefreshToken {
  tokenHash: string;
  familyId: string;
  userId: Types.ObjectId;
  createdAt: Date;
  expiresAt: Date;
}

/** The only code that touches the refresh_tokens collection. */
@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectModel(RefreshToken.name) private readonly tokens: Model<RefreshToken>) {}

  async insert(token: NewRefreshToken, session?: ClientSession): Promise<void> {
    await this.tokens.create(
      [{ ...token, spentAt: null, successorSealed: null, revokedAt: null }],
      {
        session,
      },
    );
  }

  findByHash(tokenHash: string, session?: ClientSession): Promise<RefreshToken | null> {
    return this.tokens.findOne({ tokenHash }, null, { session }).lean<RefreshToken>().exec();
  }

  /** Marks a live token spent; false when another request spent or revoked it first. */
  async markSpent(
    id: Types.ObjectId,
    spentAt: Date,
    successorSealed: string,
    session: ClientSession,
  ): Promise<boolean> {
    const result = await this.tokens
      .updateOne(
        { _id: id, spentAt: null, revokedAt: null },
        { $set: { spentAt, successorSealed } },
        { session },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  /** Revokes every live token of the user (all families), e.g. when a role is taken away. */
  async revokeAllForUser(
    userId: Types.ObjectId,
    revokedAt: Date,
    session?: ClientSession,
  ): Promise<void> {
    await this.tokens
      .updateMany(
        { userId, revokedAt: null },
        { $set: { revokedAt, successorSealed: null } },
        { session },
      )
      .exec();
  }

  async revokeFamily(familyId: string, revokedAt: Date): Promise<void> {
    await this.tokens
      .updateMany({ familyId, revokedAt: null }, { $set: { revokedAt, successorSealed: null } })
      .exec();
  }
}
