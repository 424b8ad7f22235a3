/**
 * The TCP server: frames bytes into messages, runs each connection's commands one at a time
 * (replies keep request order), and closes a connection that sends a malformed or oversized
 * frame. Nothing a client sends can stop the process.
 */
import net from 'node:net';
import { Document } from './bson/values';
import { execute, ExecuteBase } from './commands/dispatch';
import { CursorRegistry } from './commands/context';
import { Engine } from './engine/engine';
import { SessionRegistry } from './engine/sessions';
import {
  MAX_MESSAGE_SIZE_BYTES,
  WireError,
  buildOpMsg,
  buildOpReply,
  parseMessage,
} from './wire/protocol';

export interface ServerOptions {
  port?: number;
  host?: string;
  /** The host name advertised in `hello` (hosts, primary, me); defaults to `host`. */
  advertiseHost?: string;
  dbPath?: string;
  setName?: string;
  log?: (line: string) => void;
}

export class EmbeddedMongoServer {
  private readonly server = net.createServer((socket) => this.accept(socket));
  private readonly sockets = new Set<net.Socket>();
  private nextConnectionId = 1;
  private base!: ExecuteBase;
  private engine!: Engine;
  private stopped = false;

  constructor(private readonly options: ServerOptions = {}) {}

  async start(): Promise<{ host: string; port: number }> {
    const host = this.options.host ?? '127.0.0.1';
    this.engine = await Engine.open(this.options.dbPath);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const port = (this.server.address() as net.AddressInfo).port;
    this.base = {
      engine: this.engine,
      sessions: new SessionRegistry(),
      cursors: new CursorRegistry(),
      connectionId: 0,
      server: {
        host: this.options.advertiseHost ?? host,
        port,
        setName: this.options.setName ?? 'spilno',
        startedAt: new Date(),
        dbPath: this.options.dbPath ?? null,
        connections: () => this.sockets.size,
      },
    };
    return { host, port };
  }

  /** Stops accepting, closes connections, and flushes data to disk. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
    this.base.sessions.close();
    this.base.cursors.close();
    await this.engine.close();
  }

  private accept(socket: net.Socket): void {
    const connectionId = this.nextConnectionId++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const base: ExecuteBase = { ...this.base, connectionId };
    let buffered: Buffer[] = [];
    let bufferedBytes = 0;
    let queue: Promise<void> = Promise.resolve();
    const fail = (why: string) => {
      this.options.log?.(`closing connection ${connectionId}: ${why}`);
      socket.destroy();
    };
    socket.on('data', (chunk: Buffer) => {
      buffered.push(chunk);
      bufferedBytes += chunk.length;
      while (bufferedBytes >= 4) {
        const head = buffered.length === 1 ? buffered[0] : Buffer.concat(buffered);
        buffered = [head];
        const length = head.readInt32LE(0);
        if (length < 16 || length > MAX_MESSAGE_SIZE_BYTES) {
          fail(`invalid message length ${length}`);
          return;
        }
        if (bufferedBytes < length) return;
        const frame = head.subarray(0, length);
        const rest = head.subarray(length);
        buffered = rest.length ? [rest] : [];
        bufferedBytes = rest.length;
        queue = queue.then(() => this.handle(frame, base, socket, fail));
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private async handle(
    frame: Buffer,
    base: ExecuteBase,
    socket: net.Socket,
    fail: (why: string) => void,
  ): Promise<void> {
    if (socket.destroyed) return;
    let message;
    try {
      message = parseMessage(frame);
    } catch (e) {
      fail(e instanceof WireError ? e.message : `bad frame: ${(e as Error).message}`);
      return;
    }
    const reply: Document = await execute(message.command, base, message.legacyDb);
    if (message.moreToCome || socket.destroyed) return;
    const out = message.legacy
      ? buildOpReply(message.header.requestId, reply)
      : buildOpMsg(message.header.requestId, reply);
    socket.write(out);
  }
}
