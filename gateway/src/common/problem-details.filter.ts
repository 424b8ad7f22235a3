/**
 * The gateway's one exit for failures: every error, whether a service's `DomainError`, a
 * validation failure, a framework 404/413/415 or a bug, leaves as an RFC 9457 problem. Bugs
 * become a 500 carrying only an error id; the details go to the log under that id.
 */
import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, REQUEST_ID_HEADER } from '@spilno/contracts';
import type { Logger } from '@spilno/config';
import { RemoteError } from '@spilno/messaging';
import {
  errorCodeForStatus,
  httpMappingFor,
  Problem,
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  problemType,
} from './problem';
import { pathOf } from './http-path';

const RESERVED_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'requestId']);

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.reply(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  /** Also used directly for the few errors Fastify raises before any hook or handler runs. */
  reply(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const { problem, retryAfter } = this.toProblem(exception, request);
    if (reply.sent) return;
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (retryAfter !== undefined) void reply.header('Retry-After', String(retryAfter));
    if (problem.status === 401) void reply.header('WWW-Authenticate', 'Bearer');
    void reply
      .status(problem.status)
      .header('Content-Type', PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(problem));
  }

  private toProblem(
    exception: unknown,
    request: FastifyRequest,
  ): { problem: Problem; retryAfter?: number } {
    const base = { instance: pathOf(request.url), requestId: request.id };
    if (exception instanceof DomainError && exception.code !== ErrorCode.Internal) {
      const { status, title } = httpMappingFor(exception.code);
      const problem: Problem = {
        type: problemType(exception.code),
        title,
        status,
        detail: exception.message,
        ...base,
      };
      if (exception.errors?.length) problem.errors = exception.errors;
      if (exception instanceof ProblemError) {
        for (const [key, value] of Object.entries(exception.extensions)) {
          if (!RESERVED_MEMBERS.has(key)) problem[key] = value;
        }
      }
      return { problem, retryAfter: retryAfterFor(exception) };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      // Framework 4xx: unknown route, body too large, wrong content type, malformed JSON.
      const status = exception.getStatus();
      const code = errorCodeForStatus(status);
      return {
        problem: {
          type: problemType(code),
          title: code ? httpMappingFor(code).title : exception.name,
          status,
          detail: frameworkDetail(status, exception),
          ...base,
        },
      };
    }
    // A bug here or in a service: an id to quote, nothing else.
    const errorId =
      exception instanceof RemoteError && exception.errorId ? exception.errorId : randomUUID();
    this.logger.error(
      { err: exception, errorId, reqId: request.id, route: request.routeOptions?.url },
      'unhandled error',
    );
    return {
      problem: {
        type: problemType(ErrorCode.Internal),
        title: httpMappingFor(ErrorCode.Internal).title,
        status: 500,
        detail: 'an unexpected error occurred; quote the error id when reporting it',
        ...base,
        errorId,
      },
    };
  }
}

function retryAfterFor(error: DomainError): number | undefined {
  if (error.code === ErrorCode.Unavailable || error.code === ErrorCode.RateLimited) {
    return Math.max(1, Math.ceil(error.retryAfter ?? 1));
  }
  return undefined;
}

function frameworkDetail(status: number, exception: HttpException): string {
  switch (status) {
    case 404:
      return 'no such route';
    case 413:
      return 'the request body is larger than the limit';
    case 415:
      return 'send the body as application/json';
    default:
      // Fastify's 4xx messages are generic (e.g. "Body is not valid JSON"), safe to show.
      return exception.message;
  }
}
