/**
 * The HTTP clients of `npm run bench:auth`: one JSON POST that never throws (a failure is an
 * answer with status 0), an open-loop pacer that fires on schedule whatever the answers take,
 * and nearest-rank percentiles.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Answer {
  /** HTTP status; 0 when no answer came (connection error, timeout). */
  status: number;
  ms: number;
  /** The problem's `detail`, or the client error's message. */
  detail: string;
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, ms: performance.now() - started, detail: problemDetail(text) };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { status: 0, ms: performance.now() - started, detail };
  }
}

function problemDetail(text: string): string {
  try {
    const parsed = JSON.parse(text) as { detail?: unknown };
    return typeof parsed.detail === 'string' ? parsed.detail : '';
  } catch {
    return '';
  }
}

/**
 * Calls `send(i)` at `perSecond`, on a fixed schedule from the start (open loop: a slow answer
 * does not delay the next request), for `seconds`; resolves when every answer is in.
 */
export async function paced(
  perSecond: number,
  seconds: number,
  send: (i: number) => Promise<void>,
): Promise<{ sent: number; spanSeconds: number }> {
  const count = Math.max(1, Math.floor(perSecond * seconds));
  const intervalMs = 1000 / perSecond;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = started + i * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(send(i));
  }
  const spanSeconds = (performance.now() - started + intervalMs) / 1000;
  await Promise.all(pending);
  return { sent: count, spanSeconds };
}

/** Nearest-rank percentile of unsorted samples; NaN for none. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
