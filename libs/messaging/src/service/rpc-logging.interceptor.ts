/**
 * One log line per handled message: service (from the logger's base), subject, request id,
 * duration and outcome. Never the payload: it may hold personal data. Also counts the message
 * as in flight, so shutdown waits for it.
 */
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { Observable, finalize, tap } from 'rxjs';
import {
  DomainError,
  ErrorCode,
  HEALTH_SUBJECTS,
  REQUEST_ID_HEADER,
  isRpcErrorPayload,
} from '@spilno/contracts';
import type { Logger } from '@spilno/config';
import { InFlightRequests } from './in-flight';

// Health checks arrive every few seconds from every gateway; at info they would drown the log.
const QUIET_SUBJECTS = new Set(Object.values(HEALTH_SUBJECTS));

@Injectable()
export class RpcLoggingInterceptor implements NestInterceptor {
  constructor(
    private readonly logger: Logger,
    private readonly inFlight: InFlightRequests,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const rpc = context.switchToRpc();
    const nats = rpc.getContext<NatsContext>();
    return trackMessage(this.logger, this.inFlight, nats.getSubject(), rpc.getData(), nats, () =>
      next.handle(),
    );
  }
}

/**
 * What the interceptor does, for a caller outside Nest's interceptor chain (the NATS server
 * wraps each handler with it: Nest's chain costs two async resources per message). Counts the
 * message in flight now; logs it and ends it when the returned observable ends.
 */
export function trackMessage(
  logger: Logger,
  inFlight: InFlightRequests,
  subject: string,
  data: unknown,
  nats: NatsContext,
  handle: () => Observable<unknown>,
): Observable<unknown> {
  const requestId = requestIdOf(data, nats);
  const started = performance.now();
  let code: ErrorCode | 'ok' = 'ok';
  inFlight.begin();
  return handle().pipe(
    tap({
      error: (e: unknown) => {
        code = codeOf(e);
      },
    }),
    finalize(() => {
      inFlight.end();
      const line = { subject, requestId, code, durationMs: elapsed(started) };
      if (code !== 'ok') logger.warn(line, 'message failed');
      else if (QUIET_SUBJECTS.has(subject)) logger.debug(line, 'message handled');
      else logger.info(line, 'message handled');
    }),
  );
}

/** A DomainError's code, or that of the RPC error payload the error filter made of it. */
function codeOf(e: unknown): ErrorCode {
  if (e instanceof DomainError) return e.code;
  if (isRpcErrorPayload(e)) return e.code;
  return ErrorCode.Internal;
}

function requestIdOf(data: unknown, nats: NatsContext): string | null {
  const fromMeta = (data as { meta?: { requestId?: unknown } } | null)?.meta?.requestId;
  if (typeof fromMeta === 'string') return fromMeta;
  return nats.getHeaders()?.get(REQUEST_ID_HEADER) || null;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
