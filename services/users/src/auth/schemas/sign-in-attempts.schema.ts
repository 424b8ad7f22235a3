import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A fixed-window counter of sign-in attempts. `_id` is `<scope>:<key>:<window index>`, where the
 * key is a SHA-256 of the normalised email or the client IP, so no address is stored in clear.
 */
@Schema({ collection: 'sign_in_attempts', strict: 'throw', versionKey: false })
export class SignInAttempts {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true })
  count!: number;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;
}

export const SignInAttemptsSchema = SchemaFactory.createForClass(SignInAttempts);

// Counters of past windows are deleted by MongoDB's TTL monitor (lookups go by `_id`).
SignInAttemptsSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
