import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '@spilno/auth';
import type { RequestMeta } from '@spilno/contracts';

/** What every service call carries: the request id and the verified principal (or null). */
export const Meta = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
  const meta: RequestMeta = { requestId: request.id, principal: request.principal ?? null };
  return meta;
});
