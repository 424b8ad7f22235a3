import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import { LOCALES, type Locale, type Role } from '@spilno/contracts';

@Schema({ collection: 'users', timestamps: true, strict: 'throw' })
export class User {
  _id!: Types.ObjectId;

  /** Normalised: trimmed, lower-case. */
  @Prop({ type: String, required: true })
  email!: string;

  /** argon2id PHC string. */
  @Prop({ type: String, required: true })
  passwordHash!: string;

  @Prop({ type: String, required: true })
  displayName!: string;

  @Prop({ type: String, required: true, enum: LOCALES })
  locale!: Locale;

  @Prop({ type: [String], required: true })
  roles!: Role[];

  createdAt!: Date;
  updatedAt!: Date;
}

export type UserDocument = HydratedDocument<User>;

export const UserSchema = SchemaFactory.createForClass(User);

// Sign-in and registration look accounts up by email; unique, so two registrations racing
// with one address cannot both win.
UserSchema.index({ email: 1 }, { unique: true });
