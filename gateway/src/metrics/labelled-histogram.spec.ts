import { Registry } from 'prom-client';
import { LabelledHistogram } from './labelled-histogram';

describe('LabelledHistogram', () => {
  function render(observations: [string[], number][]): Promise<string> {
    const registry = new Registry();
    const histogram = new LabelledHistogram({
      name: 'demo_seconds',
      help: 'demo latency',
      labelNames: ['route', 'status'],
      buckets: [0.1, 0.01, 1],
      counter: { name: 'demo_total', help: 'demo requests' },
    });
    histogram.registerIn(registry);
    for (const [labels, seconds] of observations) histogram.observe(labels, seconds);
    return registry.metrics();
  }

  it('renders cumulative buckets, sum, count and the derived counter per label set', async () => {
    const text = await render([
      [['/a', '200'], 0.005],
      [['/a', '200'], 0.05],
      [['/a', '200'], 5],
      [['/b', '404'], 0.01],
    ]);
    expect(text).toContain('# TYPE demo_seconds histogram');
    expect(text).toContain('demo_seconds_bucket{le="0.01",route="/a",status="200"} 1');
    expect(text).toContain('demo_seconds_bucket{le="0.1",route="/a",status="200"} 2');
    expect(text).toContain('demo_seconds_bucket{le="1",route="/a",status="200"} 2');
    expect(text).toContain('demo_seconds_bucket{le="+Inf",route="/a",status="200"} 3');
    expect(text).toContain('demo_seconds_sum{route="/a",status="200"} 5.055');
    expect(text).toContain('demo_seconds_count{route="/a",status="200"} 3');
    // A value equal to a bound falls in that bucket (Prometheus buckets are "less or equal").
    expect(text).toContain('demo_seconds_bucket{le="0.01",route="/b",status="404"} 1');
    expect(text).toContain('# TYPE demo_total counter');
    expect(text).toContain('demo_total{route="/a",status="200"} 3');
    expect(text).toContain('demo_total{route="/b",status="404"} 1');
  });

  it('escapes label values as prom-client does', async () => {
    const text = await render([[['/a"b\\c', '200'], 0.5]]);
    expect(text).toContain('demo_total{route="/a\\"b\\\\c",status="200"} 1');
  });

  it('renders nothing but the headers before the first observation', async () => {
    const text = await render([]);
    expect(text).toContain('# HELP demo_seconds demo latency');
    expect(text).not.toContain('demo_seconds_bucket');
  });
});
