/** Tasks as answers and as event payloads. */
import { subject } from '@casl/ability';
import type { TaskEvent, TaskListItem, TaskView } from '@spilno/contracts';
import { fromGeoJson } from '../common/geo';
import { excerptOf } from '../common/search-text';
import { Task } from './schemas/task.schema';

/** The task as CASL conditions read it: its organization and its initiative's status. */
export function taskSubject(task: Pick<Task, 'organizationId' | 'initiativeStatus'>) {
  return subject('Task', {
    organizationId: task.organizationId.toHexString(),
    initiativeStatus: task.initiativeStatus,
  });
}

function fieldsOf(task: Task) {
  return {
    id: task._id.toHexString(),
    initiativeId: task.initiativeId.toHexString(),
    organizationId: task.organizationId.toHexString(),
    title: task.title,
    requiredSkills: task.requiredSkills,
    slots: task.slots,
    filled: task.filled,
    startsAt: task.startsAt.toISOString(),
    endsAt: task.endsAt.toISOString(),
    location: fromGeoJson(task.location),
    region: task.region,
    urgency: task.urgency,
    autoAccept: task.autoAccept,
    status: task.status,
    sourceReportId: task.sourceReportId ? task.sourceReportId.toHexString() : null,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
    closedAt: task.closedAt ? task.closedAt.toISOString() : null,
  };
}

export function toTaskView(task: Task): TaskView {
  return { ...fieldsOf(task), description: task.description ?? null };
}

export function toTaskListItem(task: Task): TaskListItem {
  return { ...fieldsOf(task), excerpt: task.description ? excerptOf(task.description) : null };
}

/** What matching needs of a task; no description, nothing about people. */
export function toTaskEvent(task: Task, changedAt: Date): TaskEvent {
  const view = fieldsOf(task);
  return {
    taskId: view.id,
    initiativeId: view.initiativeId,
    organizationId: view.organizationId,
    title: view.title,
    requiredSkills: view.requiredSkills,
    slots: view.slots,
    filled: view.filled,
    startsAt: view.startsAt,
    endsAt: view.endsAt,
    location: view.location,
    region: view.region,
    urgency: view.urgency,
    autoAccept: view.autoAccept,
    status: view.status,
    initiativeStatus: task.initiativeStatus,
    sourceReportId: view.sourceReportId,
    changedAt: changedAt.toISOString(),
  };
}
