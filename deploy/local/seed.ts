/**
 * `npm start -- --seed`: loads the demo data of `seed-data.ts` through the public HTTP API,
 * as people would (registration, organizations verified by the admin, initiatives published
 * by their organizers, volunteers applying, proposing, voting and reporting), so every rule
 * and every event path runs exactly as in use. Seeding twice changes nothing: it stops when
 * the first demo organization already exists.
 */
import {
  APPLICATIONS,
  INITIATIVES,
  ORGANIZATIONS,
  SeedInitiative,
  SeedPerson,
  VOLUNTEERS,
} from './seed-data';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface SeedOptions {
  baseUrl: string;
  admin: { email: string; password: string };
  /** The password of every demo account. */
  demoPassword: string;
  say: (line: string) => void;
}

export interface SeedSummary {
  skipped: boolean;
  organizations: number;
  initiatives: number;
  tasks: number;
  applications: number;
  proposals: number;
  votes: number;
  reports: number;
}

class SeedError extends Error {}

class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('rate limited');
  }
}

/** A thin client: JSON in and out, a problem's detail in the error when a call fails. */
class Api {
  constructor(private readonly baseUrl: string) {}

  /** The demo data comes from one address faster than a person types: rate limits wait. */
  async call<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(method, path, token, body);
      } catch (e) {
        if (!(e instanceof RateLimited) || attempt >= 5) throw e;
        await new Promise((r) => setTimeout(r, e.retryAfterSeconds * 1000));
      }
    }
  }

  private async once<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (res.status === 429) {
      throw new RateLimited(Math.min(30, Number(res.headers.get('retry-after') ?? 1) || 1));
    }
    if (!res.ok) {
      const problem = parsed as { detail?: string; errors?: unknown } | undefined;
      throw new SeedError(
        `${method} ${path} answered ${res.status}: ${problem?.detail ?? text}` +
          (problem?.errors ? ` ${JSON.stringify(problem.errors)}` : ''),
      );
    }
    return parsed as T;
  }
}

interface Session {
  accessToken: string;
  user: { id: string };
}

export async function seedDemoData(options: SeedOptions): Promise<SeedSummary> {
  const api = new Api(options.baseUrl);
  const summary: SeedSummary = {
    skipped: false,
    organizations: 0,
    initiatives: 0,
    tasks: 0,
    applications: 0,
    proposals: 0,
    votes: 0,
    reports: 0,
  };
  const admin = await api.call<Session>('POST', '/auth/login', undefined, options.admin);
  const signIn = async (person: SeedPerson): Promise<Session> => {
    const credentials = { email: person.email, password: options.demoPassword };
    try {
      return await api.call<Session>('POST', '/auth/login', undefined, credentials);
    } catch {
      return api.call<Session>('POST', '/auth/register', undefined, {
        ...credentials,
        displayName: person.displayName,
        locale: person.locale,
      });
    }
  };

  const first = ORGANIZATIONS[0]!;
  const existing = await api.call<{ items: { name: string }[] }>(
    'GET',
    `/organizations?region=${first.region}&limit=100`,
  );
  if (existing.items.some((o) => o.name === first.name)) {
    return { ...summary, skipped: true };
  }

  // Organizations: created by their owners, verified by the admin; owners sign in again so
  // their tokens carry the membership (tokens carry verified memberships only).
  const owners = new Map<string, { token: string; organizationId: string }>();
  for (const org of ORGANIZATIONS) {
    const owner = await signIn(org.owner);
    const created = await api.call<{ id: string }>('POST', '/organizations', owner.accessToken, {
      name: org.name,
      kind: org.kind,
      region: org.region,
      description: org.description,
    });
    await api.call('POST', `/organizations/${created.id}/verify`, admin.accessToken);
    const again = await signIn(org.owner);
    owners.set(org.key, { token: again.accessToken, organizationId: created.id });
    summary.organizations++;
  }

  const volunteers = new Map<string, string>();
  for (const volunteer of VOLUNTEERS) {
    const session = await signIn(volunteer);
    const { email: _email, displayName: _name, locale: _locale, ...profile } = volunteer;
    await api.call('PATCH', '/me', session.accessToken, {
      ...profile,
      contactable: true,
      researchConsent: true,
    });
    volunteers.set(volunteer.email.split('@')[0]!, session.accessToken);
  }
  const volunteer = (key: string): string => {
    const token = volunteers.get(key);
    if (!token) throw new SeedError(`seed data names an unknown volunteer ${key}`);
    return token;
  };

  const taskIds = new Map<string, string>();
  for (const initiative of INITIATIVES) {
    const owner = owners.get(initiative.organization);
    if (!owner) throw new SeedError(`unknown organization ${initiative.organization}`);
    const id = await createInitiative(api, owner, initiative, taskIds, summary);
    for (const proposal of initiative.proposals ?? []) {
      const created = await api.call<{ id: string }>(
        'POST',
        `/initiatives/${id}/proposals`,
        volunteer(proposal.by),
        { title: proposal.title, body: proposal.body },
      );
      summary.proposals++;
      for (const voter of proposal.votes) {
        await api.call('POST', `/proposals/${created.id}/votes`, volunteer(voter));
        summary.votes++;
      }
    }
    for (const report of initiative.reports ?? []) {
      const created = await api.call<{ id: string }>(
        'POST',
        `/initiatives/${id}/reports`,
        volunteer(report.by),
        {
          title: report.title,
          description: report.description,
          severity: report.severity,
          location: report.location,
          observedAt: new Date(Date.now() - report.daysAgo * DAY_MS).toISOString(),
        },
      );
      await api.call('PATCH', `/reports/${created.id}`, owner.token, {
        status: 'verified',
        response: 'Дякуємо! Передали звернення відповідальній службі.',
      });
      summary.reports++;
    }
  }

  for (const [who, initiativeTitle, taskTitle] of APPLICATIONS) {
    const taskId = taskIds.get(`${initiativeTitle}|${taskTitle}`);
    if (!taskId) throw new SeedError(`seed data names an unknown task ${taskTitle}`);
    await api.call('POST', `/tasks/${taskId}/applications`, volunteer(who), {
      message: 'Готовий допомогти, маю досвід.',
    });
    summary.applications++;
  }
  return summary;
}

async function createInitiative(
  api: Api,
  owner: { token: string; organizationId: string },
  initiative: SeedInitiative,
  taskIds: Map<string, string>,
  summary: SeedSummary,
): Promise<string> {
  const { organization: _key, tasks, proposals: _p, reports: _r, ...fields } = initiative;
  const created = await api.call<{ id: string }>('POST', '/initiatives', owner.token, {
    ...fields,
    organizationId: owner.organizationId,
  });
  summary.initiatives++;
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  for (const task of tasks ?? []) {
    const startsAt = new Date(today.getTime() + task.day * DAY_MS + task.hour * HOUR_MS);
    const made = await api.call<{ id: string }>(
      'POST',
      `/initiatives/${created.id}/tasks`,
      owner.token,
      {
        title: task.title,
        description: task.description,
        requiredSkills: task.requiredSkills,
        slots: task.slots,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + task.hours * HOUR_MS).toISOString(),
        location: initiative.location,
        urgency: task.urgency,
        autoAccept: task.autoAccept,
      },
    );
    taskIds.set(`${prefixOf(initiative.title)}|${prefixOf(task.title)}`, made.id);
    summary.tasks++;
  }
  await api.call('POST', `/initiatives/${created.id}/publish`, owner.token);
  return created.id;
}

/** Applications name initiatives and tasks by the start of their titles (see APPLICATIONS). */
function prefixOf(title: string): string {
  const match = APPLICATIONS.flatMap(([, i, t]) => [i, t]).find((p) => title.startsWith(p));
  return match ?? title;
}
