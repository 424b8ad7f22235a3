import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A GeoJSON point, `[lng, lat]`, as a 2dsphere index reads it. */
@Schema({ _id: false, strict: 'throw' })
export class GeoPointEntry {
  @Prop({ type: String, required: true, enum: ['Point'] })
  type!: 'Point';

  @Prop({ type: [Number], required: true })
  coordinates!: [number, number];
}

export const GeoPointEntrySchema = SchemaFactory.createForClass(GeoPointEntry);
