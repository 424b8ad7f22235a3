/**
 * NATS connection options shared by every process: reconnect forever (a NATS restart must
 * not need a process restart), with jitter so replicas do not stampede, and a name so the
 * server's monitoring shows who is connected.
 */
import type { ConnectionOptions, NatsConnection } from 'nats';

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

/** The part of nats.js's (internal) protocol handler that `coalesceWrites` replaces. */
interface ProtocolInternals {
  outbound: {
    length(): number;
    size(): number;
    fill(buf: Uint8Array, ...more: Uint8Array[]): void;
  };
  pendingLimit: number;
  flushPending(): void;
  _close(err?: Error): Promise<void>;
  sendCommand(cmd: string | Uint8Array, ...payloads: Uint8Array[]): void;
}

/**
 * nats.js writes its outbound buffer to the socket in a microtask after the first message of
 * each task, so under load every request or reply that arrives in its own I/O callback costs
 * its own `write` syscall (about a fifth of a busy process's CPU here). This defers that flush
 * to `setImmediate`: everything published during one pass of the event loop's poll phase
 * leaves in one write. Order is kept (one buffer), nothing waits longer than that pass, and
 * the explicit flushes (`flush()`, the size limit, connect) still write at once, and so does
 * closing the connection. Applied only if the connection has the internals it expects;
 * otherwise it is left as it is.
 */
export function coalesceWrites(connection: NatsConnection): boolean {
  const protocol = (connection as unknown as { protocol?: Partial<ProtocolInternals> }).protocol;
  if (
    !protocol ||
    typeof protocol.sendCommand !== 'function' ||
    typeof protocol.flushPending !== 'function' ||
    typeof protocol._close !== 'function' ||
    typeof protocol.outbound?.fill !== 'function' ||
    typeof protocol.outbound.length !== 'function' ||
    typeof protocol.outbound.size !== 'function' ||
    typeof protocol.pendingLimit !== 'number'
  ) {
    return false;
  }
  const p = protocol as ProtocolInternals;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    p.flushPending();
  };
  // Every close (close(), drain(), a fatal error) goes through _close, which does not flush:
  // write what is still waiting for the deferred flush first, as the microtask would have.
  const close = p._close.bind(p);
  p._close = (err) => {
    p.flushPending();
    return close(err);
  };
  p.sendCommand = (cmd, ...payloads) => {
    const empty = p.outbound.length() === 0;
    p.outbound.fill(typeof cmd === 'string' ? Buffer.from(cmd) : cmd, ...payloads);
    if (empty) {
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    } else if (p.outbound.size() >= p.pendingLimit) {
      p.flushPending();
    }
  };
  return true;
}
