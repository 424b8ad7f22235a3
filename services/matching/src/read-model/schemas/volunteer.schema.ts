import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  LOCALES,
  REGION_CODES,
  type GeoPoint,
  type Locale,
  type RegionCode,
  type Weekday,
} from '@spilno/contracts';
import type { VolunteerRecord } from '../records';

export const VOLUNTEERS_COLLECTION = 'volunteers';

@Schema({ _id: false, strict: 'throw' })
export class SkillEntry {
  @Prop({ type: String, required: true })
  code!: string;

  @Prop({ type: Number, required: true })
  level!: 1 | 2 | 3;
}

@Schema({ _id: false, strict: 'throw' })
export class WindowEntry {
  @Prop({ type: String, required: true })
  day!: Weekday;

  @Prop({ type: String, required: true })
  from!: string;

  @Prop({ type: String, required: true })
  to!: string;
}

@Schema({ _id: false, strict: 'throw' })
export class PointEntry implements GeoPoint {
  @Prop({ type: Number, required: true })
  lat!: number;

  @Prop({ type: Number, required: true })
  lng!: number;
}

/**
 * A person as matching needs them (`VolunteerRecord`; `_id` is the user id): skills, windows,
 * place, whether organizers may contact them, weekly hours, locale and display name.
 */
@Schema({ collection: VOLUNTEERS_COLLECTION, strict: 'throw', versionKey: false })
export class Volunteer implements VolunteerRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  displayName!: string;

  @Prop({ type: String, required: true, enum: LOCALES })
  locale!: Locale;

  @Prop({ type: [SchemaFactory.createForClass(SkillEntry)], default: [] })
  skills!: SkillEntry[];

  @Prop({ type: [SchemaFactory.createForClass(WindowEntry)], default: [] })
  availability!: WindowEntry[];

  @Prop({ type: String, default: null, enum: [...REGION_CODES, null] })
  region!: RegionCode | null;

  @Prop({ type: SchemaFactory.createForClass(PointEntry), default: null })
  location!: PointEntry | null;

  @Prop({ type: Boolean, required: true })
  contactable!: boolean;

  @Prop({ type: Number, default: null })
  maxHoursPerWeek!: number | null;

  @Prop({ type: Date, required: true })
  profileUpdatedAt!: Date;
}

export const VolunteerSchema = SchemaFactory.createForClass(Volunteer);
// Read by _id (events) and whole (the index at boot): no secondary index.
