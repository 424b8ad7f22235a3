/**
 * Proactive outreach: when an urgent (high or critical) task becomes takeable (created or
 * raised to urgent in a published initiative, its initiative published) or one of its slots
 * frees up (an accepted volunteer withdrew or was rejected, and nobody waits on the waitlist),
 * the best-matching contactable volunteers hear about it.
 *
 * Runs inside the durable consumer's transaction of the triggering event, so an event's
 * outreach happens exactly once, and only for fresh events (a replay of old events notifies
 * nobody; `outreach_runs` also remembers which event ran for which task). Per trigger:
 * - up to 3 people per open slot (at most 30), scoring at least 0.35, none of whom applied to
 *   the task or was told about it before (a task full or closed has no trigger: it stops);
 * - at most 3 notifications per person per Kyiv day (`outreach_days`, one document per person
 *   and day, so concurrent outreach conflicts and retries rather than passing the limit);
 * - fairness: candidates are ordered by score in steps of 0.05 ("equally good"), then by who
 *   got fewer notifications in the last 7 days, then who was notified longest ago, then a
 *   hash of task and person (so ties do not always favour the same ids).
 */
import { Inject, Injectable } from '@nestjs/common';
import type { ClientSession } from 'mongoose';
import {
  MATCHING_LIMITS,
  SLOT_HOLDING_STATUSES,
  type EventEnvelope,
  type NotificationKind,
  type TaskUrgency,
} from '@spilno/contracts';
import { CLOCK, type Clock } from '../common/clock';
import { MatchingIndex, type Ranked, type VolunteerEntry } from '../index/matching-index';
import { dayKey } from '../index/week-time';
import { reasonsFor } from '../ranking/reasons';
import { notificationTitle, shiftText } from '../ranking/phrases';
import { SkillNames } from '../ranking/skill-names';
import type { ReadModelEffect, ReadModelStore } from '../read-model/read-model.reducer';
import { ReadModelRepository } from '../read-model/read-model.repository';
import type { InitiativeRecord, TaskRecord } from '../read-model/records';
import { NotificationsRepository } from '../notifications/notifications.repository';
import { DELIVERY_CHANNELS, type DeliveryChannel } from './delivery-channel';
import { OutreachRepository } from './outreach.repository';

/** Events older than this start no outreach (a replay, a long outage): the moment passed. */
export const OUTREACH_FRESHNESS_MS = 60 * 60_000;
const FAIRNESS_WINDOW_MS = 7 * 86_400_000;
const TIER_STEP = 0.05;
const URGENT: readonly TaskUrgency[] = ['high', 'critical'];
const FREEING: readonly string[] = ['withdrawn', 'rejected'];

export interface OutreachTrigger {
  task: TaskRecord;
  initiative: InitiativeRecord | null;
  kind: NotificationKind;
}

@Injectable()
export class OutreachService {
  constructor(
    private readonly index: MatchingIndex,
    private readonly readModel: ReadModelRepository,
    private readonly ledger: OutreachRepository,
    private readonly notifications: NotificationsRepository,
    private readonly skillNames: SkillNames,
    @Inject(DELIVERY_CHANNELS) private readonly channels: readonly DeliveryChannel[],
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Reaches out for what `effect` made takeable; in the event's transaction. */
  async follow(
    event: EventEnvelope,
    effect: ReadModelEffect,
    store: ReadModelStore,
    session: ClientSession,
  ): Promise<number> {
    const now = this.clock.now();
    if (now.getTime() - Date.parse(event.occurredAt) > OUTREACH_FRESHNESS_MS) return 0;
    let notified = 0;
    for (const trigger of await this.triggersOf(effect, store, now, session)) {
      notified += await this.reach(trigger, event.id, now, session);
    }
    return notified;
  }

  private async triggersOf(
    effect: ReadModelEffect,
    store: ReadModelStore,
    now: Date,
    session: ClientSession,
  ): Promise<OutreachTrigger[]> {
    switch (effect.kind) {
      case 'task': {
        const initiative = await store.initiative(effect.after.initiativeId);
        if (!takeable(effect.after, initiative, now)) return [];
        const before = effect.before;
        if (before && takeable(before, initiative, now)) return [];
        const wasFull =
          before !== null &&
          URGENT.includes(before.urgency) &&
          before.status === 'open' &&
          before.filled >= before.slots;
        return [{ task: effect.after, initiative, kind: wasFull ? 'slot_freed' : 'urgent_task' }];
      }
      case 'initiative': {
        const { before, after } = effect;
        if (after.status !== 'published' || before?.status === 'published') return [];
        const tasks = await this.readModel.openTasksOf(after._id, session);
        return tasks
          .filter((task) => takeable(task, after, now))
          .map((task) => ({ task, initiative: after, kind: 'urgent_task' as const }));
      }
      case 'application': {
        const { previousStatus, after, taskAfter } = effect;
        if (!taskAfter || previousStatus === null) return [];
        if (!SLOT_HOLDING_STATUSES.includes(previousStatus) || !FREEING.includes(after.status)) {
          return [];
        }
        const initiative = await store.initiative(taskAfter.initiativeId);
        if (!takeable(taskAfter, initiative, now)) return [];
        // The first waitlisted volunteer gets the slot (the initiatives service promotes them).
        if (await this.readModel.hasWaitlist(taskAfter._id, session)) return [];
        return [{ task: taskAfter, initiative, kind: 'slot_freed' }];
      }
      case 'none':
      case 'volunteer':
      case 'erased':
        return [];
      default:
        return assertNever(effect);
    }
  }

  /** Notifies the best eligible people for one trigger; how many. */
  private async reach(
    trigger: OutreachTrigger,
    eventId: string,
    now: Date,
    session: ClientSession,
  ): Promise<number> {
    const { task } = trigger;
    const runId = `${eventId}:${task._id}`;
    if (await this.ledger.hasRun(runId, session)) return 0;
    const wanted = Math.min(
      MATCHING_LIMITS.notifiedPerTrigger,
      (task.slots - task.filled) * MATCHING_LIMITS.notifiedPerOpenSlot,
    );
    const entry = this.index.entryFor(task);
    const pool = this.index
      .rankVolunteersFor(entry, now, wanted * 4 + 20)
      .filter((c) => c.score >= MATCHING_LIMITS.outreachMinScore);
    const chosen = await this.choose(task, pool, wanted, now, session);
    const day = dayKey(now);
    for (const candidate of chosen) {
      const volunteer = candidate.entry;
      const locale = volunteer.record.locale;
      const reasons = reasonsFor(volunteer, entry, candidate.km, {
        locale,
        perspective: 'volunteer',
        now,
        skillName: (code, l) => this.skillNames.nameOf(code, l),
      });
      const message = {
        userId: volunteer.id,
        locale,
        kind: trigger.kind,
        taskId: task._id,
        initiativeId: task.initiativeId,
        title: notificationTitle(trigger.kind, task.title, locale),
        body: [trigger.initiative?.title, shiftText(task.startsAt, task.endsAt, locale), ...reasons]
          .filter(Boolean)
          .join(' · '),
        createdAt: now,
      };
      await this.ledger.countOne(volunteer.id, day, session);
      await this.ledger.recordNotice(task._id, volunteer.id, now, session);
      for (const channel of this.channels) await channel.deliver(message, session);
    }
    await this.ledger.recordRun(runId, chosen.length, now, session);
    return chosen.length;
  }

  /** Who of the ranked pool hears about the task: eligible today, in fair order. */
  private async choose(
    task: TaskRecord,
    pool: Ranked<VolunteerEntry>[],
    wanted: number,
    now: Date,
    session: ClientSession,
  ): Promise<Ranked<VolunteerEntry>[]> {
    const ids = pool.map((c) => c.entry.id);
    // One after another: a transaction's operations must not run in parallel.
    const told = await this.ledger.noticedAmong(task._id, ids, session);
    const applied = await this.readModel.appliedAmong(task._id, ids, session);
    const today = await this.ledger.countsOn(dayKey(now), ids, session);
    const since = new Date(now.getTime() - FAIRNESS_WINDOW_MS);
    const recent = await this.notifications.recentOf(ids, since, session);
    const open = pool.filter(
      (c) =>
        !told.has(c.entry.id) &&
        !applied.has(c.entry.id) &&
        (today.get(c.entry.id) ?? 0) < MATCHING_LIMITS.notificationsPerDay,
    );
    const keyOf = (c: Ranked<VolunteerEntry>) => {
      const seen = recent.get(c.entry.id);
      return {
        tier: Math.floor(c.score / TIER_STEP + 1e-9),
        count: seen?.count ?? 0,
        last: seen?.last ?? -Infinity,
        hash: fnv1a(`${task._id}:${c.entry.id}`),
        id: c.entry.id,
      };
    };
    const keyed = open.map((c) => ({ c, k: keyOf(c) }));
    keyed.sort(
      (a, b) =>
        b.k.tier - a.k.tier ||
        a.k.count - b.k.count ||
        a.k.last - b.k.last ||
        a.k.hash - b.k.hash ||
        (a.k.id < b.k.id ? -1 : a.k.id > b.k.id ? 1 : 0),
    );
    return keyed.slice(0, wanted).map((x) => x.c);
  }
}

/** An urgent task volunteers may take now: open, not full, public, its shift ahead. */
export function takeable(
  task: TaskRecord,
  initiative: InitiativeRecord | null,
  now: Date,
): boolean {
  const status = initiative?.status ?? task.initiativeStatus;
  return (
    URGENT.includes(task.urgency) &&
    task.status === 'open' &&
    task.filled < task.slots &&
    status === 'published' &&
    task.startsAt.getTime() > now.getTime()
  );
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function assertNever(value: never): never {
  throw new Error(`unhandled read-model effect: ${JSON.stringify(value)}`);
}
