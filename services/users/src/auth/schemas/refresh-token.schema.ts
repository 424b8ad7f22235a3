import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * One refresh token of a family (a sign-in and all its rotations). Only the SHA-256 of the
 * token is stored. A spent token keeps its successor sealed with a key derived from the spent
 * token itself, so only its holder can recover the successor, and only within the grace window.
 */
@Schema({ collection: 'refresh_tokens', strict: 'throw', versionKey: false })
export class RefreshToken {
  _id!: Types.ObjectId;

  /** SHA-256 of the token, hex. */
  @Prop({ type: String, required: true })
  tokenHash!: string;

  @Prop({ type: String, required: true })
  familyId!: string;

  @Prop({ type: Types.ObjectId, required: true })
  userId!: Types.ObjectId;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  @Prop({ type: Date, default: null })
  spentAt!: Date | null;

  /** The successor token, AES-256-GCM sealed with a key derived from this token; base64url. */
  @Prop({ type: String, default: null })
  successorSealed!: string | null;

  @Prop({ type: Date, default: null })
  revokedAt!: Date | null;
}

export const RefreshTokenSchema = SchemaFactory.createForClass(RefreshToken);

// Refresh and logout find a token by its hash.
RefreshTokenSchema.index({ tokenHash: 1 }, { unique: true });
// Reuse detection and logout revoke a whole family.
RefreshTokenSchema.index({ familyId: 1 });
// Expired tokens are deleted by MongoDB's TTL monitor.
RefreshTokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
