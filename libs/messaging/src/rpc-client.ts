/**
 * Request/reply over core NATS, speaking NestJS's NATS packet format (`{ pattern, data, id }`
 * in, `{ response | err, id }` out) so that `@MessagePattern` handlers answer it. Every call
 * has a timeout (nestjs/nest#837: an untimed call can hang forever); a service that is down,
 * slow or unsubscribed becomes `DomainError(unavailable)` within the timeout, never a hang.
 */
import { randomUUID } from 'node:crypto';
import { connect, headers as natsHeaders, ErrorCode as NatsErrorCode, NatsConnection } from 'nats';
import type { NatsError } from 'nats';
import {
  DomainError,
  ErrorCode,
  REQUEST_ID_HEADER,
  RequestMeta,
  isRpcErrorPayload,
} from '@spilno/contracts';
import { natsConnectionOptions } from './nats-options';

export interface RpcCallOptions {
  meta: RequestMeta;
  /** Overrides the client's default timeout for this call. */
  timeoutMs?: number;
}

export type RpcOutcome = 'ok' | 'error' | 'timeout' | 'unavailable';

/** Called after every call, for metrics (latency per subject and outcome). */
export type RpcObserver = (subject: string, seconds: number, outcome: RpcOutcome) => void;

/** A remote error whose code the service chose; carries the service's error id for 500s. */
export class RemoteError extends DomainError {
  constructor(
    code: ErrorCode,
    message: string,
    errors?: { field: string; message: string }[],
    retryAfter?: number,
    readonly errorId?: string,
  ) {
    super(code, message, errors, retryAfter);
    this.name = 'RemoteError';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class RpcClient {
  private observer: RpcObserver | null = null;

  constructor(
    readonly connection: NatsConnection,
    private readonly defaultTimeoutMs = 5000,
  ) {}

  static async connect(
    servers: string[],
    name: string,
    defaultTimeoutMs = 5000,
  ): Promise<RpcClient> {
    const nc = await connect(natsConnectionOptions(servers, name));
    return new RpcClient(nc, defaultTimeoutMs);
  }

  observe(observer: RpcObserver): void {
    this.observer = observer;
  }

  async send<TResponse, TRequest = unknown>(
    subject: string,
    data: TRequest,
    options: RpcCallOptions,
  ): Promise<TResponse> {
    const timeout = options.timeoutMs ?? this.defaultTimeoutMs;
    const packet = { pattern: subject, data: { meta: options.meta, data }, id: randomUUID() };
    const h = natsHeaders();
    h.set(REQUEST_ID_HEADER, options.meta.requestId);
    const started = performance.now();
    let outcome: RpcOutcome = 'ok';
    try {
      const reply = await this.connection.request(subject, encoder.encode(JSON.stringify(packet)), {
        timeout,
        headers: h,
      });
      const body = JSON.parse(decoder.decode(reply.data)) as { err?: unknown; response?: unknown };
      if (body.err !== undefined && body.err !== null) {
        outcome = 'error';
        throw toRemoteError(body.err);
      }
      return body.response as TResponse;
    } catch (e) {
      if (e instanceof DomainError) throw e;
      const code = (e as NatsError).code;
      outcome = code === NatsErrorCode.Timeout ? 'timeout' : 'unavailable';
      throw unavailable(subject, code, timeout);
    } finally {
      this.observer?.(subject, (performance.now() - started) / 1000, outcome);
    }
  }

  async close(): Promise<void> {
    if (!this.connection.isClosed()) await this.connection.drain().catch(() => undefined);
  }
}

function unavailable(subject: string, code: string | undefined, timeoutMs: number): DomainError {
  const service = subject.split('.')[0];
  const reason =
    code === NatsErrorCode.Timeout
      ? `did not answer within ${timeoutMs} ms`
      : code === NatsErrorCode.NoResponders
        ? 'has no running instance'
        : 'cannot be reached';
  return new DomainError(ErrorCode.Unavailable, `the ${service} service ${reason}`, undefined, 1);
}

function toRemoteError(err: unknown): RemoteError {
  if (isRpcErrorPayload(err)) {
    return new RemoteError(err.code, err.message, err.errors, err.retryAfter, err.errorId);
  }
  // A NestJS-internal error (e.g. "There is no matching message handler defined") or a bug.
  const message = typeof err === 'string' ? err : 'the service failed';
  return new RemoteError(ErrorCode.Internal, message);
}
