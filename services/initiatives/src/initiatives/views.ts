/** Initiatives as answers and as event payloads. */
import { subject } from '@casl/ability';
import type { InitiativeEvent, InitiativeListItem, InitiativeView } from '@spilno/contracts';
import { fromGeoJson } from '../common/geo';
import { excerptOf } from '../common/search-text';
import { Initiative } from './schemas/initiative.schema';

/** The initiative as CASL conditions read it (ids as strings). */
export function initiativeSubject(initiative: Pick<Initiative, 'organizationId' | 'status'>) {
  return subject('Initiative', {
    organizationId: initiative.organizationId.toHexString(),
    status: initiative.status,
  });
}

function fieldsOf(initiative: Initiative) {
  const stats = initiative.stats;
  return {
    id: initiative._id.toHexString(),
    organizationId: initiative.organizationId.toHexString(),
    title: initiative.title,
    mode: initiative.mode,
    category: initiative.category,
    region: initiative.region,
    district: initiative.district ?? null,
    location: fromGeoJson(initiative.location),
    startsAt: iso(initiative.startsAt),
    endsAt: iso(initiative.endsAt),
    tags: initiative.tags,
    status: initiative.status,
    skills: initiative.skills,
    stats: {
      tasks: stats.tasks,
      openSlots: stats.openSlots,
      volunteers: stats.volunteers,
      hours: stats.hours,
      proposals: stats.proposals,
      reports: stats.reports,
      raised: stats.raised,
    },
    createdAt: initiative.createdAt.toISOString(),
    updatedAt: initiative.updatedAt.toISOString(),
    publishedAt: iso(initiative.publishedAt),
    completedAt: iso(initiative.completedAt),
    cancelledAt: iso(initiative.cancelledAt),
  };
}

export function toInitiativeView(initiative: Initiative): InitiativeView {
  return { ...fieldsOf(initiative), description: initiative.description };
}

export function toInitiativeListItem(
  initiative: Initiative,
  distanceKm?: number,
): InitiativeListItem {
  const item: InitiativeListItem = {
    ...fieldsOf(initiative),
    excerpt: excerptOf(initiative.description),
  };
  if (distanceKm !== undefined) item.distanceKm = distanceKm;
  return item;
}

/** No description, no counters: what matching and donations keep about an initiative. */
export function toInitiativeEvent(initiative: Initiative, changedAt: Date): InitiativeEvent {
  const view = fieldsOf(initiative);
  return {
    initiativeId: view.id,
    organizationId: view.organizationId,
    title: view.title,
    mode: view.mode,
    category: view.category,
    region: view.region,
    district: view.district,
    location: view.location,
    startsAt: view.startsAt,
    endsAt: view.endsAt,
    tags: view.tags,
    skills: view.skills,
    status: view.status,
    publishedAt: view.publishedAt,
    completedAt: view.completedAt,
    cancelledAt: view.cancelledAt,
    changedAt: changedAt.toISOString(),
  };
}

function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
