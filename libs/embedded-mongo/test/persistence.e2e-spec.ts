/**
 * Persistence through the command-line server: acknowledged writes survive kill -9 and restart,
 * indexes are rebuilt and unique constraints still hold; a clean SIGTERM flushes and exits 0.
 * Embedded only: it spawns, kills and restarts the server process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MongoClient, type Document } from 'mongodb';
import { describeEmbedded, serverError } from './harness';
import type { Doc } from './harness';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'libs/embedded-mongo/src/cli.ts');

interface Running {
  child: ChildProcess;
  uri: string;
  client: MongoClient;
  stderr: string[];
}

/** Start the CLI (what `npm run mongo` runs) and wait for its URI line. */
async function startCli(dbPath: string): Promise<Running> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', CLI, '--port', '0', '--dbpath', dbPath],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stderr: string[] = [];
  child.stderr!.on('data', (b: Buffer) => stderr.push(b.toString()));
  const uri = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`CLI did not print a URI within 20 s; stderr: ${stderr.join('')}`)),
      20_000,
    );
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /mongodb:\/\/\S+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`CLI exited with ${code} before printing a URI; stderr: ${stderr.join('')}`),
      );
    });
  });
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  return { child, uri, client, stderr };
}

async function kill9(r: Running): Promise<void> {
  const exited = new Promise<void>((resolve) => r.child.once('exit', () => resolve()));
  r.child.kill('SIGKILL');
  await exited;
  await r.client.close(true).catch(() => undefined);
}

async function sigterm(r: Running): Promise<number | null> {
  await r.client.close().catch(() => undefined);
  const exited = new Promise<number | null>((resolve) =>
    r.child.once('exit', (code) => resolve(code)),
  );
  r.child.kill('SIGTERM');
  return exited;
}

describeEmbedded(
  'persistence across kill -9',
  'it spawns and SIGKILLs the command-line server',
  () => {
    let dir: string;
    const running: Running[] = [];
    const start = async () => {
      const r = await startCli(dir);
      running.push(r);
      return r;
    };

    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-mongo-persist-'));
      console.info(
        `[persistence] CLI: node -r @swc-node/register ${path.relative(ROOT, CLI)} --dbpath ${dir}`,
      );
    });
    afterAll(async () => {
      for (const r of running) {
        if (r.child.exitCode === null && r.child.signalCode === null) await kill9(r);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    });

    let expected: Document[] = [];
    let expectedIndexes: Document[] = [];

    it('acknowledged writes, indexes and drops survive SIGKILL; unique constraints hold after reload', async () => {
      const a = await start();
      const db = a.client.db('app');
      const users = db.collection<Doc>('users');
      await users.createIndex({ email: 1 }, { unique: true });
      await users.createIndex({ city: 1, age: -1 });
      await users.createIndex(
        { nick: 1 },
        { unique: true, partialFilterExpression: { nick: { $exists: true } } },
      );
      await users.insertMany(
        Array.from({ length: 300 }, (_, i) => ({
          _id: i,
          email: `u${i}@x`,
          city: ['Kyiv', 'Lviv'][i % 2],
          age: i % 50,
        })) as Document[],
      );
      for (let i = 300; i < 320; i++)
        await users.insertOne({ _id: i, email: `u${i}@x`, nick: `n${i}` } as Document);
      await users.updateMany({ city: 'Lviv' }, { $inc: { age: 1 }, $set: { moved: true } });
      await users.updateOne({ _id: 5 }, { $push: { tags: 'x' } } as Document);
      await users.deleteMany({ _id: { $gte: 290, $lt: 300 } });
      await users.replaceOne({ _id: 7 }, { email: 'seven@x', replaced: true });
      await db.collection('gone').insertOne({ a: 1 });
      await db.collection('gone').drop();
      await users.createIndex({ tmp: 1 });
      await users.dropIndex('tmp_1');
      // A committed transaction is durable; an aborted one leaves no trace.
      const s = a.client.startSession();
      await s.withTransaction(async () => {
        await users.insertOne({ _id: 'txn', email: 'txn@x' } as Document, { session: s });
        await db.collection('audit').insertOne({ what: 'txn' }, { session: s });
      });
      s.startTransaction();
      await users.insertOne({ _id: 'aborted', email: 'aborted@x' } as Document, { session: s });
      await s.abortTransaction();
      await s.endSession();
      // Many small acknowledged updates of one document (journal + group commit).
      const counter = db.collection<Doc>('counter');
      for (let i = 0; i < 300; i++)
        await counter.updateOne({ _id: 'c' } as Document, { $inc: { n: 1 } }, { upsert: true });

      expected = await users.find().sort({ _id: 1 }).toArray();
      expectedIndexes = await users.listIndexes().toArray();
      await kill9(a);

      const b = await start();
      const db2 = b.client.db('app');
      const users2 = db2.collection<Doc>('users');
      expect(await users2.find().sort({ _id: 1 }).toArray()).toEqual(expected);
      expect(await users2.listIndexes().toArray()).toEqual(expectedIndexes);
      expect(await db2.collection('audit').countDocuments()).toBe(1);
      expect(await users2.findOne({ _id: 'aborted' } as Document)).toBeNull();
      expect((await db2.collection('counter').findOne({ _id: 'c' } as Document))!.n).toBe(300);
      const names = (await db2.listCollections({}, { nameOnly: true }).toArray())
        .map((c) => c.name)
        .sort();
      expect(names).toEqual(['audit', 'counter', 'users']);

      const dup = await serverError(users2.insertOne({ email: 'u1@x' }));
      expect(dup.code).toBe(11000);
      expect(dup.message).toBe(
        'E11000 duplicate key error collection: app.users index: email_1 dup key: { email: "u1@x" }',
      );
      expect(
        (await serverError(users2.updateOne({ _id: 2 } as Document, { $set: { email: 'u3@x' } })))
          .code,
      ).toBe(11000);
      expect((await serverError(users2.insertOne({ email: 'other@x', nick: 'n301' }))).code).toBe(
        11000,
      );
      await users2.insertOne({ email: 'brand-new@x' });
      // The secondary index still answers sorted queries.
      const page = await users2.find({ city: 'Kyiv' }).sort({ age: -1 }).limit(3).toArray();
      expect(page.map((d) => d.age)).toEqual([48, 48, 48]);

      // Writes made after the first restart survive a second kill -9.
      await users2.deleteOne({ _id: 0 } as Document);
      await kill9(b);
      const c = await start();
      const users3 = c.client.db('app').collection<Doc>('users');
      expect(await users3.countDocuments({ email: 'brand-new@x' })).toBe(1);
      expect(await users3.findOne({ _id: 0 } as Document)).toBeNull();
      expect(await users3.countDocuments()).toBe(expected.length);
      await kill9(c);
    }, 90_000);

    it('SIGTERM stops cleanly (exit code 0) and the data is there after restart', async () => {
      const a = await start();
      await a.client
        .db('app')
        .collection('clean')
        .insertMany([{ k: 1 }, { k: 2 }]);
      expect(await sigterm(a)).toBe(0);
      const b = await start();
      expect(await b.client.db('app').collection('clean').countDocuments()).toBe(2);
      expect(await b.client.db('app').collection('users').countDocuments()).toBe(expected.length);
      expect(await sigterm(b)).toBe(0);
    }, 60_000);
  },
);
