import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// Client ids end up in our logs and NATS headers: short, and only characters that cannot
// forge a log line or a header.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `X-Request-Id` when it is sane, else a fresh UUID. Fastify's `genReqId`. */
export function requestIdFor(request: IncomingMessage): string {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
}
