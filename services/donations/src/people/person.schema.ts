import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const PEOPLE_COLLECTION = 'people';

/**
 * A person's public name, from the users service's events: what the ledger shows for a
 * donation that is not anonymous (written into the entry when the donation is confirmed).
 * Personal data: deleted on the person's erasure.
 */
@Schema({ collection: PEOPLE_COLLECTION, strict: 'throw', versionKey: false })
export class Person {
  /** The user id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  displayName!: string;
}

export const PersonSchema = SchemaFactory.createForClass(Person);
// Reads are by _id only (the donor of a donation being confirmed).
