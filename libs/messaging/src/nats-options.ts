/**
 * NATS connection options shared by every process: reconnect forever (a NATS restart must
 * not need a process restart), with jitter so replicas do not stampede, and a name so the
 * server's monitoring shows who is connected.
 */
import type { ConnectionOptions } from 'nats';

export function natsConnectionOptions(servers: string[], name: string): ConnectionOptions {
  return {
    servers,
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    waitOnFirstConnect: true,
    pingInterval: 10_000,
    // nats.js captures a stack trace for every request to enrich timeout errors; that costs
    // more than the request itself at load, and our timeouts name the subject anyway.
    noAsyncTraces: true,
  };
}
