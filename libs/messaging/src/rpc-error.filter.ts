/**
 * The one place where a service's failures become RPC error payloads. A `DomainError` keeps its
 * code; validation failures (class-validator through the ValidationPipe) become `validation`
 * with field errors; anything else is a bug: logged under an error id, answered as `internal`
 * with only that id (no message, no stack).
 */
import { randomUUID } from 'node:crypto';
import { ArgumentsHost, BadRequestException, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { DomainError, ErrorCode, FieldError, RpcErrorPayload } from '@spilno/contracts';
import type { Logger } from '@spilno/config';

@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    return throwError(() => this.toPayload(exception, host));
  }

  toPayload(exception: unknown, host?: ArgumentsHost): RpcErrorPayload {
    if (exception instanceof DomainError) return exception.toPayload();
    if (exception instanceof BadRequestException) {
      return {
        code: ErrorCode.Validation,
        message: 'the request is invalid',
        errors: fieldErrors(exception.getResponse()),
      };
    }
    const errorId = randomUUID();
    const subject = host?.switchToRpc().getContext<{ getSubject?: () => string }>()?.getSubject?.();
    this.logger.error({ err: exception, errorId, subject }, 'unhandled error in a handler');
    return { code: ErrorCode.Internal, message: 'internal error', errorId };
  }
}

function fieldErrors(response: unknown): FieldError[] {
  const messages = (response as { message?: unknown })?.message;
  if (!Array.isArray(messages)) return [];
  return messages.map((m: unknown) => {
    const text = String(m);
    return { field: text.split(' ')[0] ?? '', message: text };
  });
}
