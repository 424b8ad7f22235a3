import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { NOTIFICATION_KINDS, type NotificationKind } from '@spilno/contracts';

export const NOTIFICATIONS_COLLECTION = 'notifications';

/** One message in a person's in-app inbox, written in their locale when it was sent. */
@Schema({ collection: NOTIFICATIONS_COLLECTION, strict: 'throw', versionKey: false })
export class Notification {
  _id!: Types.ObjectId;

  @Prop({ type: String, required: true })
  userId!: string;

  @Prop({ type: String, required: true, enum: NOTIFICATION_KINDS })
  kind!: NotificationKind;

  @Prop({ type: String, default: null })
  taskId!: string | null;

  @Prop({ type: String, default: null })
  initiativeId!: string | null;

  @Prop({ type: String, required: true })
  title!: string;

  @Prop({ type: String, required: true })
  body!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, default: null })
  readAt!: Date | null;
}

export const NotificationSchema = SchemaFactory.createForClass(Notification);
// The inbox, newest first, and fairness (a person's notifications since a day):
// find({ userId, createdAt < cursor }).sort({ createdAt: -1, _id: -1 }).
NotificationSchema.index({ userId: 1, createdAt: -1, _id: -1 });
