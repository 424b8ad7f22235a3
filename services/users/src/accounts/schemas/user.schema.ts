import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import {
  LOCALES,
  REGION_CODES,
  SKILL_LEVELS,
  WEEKDAYS,
  type Locale,
  type RegionCode,
  type Role,
  type SkillLevel,
  type Weekday,
} from '@spilno/contracts';

// Sub-documents carry no _id: they are values, replaced whole by a profile update.

@Schema({ _id: false, strict: 'throw' })
export class UserSkillEntry {
  @Prop({ type: String, required: true })
  code!: string;

  @Prop({ type: Number, required: true, enum: SKILL_LEVELS })
  level!: SkillLevel;
}

@Schema({ _id: false, strict: 'throw' })
export class AvailabilityEntry {
  @Prop({ type: String, required: true, enum: WEEKDAYS })
  day!: Weekday;

  /** `HH:MM` */
  @Prop({ type: String, required: true })
  from!: string;

  /** `HH:MM` or `24:00` */
  @Prop({ type: String, required: true })
  to!: string;
}

/** Rounded to 2 decimals (about 1 km) before it is stored. */
@Schema({ _id: false, strict: 'throw' })
export class ApproximateLocation {
  @Prop({ type: Number, required: true })
  lat!: number;

  @Prop({ type: Number, required: true })
  lng!: number;
}

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

  // The profile. Accounts created before profiles existed lack these fields; views default them.

  @Prop({ type: String, enum: [...REGION_CODES, null], default: null })
  region!: RegionCode | null;

  @Prop({ type: String, default: null })
  district!: string | null;

  @Prop({ type: Number, default: null })
  birthYear!: number | null;

  @Prop({ type: [String], default: [] })
  languages!: string[];

  @Prop({ type: [SchemaFactory.createForClass(UserSkillEntry)], default: [] })
  skills!: UserSkillEntry[];

  @Prop({ type: [SchemaFactory.createForClass(AvailabilityEntry)], default: [] })
  availability!: AvailabilityEntry[];

  @Prop({ type: Number, default: null })
  maxHoursPerWeek!: number | null;

  @Prop({ type: Boolean, default: false })
  contactable!: boolean;

  @Prop({ type: Boolean, default: false })
  researchConsent!: boolean;

  @Prop({ type: SchemaFactory.createForClass(ApproximateLocation), default: null })
  location!: ApproximateLocation | null;

  /** Set by erasure (`DELETE /me`): the account is a pseudonymous shell and can do nothing. */
  @Prop({ type: String, enum: ['erased'], required: false })
  status?: 'erased';

  @Prop({ type: Date, required: false })
  erasedAt?: Date;

  createdAt!: Date;
  updatedAt!: Date;
}

export type UserDocument = HydratedDocument<User>;

export const UserSchema = SchemaFactory.createForClass(User);

// Sign-in and registration look accounts up by email; unique, so two registrations racing
// with one address cannot both win.
UserSchema.index({ email: 1 }, { unique: true });
