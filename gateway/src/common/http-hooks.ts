/**
 * Fastify hooks that run for every request, matched route or not, before Nest sees it:
 * the request id header, the per-IP rate limit, the content-type rule, and the request log and
 * metrics. Failures thrown here reach the problem details filter like any other error.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, REQUEST_ID_HEADER } from '@spilno/contracts';
import type { Logger } from '@spilno/config';
import { GatewayMetrics, UNMATCHED_ROUTE } from '../metrics/gateway-metrics';
import { TokenBucketLimiter } from './rate-limiter';
import { pathOf } from './http-path';

export interface HttpHooksOptions {
  limiter: TokenBucketLimiter;
  metrics: GatewayMetrics;
  logger: Logger;
}

/** Probes and scrapers call these often and from one address; they are never limited. */
export function isRateLimitExempt(path: string): boolean {
  return path.startsWith('/health/') || path === '/metrics';
}

export function registerHttpHooks(fastify: FastifyInstance, options: HttpHooksOptions): void {
  const { limiter, metrics, logger } = options;

  // Callback-style hooks: an async hook costs Fastify a promise per request and hook.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done(admissionError(request, limiter));
  });

  // After the body is parsed, before any validator sees it: JSON may escape lone UTF-16
  // surrogates ("\ud800"), which are not text; some validators throw on them (isEmail's
  // encodeURI), and MongoDB would store replacement characters. Refused here, once.
  fastify.addHook('preValidation', (request, _reply, done) => {
    const field = illFormedStringAt(request.body);
    done(
      field === null
        ? undefined
        : new DomainError(ErrorCode.Validation, 'the request is invalid', [
            { field, message: 'must be valid Unicode text (no lone surrogates)' },
          ]),
    );
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const seconds = reply.elapsedTime / 1000;
    metrics.observeHttp(request.method, route, reply.statusCode, seconds);
    // Never the URL's query, headers or body: they may carry tokens or personal data.
    const level = reply.statusCode >= 500 ? 'warn' : 'info';
    if (logger.isLevelEnabled(level)) {
      logger[level](
        {
          reqId: request.id,
          method: request.method,
          route,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request',
      );
    }
    done();
  });
}

/** Why the request may not go on (rate limit, content type), or undefined. */
function admissionError(
  request: FastifyRequest,
  limiter: TokenBucketLimiter,
): DomainError | undefined {
  if (!isRateLimitExempt(pathOf(request.url))) {
    const decision = limiter.take(request.ip);
    if (!decision.allowed) {
      return new DomainError(
        ErrorCode.RateLimited,
        'too many requests from this address; slow down',
        undefined,
        decision.retryAfterSeconds,
      );
    }
  }
  if (hasBody(request) && !isJson(request.headers['content-type'])) {
    return new DomainError(
      ErrorCode.UnsupportedMediaType,
      'send the body as application/json (UTF-8)',
    );
  }
  return undefined;
}

/** The path of the first key or string that is not well-formed UTF-16, or null. */
export function illFormedStringAt(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.isWellFormed() ? null : path || '(body)';
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (!key.isWellFormed()) return at;
    const found = illFormedStringAt(child, at);
    if (found !== null) return found;
  }
  return null;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return request.headers['transfer-encoding'] !== undefined;
}

function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [mediaType, ...parameters] = contentType.split(';').map((p) => p.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  const charset = parameters.find((p) => p.startsWith('charset='));
  return charset === undefined || charset.replace(/"/g, '') === 'charset=utf-8';
}
