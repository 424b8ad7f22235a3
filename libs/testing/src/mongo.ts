/**
 * One MongoDB per test process: the embedded server, or the real one at MONGODB_URI. Each
 * caller gets its own database name, so test files never see each other's data.
 */
import { randomBytes } from 'node:crypto';
import { EmbeddedMongo, startEmbeddedMongo } from '@spilno/embedded-mongo';

let embedded: Promise<EmbeddedMongo> | null = null;

export interface TestMongo {
  /** A URI naming a database of this test's own. */
  uri: string;
  dbName: string;
  lane: 'embedded' | 'MONGODB_URI';
}

function withDatabase(uri: string, dbName: string): string {
  const u = new URL(uri);
  u.pathname = `/${dbName}`;
  if (!u.searchParams.has('directConnection') && u.hostname.match(/^(127\.|localhost)/)) {
    u.searchParams.set('directConnection', 'true');
  }
  return u.toString();
}

export async function testMongo(prefix = 'test'): Promise<TestMongo> {
  const dbName = `${prefix}_${randomBytes(4).toString('hex')}`;
  const external = process.env.MONGODB_URI?.trim();
  if (external) return { uri: withDatabase(external, dbName), dbName, lane: 'MONGODB_URI' };
  embedded ??= startEmbeddedMongo({ port: 0 });
  const server = await embedded;
  return { uri: withDatabase(server.uri, dbName), dbName, lane: 'embedded' };
}

/** Stops the process's embedded server (call from a global afterAll if you started one). */
export async function stopTestMongo(): Promise<void> {
  if (!embedded) return;
  const server = await embedded;
  embedded = null;
  await server.stop();
}
