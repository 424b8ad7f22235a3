/**
 * Delivery channels are plug-ins: outreach decides who hears about a task and writes one
 * message per person; each channel in `DELIVERY_CHANNELS` delivers it its way. The in-app
 * inbox is the one channel today. A push, SMS or Telegram channel records its delivery in the
 * outreach transaction (`deliver`) and sends after the commit from what it recorded (an
 * outbox of its own), so a message is neither lost nor sent twice; it declares its collection
 * in the personal-data registry.
 */
import type { ClientSession } from 'mongoose';
import type { Locale, NotificationKind } from '@spilno/contracts';

export const DELIVERY_CHANNELS = Symbol('DELIVERY_CHANNELS');

export interface OutreachMessage {
  userId: string;
  locale: Locale;
  kind: NotificationKind;
  taskId: string;
  initiativeId: string;
  title: string;
  body: string;
  createdAt: Date;
}

export interface DeliveryChannel {
  readonly name: string;
  /** Records (or sends) the message within the outreach transaction. */
  deliver(message: OutreachMessage, session: ClientSession): Promise<void>;
}
