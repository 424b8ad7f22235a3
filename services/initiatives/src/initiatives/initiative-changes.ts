/**
 * Listeners of changes to an initiative, called inside the change's transaction, so what they
 * write (the tasks follow their initiative's status and region) commits with it or not at all.
 * Other aggregates register here instead of the initiatives module knowing them.
 */
import { Injectable } from '@nestjs/common';
import type { ClientSession } from 'mongoose';
import { Initiative } from './schemas/initiative.schema';

export interface InitiativeChange {
  before: Initiative;
  after: Initiative;
  /** When the change happened, for events. */
  at: Date;
  session: ClientSession;
}

export type InitiativeChangeListener = (change: InitiativeChange) => Promise<void>;

@Injectable()
export class InitiativeChangeListeners {
  private readonly listeners: InitiativeChangeListener[] = [];

  register(listener: InitiativeChangeListener): void {
    this.listeners.push(listener);
  }

  async notify(change: InitiativeChange): Promise<void> {
    for (const listener of this.listeners) await listener(change);
  }
}
