/**
 * Shared pieces of the messaging e2e tests: a real nats-server (killable), the embedded MongoDB
 * through mongoose, quiet loggers, and polling until a condition holds.
 */
import { readFileSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import path from 'node:path';
import mongoose, { Connection } from 'mongoose';
import { connect, NatsConnection } from 'nats';
import { EVENTS_STREAM } from '@spilno/contracts';
import { createLogger, Logger } from '@spilno/config';
import { testMongo } from '@spilno/testing';

export { startNatsServer, stopTestMongo, testMongo, type TestNatsServer } from '@spilno/testing';
import { natsConnectionOptions } from '../src/nats-options';

export const quietLogger: Logger = createLogger('messaging-test', 'silent');

export async function connectMongo(prefix: string): Promise<Connection> {
  const { uri } = await testMongo(prefix);
  return mongoose.createConnection(uri).asPromise();
}

export async function connectNats(url: string, name = 'messaging-test'): Promise<NatsConnection> {
  return connect(natsConnectionOptions([url], name));
}

export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * What a nats-server crash with unsynced writes leaves (call while it is down): the stream's
 * message block cut inside the record holding `marker` (an event id), as a torn write, and the
 * block indexes gone so that the server rebuilds its state from the block.
 */
export function loseStreamTail(storeDir: string, marker: string): void {
  const msgs = path.join(storeDir, 'jetstream', '$G', 'streams', EVENTS_STREAM, 'msgs');
  const blocks = readdirSync(msgs).filter((f) => f.endsWith('.blk'));
  if (blocks.length !== 1) throw new Error(`expected one message block, found ${blocks.length}`);
  const block = path.join(msgs, blocks[0]);
  const at = readFileSync(block).indexOf(marker);
  if (at <= 0) throw new Error('the marker is not in the message block');
  truncateSync(block, at);
  for (const f of readdirSync(msgs).filter((f) => !f.endsWith('.blk'))) {
    rmSync(path.join(msgs, f));
  }
}
