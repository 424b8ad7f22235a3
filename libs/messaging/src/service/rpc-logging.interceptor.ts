/**
 * One log line per handled message: service (from the logger's base), subject, request id,
 * duration and outcome. Never the payload: it may hold personal data. Also counts the message
 * as in flight, so shutdown waits for it.
 */
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { Observable, finalize, tap } from 'rxjs';
import { DomainError, ErrorCode, HEALTH_SUBJECTS, REQUEST_ID_HEADER } from '@spilno/contracts';
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
    const subject = nats.getSubject();
    const requestId = requestIdOf(rpc.getData(), nats);
    const started = performance.now();
    let code: ErrorCode | 'ok' = 'ok';
    this.inFlight.begin();
    return next.handle().pipe(
      tap({
        error: (e: unknown) => {
          code = e instanceof DomainError ? e.code : ErrorCode.Internal;
        },
      }),
      finalize(() => {
        this.inFlight.end();
        const line = { subject, requestId, code, durationMs: elapsed(started) };
        if (code !== 'ok') this.logger.warn(line, 'message failed');
        else if (QUIET_SUBJECTS.has(subject)) this.logger.debug(line, 'message handled');
        else this.logger.info(line, 'message handled');
      }),
    );
  }
}

function requestIdOf(data: unknown, nats: NatsContext): string | null {
  const fromMeta = (data as { meta?: { requestId?: unknown } } | null)?.meta?.requestId;
  if (typeof fromMeta === 'string') return fromMeta;
  return nats.getHeaders()?.get(REQUEST_ID_HEADER) || null;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
