import { CallHandler, ExecutionContext } from '@nestjs/common';
import { NatsContext } from '@nestjs/microservices';
import pino from 'pino';
import { lastValueFrom, of, throwError } from 'rxjs';
import { DomainError, ErrorCode } from '@spilno/contracts';
import { InFlightRequests } from './in-flight';
import { RpcLoggingInterceptor } from './rpc-logging.interceptor';

const SUBJECT = 'users.profile.update.v1';

function rpcContext(data: unknown): ExecutionContext {
  const nats = new NatsContext([SUBJECT, undefined]);
  return {
    getType: () => 'rpc',
    switchToRpc: () => ({ getData: () => data, getContext: () => nats }),
  } as unknown as ExecutionContext;
}

function setup() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const inFlight = new InFlightRequests();
  return { lines, inFlight, interceptor: new RpcLoggingInterceptor(logger, inFlight) };
}

const payload = {
  meta: { requestId: 'req-1', principal: null },
  data: { email: 'olena@example.org', displayName: 'Olena' },
};

describe('RpcLoggingInterceptor', () => {
  it('logs subject, request id and duration of a handled message, never its payload', async () => {
    const { lines, interceptor, inFlight } = setup();
    const next: CallHandler = { handle: () => of({ ok: true }) };

    await lastValueFrom(interceptor.intercept(rpcContext(payload), next));

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ subject: SUBJECT, requestId: 'req-1', code: 'ok' });
    expect(typeof lines[0].durationMs).toBe('number');
    expect(JSON.stringify(lines)).not.toMatch(/olena|Olena/);
    expect(inFlight.size).toBe(0);
  });

  it('logs the error code of a failed message and ends it in flight', async () => {
    const { lines, interceptor, inFlight } = setup();
    const next: CallHandler = {
      handle: () => throwError(() => new DomainError(ErrorCode.Conflict, 'full')),
    };

    await expect(lastValueFrom(interceptor.intercept(rpcContext(payload), next))).rejects.toThrow();

    expect(lines[0]).toMatchObject({ subject: SUBJECT, requestId: 'req-1', code: 'conflict' });
    expect(inFlight.size).toBe(0);
  });
});
