import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { REGION_CODES, type RegionCode } from '@spilno/contracts';

export const VOLUNTEERS_COLLECTION = 'volunteers';

@Schema({ _id: false, strict: 'throw' })
export class VolunteerSkillEntry {
  @Prop({ type: String, required: true })
  code!: string;

  @Prop({ type: Number, required: true })
  level!: 1 | 2 | 3;
}

@Schema({ _id: false, strict: 'throw' })
export class AvailabilityEntry {
  @Prop({ type: String, required: true })
  day!: 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

  @Prop({ type: String, required: true })
  from!: string;

  @Prop({ type: String, required: true })
  to!: string;
}

/**
 * A read model of people, built from the users service's events (`user.registered`,
 * `user.updated`; `user.erased` removes the person): what organizers see of a volunteer who
 * applied to their task (the organizer-readable profile, never email, birth year or location)
 * and the display names of proposal authors. `_id` is the user id.
 */
@Schema({ collection: VOLUNTEERS_COLLECTION, strict: 'throw', versionKey: false })
export class Volunteer {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  displayName!: string;

  @Prop({ type: [SchemaFactory.createForClass(VolunteerSkillEntry)], default: [] })
  skills!: VolunteerSkillEntry[];

  @Prop({ type: [String], default: [] })
  languages!: string[];

  @Prop({ type: String, default: null, enum: [...REGION_CODES, null] })
  region!: RegionCode | null;

  @Prop({ type: String, default: null })
  district!: string | null;

  @Prop({ type: [SchemaFactory.createForClass(AvailabilityEntry)], default: [] })
  availability!: AvailabilityEntry[];

  @Prop({ type: Boolean, required: true, default: false })
  contactable!: boolean;

  /** The profile's `updatedAt` in the users service: an older snapshot never replaces a newer one. */
  @Prop({ type: Date, required: true })
  profileUpdatedAt!: Date;
}

export const VolunteerSchema = SchemaFactory.createForClass(Volunteer);
// Read by _id ($in of a page's applicants or authors).
