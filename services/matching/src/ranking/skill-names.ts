/**
 * Skill names for reasons ("first aid, level 2"), from the users service's taxonomy
 * (`users.skill.list.v1`), asked once at start and again every 30 s until it answers. Requests
 * never wait for it: until the taxonomy is here, a reason names the code in words
 * (`first_aid` → "first aid").
 */
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { Subjects, type Locale, type SkillView } from '@spilno/contracts';
import type { Logger } from '@spilno/config';
import { errorSummary, JETSTREAM_CONNECTION, RpcClient, SERVICE_LOGGER } from '@spilno/messaging';

const RETRY_MS = 30_000;
const TIMEOUT_MS = 2000;

@Injectable()
export class SkillNames implements OnApplicationBootstrap, OnApplicationShutdown {
  private names = new Map<string, { uk: string; en: string }>();
  private readonly rpc: RpcClient;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(JETSTREAM_CONNECTION) nc: NatsConnection,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.rpc = new RpcClient(nc, TIMEOUT_MS);
  }

  onApplicationBootstrap(): void {
    void this.load();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** The skill's name in `locale`, lower-cased at the start as a reason reads it. */
  nameOf(code: string, locale: Locale): string {
    const name = this.names.get(code)?.[locale] ?? code.replace(/_/g, ' ');
    return lowerFirst(name);
  }

  get loaded(): boolean {
    return this.names.size > 0;
  }

  private async load(): Promise<void> {
    try {
      const skills = await this.rpc.send<SkillView[]>(
        Subjects.users.skillsList,
        {},
        { meta: { requestId: 'matching-skill-names', principal: null } },
      );
      this.names = new Map(skills.map((s) => [s.code, s.name]));
    } catch (e) {
      this.logger.warn({ err: errorSummary(e) }, 'skills taxonomy not loaded, retrying later');
      if (!this.stopped) this.timer = setTimeout(() => void this.load(), RETRY_MS);
    }
  }
}

/** "First aid" → "first aid"; an acronym ("IT support", "TCCC") keeps its capitals. */
function lowerFirst(name: string): string {
  const [first = '', second = ''] = name;
  if (second !== '' && second === second.toUpperCase() && second !== second.toLowerCase()) {
    return name;
  }
  return first.toLowerCase() + name.slice(first.length);
}
