import { ServiceName } from './events';

export interface DependencyHealth {
  name: string;
  ok: boolean;
  detail?: string;
}

/** What a service's health responder answers. */
export interface ServiceHealth {
  service: ServiceName;
  status: 'ok' | 'degraded';
  version: string;
  uptimeSeconds: number;
  dependencies: DependencyHealth[];
}
