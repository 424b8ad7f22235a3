import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The client's IP as Fastify resolved it (X-Forwarded-For only through the trusted proxy hops
 * of TRUST_PROXY_HOPS), so a client cannot pick its own throttling key.
 */
export const ClientIp = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<FastifyRequest>().ip,
);
