/**
 * A Prometheus histogram (and the request counter derived from it) that costs one Map lookup
 * and a short bucket scan per observation. prom-client's Histogram validates and hashes its
 * label object on every `observe` (sorting keys, joining strings), which showed up at several
 * per cent of the gateway's CPU under load; here the caller passes the label values in a fixed
 * order and the key is their join. The output is prom-client's metric shape, so the gateway's
 * registry renders it next to the default process metrics.
 */
import type { Metric, Registry } from 'prom-client';

interface SampleValue {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/** What prom-client's registry reads from a metric's `get()` to render it. */
interface RenderedMetric {
  name: string;
  help: string;
  type: 'histogram' | 'counter';
  aggregator: 'sum';
  values: SampleValue[];
}

interface Series {
  labels: Record<string, string>;
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

export interface LabelledHistogramOptions {
  name: string;
  help: string;
  labelNames: readonly string[];
  buckets: readonly number[];
  /** Also expose `<counterName>` with the observation count per label set. */
  counter?: { name: string; help: string };
}

export class LabelledHistogram {
  private readonly series = new Map<string, Series>();
  private readonly buckets: readonly number[];

  constructor(private readonly options: LabelledHistogramOptions) {
    this.buckets = [...options.buckets].sort((a, b) => a - b);
  }

  /** `values` in the order of `labelNames`. */
  observe(values: readonly string[], seconds: number): void {
    const key = values.join('\u0000');
    let series = this.series.get(key);
    if (!series) {
      series = this.newSeries(values);
      this.series.set(key, series);
    }
    let i = 0;
    while (i < this.buckets.length && seconds > this.buckets[i]!) i++;
    series.counts[i]!++;
    series.sum += seconds;
    series.count++;
  }

  /** Adds the histogram (and its counter, if any) to `registry`. */
  registerIn(registry: Registry): void {
    registry.registerMetric(this.histogramMetric() as unknown as Metric);
    const counter = this.options.counter;
    if (counter) registry.registerMetric(this.counterMetric(counter) as unknown as Metric);
  }

  private newSeries(values: readonly string[]): Series {
    const labels: Record<string, string> = {};
    this.options.labelNames.forEach((name, i) => (labels[name] = values[i] ?? ''));
    return { labels, counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
  }

  private histogramMetric() {
    const { name, help } = this.options;
    return {
      name,
      help,
      type: 'histogram',
      get: async (): Promise<RenderedMetric> => ({
        name,
        help,
        type: 'histogram',
        aggregator: 'sum',
        values: [...this.series.values()].flatMap((s) => this.seriesValues(s)),
      }),
    };
  }

  private seriesValues(s: Series): SampleValue[] {
    const { name } = this.options;
    const values: SampleValue[] = [];
    let cumulative = 0;
    this.buckets.forEach((le, i) => {
      cumulative += s.counts[i]!;
      values.push({ metricName: `${name}_bucket`, labels: { le, ...s.labels }, value: cumulative });
    });
    values.push({
      metricName: `${name}_bucket`,
      labels: { le: '+Inf', ...s.labels },
      value: s.count,
    });
    values.push({ metricName: `${name}_sum`, labels: s.labels, value: s.sum });
    values.push({ metricName: `${name}_count`, labels: s.labels, value: s.count });
    return values;
  }

  private counterMetric(counter: { name: string; help: string }) {
    return {
      name: counter.name,
      help: counter.help,
      type: 'counter',
      get: async (): Promise<RenderedMetric> => ({
        name: counter.name,
        help: counter.help,
        type: 'counter',
        aggregator: 'sum',
        values: [...this.series.values()].map((s) => ({ labels: s.labels, value: s.count })),
      }),
    };
  }
}
