/**
 * Test helpers: gateway config for a test NATS, a fake service speaking NestJS's NATS packet
 * format over a real nats.js connection, and a pino logger whose lines the test can read.
 */
import { Writable } from 'node:stream';
import { connect, Msg, NatsConnection, Subscription } from 'nats';
import pino from 'pino';
import { REDACTED_PATHS } from '@spilno/config';
import type { Logger } from '@spilno/config';
import { RequestEnvelope, RpcErrorPayload } from '@spilno/contracts';
import { natsConnectionOptions } from '@spilno/messaging';
import { GatewayConfig, loadGatewayConfig } from '../src/config/gateway.config';

export const TEST_JWT_SECRET = 'gateway-tests-secret-at-least-32-characters';

export function testConfig(natsUrl: string, env: Record<string, string> = {}): GatewayConfig {
  return loadGatewayConfig({
    NATS_URL: natsUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    RPC_TIMEOUT_MS: '300',
    HEALTH_TIMEOUT_MS: '300',
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_BURST: '1000000',
    ...env,
  });
}

export interface Received {
  envelope: RequestEnvelope<unknown>;
  headerRequestId: string | undefined;
}

/** What a handler answers: a value, or an RPC error (as a service's RpcErrorFilter sends it). */
export type FakeAnswer = { response: unknown } | { err: RpcErrorPayload | string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class FakeService {
  readonly received: Received[] = [];
  private readonly subscriptions = new Map<string, Subscription>();

  private constructor(private readonly connection: NatsConnection) {}

  static async start(natsUrl: string): Promise<FakeService> {
    return new FakeService(await connect(natsConnectionOptions([natsUrl], 'fake-service')));
  }

  /** Answers `subject` the way a NestJS `@MessagePattern` handler would. */
  answer(subject: string, handler: (envelope: RequestEnvelope<unknown>) => FakeAnswer): void {
    this.subscribe(subject, (msg) => {
      const packet = JSON.parse(decoder.decode(msg.data)) as {
        id: string;
        data: RequestEnvelope<unknown>;
      };
      this.received.push({
        envelope: packet.data,
        headerRequestId: msg.headers?.get('X-Request-Id') || undefined,
      });
      const answer = handler(packet.data);
      msg.respond(encoder.encode(JSON.stringify({ id: packet.id, ...answer, isDisposed: true })));
    });
  }

  /** Subscribes to `subject` and never answers: a hung service. */
  ignore(subject: string): void {
    this.subscribe(subject, () => undefined);
  }

  stopAnswering(subject: string): void {
    this.subscriptions.get(subject)?.unsubscribe();
    this.subscriptions.delete(subject);
  }

  async flush(): Promise<void> {
    await this.connection.flush();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private subscribe(subject: string, onMessage: (msg: Msg) => void): void {
    this.stopAnswering(subject);
    this.subscriptions.set(
      subject,
      this.connection.subscribe(subject, { callback: (_err, msg) => onMessage(msg) }),
    );
  }
}

/** A JSON logger whose lines the test can inspect. */
export function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = pino(
    { level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    stream,
  );
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export async function eventually<T>(
  attempt: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}
