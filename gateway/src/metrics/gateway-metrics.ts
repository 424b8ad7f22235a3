/**
 * Prometheus metrics of one gateway instance, in a registry of its own (not prom-client's
 * global one), so several apps in one process (tests, the benchmark) do not collide.
 * Labels are bounded: the route pattern, never the raw URL; NATS subjects are constants.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { RpcOutcome } from '@spilno/messaging';
import { LabelledHistogram } from './labelled-histogram';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Route label of requests that matched no route, so scanners cannot grow the label set. */
export const UNMATCHED_ROUTE = 'unmatched';

export class GatewayMetrics {
  readonly registry = new Registry();

  private readonly http = new LabelledHistogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    counter: {
      name: 'http_requests_total',
      help: 'HTTP requests by method, route pattern and status',
    },
  });

  private readonly nats = new LabelledHistogram({
    name: 'nats_request_duration_seconds',
    help: 'NATS request/reply latency by subject and outcome (ok, error, timeout, unavailable)',
    labelNames: ['subject', 'outcome'],
    buckets: LATENCY_BUCKETS,
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.http.registerIn(this.registry);
    this.nats.registerIn(this.registry);
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.http.observe([method, route, statusLabel(status)], seconds);
  }

  readonly observeRpc = (subject: string, seconds: number, outcome: RpcOutcome): void => {
    this.nats.observe([subject, outcome], seconds);
  };

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

const STATUS_LABELS = new Map<number, string>();

/** Status codes are few; their label strings are made once. */
function statusLabel(status: number): string {
  let label = STATUS_LABELS.get(status);
  if (label === undefined) STATUS_LABELS.set(status, (label = String(status)));
  return label;
}
