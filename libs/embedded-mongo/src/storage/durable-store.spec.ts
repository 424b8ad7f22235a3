import { spawn, spawnSync } from 'node:child_process';
import {
  copyFile,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Binary, Decimal128, Double, Long, ObjectId, serialize, Timestamp } from 'bson';
import { DurableStore, type Document } from './durable-store';

let root: string;
let dir: string;
const open = (extra: { groupCommitMaxDelayMs?: number; compactAfterBytes?: number } = {}) =>
  DurableStore.open({ dir, ...extra });
const journalFile = (gen = 0) => path.join(dir, `journal-${gen}.log`);
const seqs = (docs: Document[]) => docs.map((d) => d.seq);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'durable-store-'));
  dir = root;
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('DurableStore', () => {
  it('starts empty, creates the directory, and round-trips records with exact BSON types', async () => {
    dir = path.join(dir, 'nested', 'data');
    const first = await open();
    expect(first.recovered).toEqual({ snapshot: [], journal: [] });
    const docs: Document[] = [
      {
        _id: new ObjectId(),
        int: 5,
        dbl: new Double(5),
        frac: 1.5,
        long: Long.fromNumber(7),
        dec: Decimal128.fromString('1.10'),
        date: new Date(1_700_000_000_000),
        bin: new Binary(Buffer.from([1, 2, 3])),
        ts: new Timestamp({ t: 1, i: 2 }),
        nested: { a: [1, 'two', { three: null }] },
      },
      { op: 'i', ns: 'db.c', n: -0.0 },
    ];
    await first.store.append(docs[0]);
    await first.store.appendMany([docs[1], { op: 'd' }]);
    expect(first.store.stats).toMatchObject({ records: 3 });
    await first.store.close();

    const { store, recovered } = await open();
    expect(recovered.snapshot).toEqual([]);
    expect(recovered.journal).toHaveLength(3);
    expect(recovered.journal.map((d) => Buffer.from(serialize(d)))).toEqual(
      [...docs, { op: 'd' }].map((d) => Buffer.from(serialize(d))),
    );
    expect(recovered.journal[0].long).toBeInstanceOf(Long);
    expect(recovered.journal[0].dbl).toBeInstanceOf(Double);
    expect(recovered.journal[0].int).toBe(5);
    expect(store.stats.records).toBe(3);
    expect(store.stats.journalBytes).toBe((await stat(journalFile())).size);
    await store.close();
  });

  it('round-trips a record larger than bson’s 17 MiB scratch buffer', async () => {
    const { store } = await open();
    const big = { s: 'y'.repeat(20 * 1024 * 1024) };
    await store.append(big);
    await store.close();
    const { store: again, recovered } = await open();
    expect((recovered.journal[0].s as string).length).toBe(big.s.length);
    await again.close();
  });

  it('group-commits concurrent appends into few fsyncs and keeps call order', async () => {
    const { store } = await open();
    const before = store.stats.fsyncs;
    await Promise.all(range(0, 1000).map((seq) => store.append({ seq })));
    const fsyncs = store.stats.fsyncs - before;
    expect(fsyncs).toBeGreaterThan(0);
    expect(fsyncs).toBeLessThan(20);

    // Waves arriving while an fsync is in flight are batched too.
    const waves: Promise<void>[] = [];
    for (let w = 0; w < 10; w++) {
      for (let i = 0; i < 100; i++) waves.push(store.append({ seq: 1000 + w * 100 + i }));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(waves);
    expect(store.stats.fsyncs - before).toBeLessThan(40);
    expect(store.stats.records).toBe(2000);
    await store.close();

    const { store: again, recovered } = await open();
    expect(seqs(recovered.journal)).toEqual(range(0, 2000));
    await again.close();
  });

  it('flushes on the next tick with groupCommitMaxDelayMs 0', async () => {
    const { store } = await open({ groupCommitMaxDelayMs: 0 });
    await Promise.all(range(0, 100).map((seq) => store.append({ seq })));
    expect(store.stats.fsyncs).toBeLessThan(10);
    await store.close();
  });

  it('recovers the good prefix of a torn tail and truncates the journal there', async () => {
    const { store } = await open();
    const sizes: number[] = [];
    for (const seq of range(0, 10)) {
      await store.append({ seq, pad: 'p'.repeat(seq * 10) });
      sizes.push(store.stats.journalBytes);
    }
    await store.close();
    await truncate(journalFile(), sizes[9] - 3);

    const second = await open();
    expect(seqs(second.recovered.journal)).toEqual(range(0, 9));
    expect((await stat(journalFile())).size).toBe(sizes[8]);
    expect(second.store.stats.journalBytes).toBe(sizes[8]);
    await second.store.append({ seq: 'after' });
    await second.store.close();

    const third = await open();
    expect(seqs(third.recovered.journal)).toEqual([...range(0, 9), 'after']);
    await third.store.close();
  });

  it('stops at a corrupt frame (flipped byte) and truncates before it', async () => {
    const { store } = await open();
    const sizes: number[] = [];
    for (const seq of range(0, 10)) {
      await store.append({ seq });
      sizes.push(store.stats.journalBytes);
    }
    await store.close();
    const buf = await readFile(journalFile());
    buf[sizes[4] + 12] ^= 0x40; // inside frame 5's payload
    await writeFile(journalFile(), buf);

    const again = await open();
    expect(seqs(again.recovered.journal)).toEqual(range(0, 5));
    expect((await stat(journalFile())).size).toBe(sizes[4]);
    await again.store.close();
  });

  it('treats trailing zeros (preallocated or half-written blocks) as a torn tail', async () => {
    const { store } = await open();
    await store.append({ seq: 0 });
    await store.close();
    const size = (await stat(journalFile())).size;
    await writeFile(journalFile(), Buffer.alloc(4096), { flag: 'a' });
    const again = await open();
    expect(seqs(again.recovered.journal)).toEqual([0]);
    expect((await stat(journalFile())).size).toBe(size);
    await again.store.close();
  });

  it('recovers a batch all-or-nothing', async () => {
    const { store } = await open();
    await store.append({ seq: 0 });
    const before = store.stats.journalBytes;
    await store.appendMany(range(1, 6).map((seq) => ({ seq })));
    const after = store.stats.journalBytes;
    await store.close();

    const full = await open();
    expect(seqs(full.recovered.journal)).toEqual(range(0, 6));
    await full.store.close();

    await truncate(journalFile(), before + Math.floor((after - before) / 2));
    const torn = await open();
    expect(seqs(torn.recovered.journal)).toEqual([0]);
    await torn.store.close();
  });

  it('compacts: state goes to a snapshot, appends during and after compaction survive', async () => {
    const { store } = await open({ compactAfterBytes: 1000 });
    const state: Document[] = [];
    for (const seq of range(0, 49)) {
      state.push({ seq });
      await store.append({ seq });
    }
    expect(store.shouldCompact()).toBe(true);
    // Issued before compact() but not yet on disk: belongs to the old generation / the snapshot.
    state.push({ seq: 49 });
    const before = store.append({ seq: 49 });

    // A slow async iterable, so appends really do happen while the snapshot is being written.
    const captured = state.slice();
    async function* slow(): AsyncIterable<Document> {
      for (const doc of captured) {
        await new Promise((r) => setTimeout(r, 0));
        yield doc;
      }
    }
    const compaction = store.compact(slow());
    expect(store.shouldCompact()).toBe(false);
    await expect(store.compact([])).rejects.toThrow('compaction already in progress');
    const during = Promise.all(range(50, 60).map((seq) => store.append({ seq })));
    await new Promise((r) => setTimeout(r, 5));
    await store.append({ seq: 60 });
    await Promise.all([before, compaction, during]);
    await store.appendMany([{ seq: 61 }, { seq: 62 }]);
    expect(store.stats.records).toBe(13);
    await store.close();

    expect((await readdir(dir)).sort()).toEqual(['journal-1.log', 'snapshot-1.snap']);
    const again = await open();
    expect(seqs(again.recovered.snapshot)).toEqual(range(0, 50));
    expect(seqs(again.recovered.journal)).toEqual(range(50, 63));

    // A second compaction from a sync iterable moves to generation 2.
    await again.store.compact([...again.recovered.snapshot, ...again.recovered.journal]);
    await again.store.append({ seq: 63 });
    expect(again.store.stats).toMatchObject({ records: 1 });
    await again.store.close();
    expect((await readdir(dir)).sort()).toEqual(['journal-2.log', 'snapshot-2.snap']);
    const third = await open();
    expect(seqs(third.recovered.snapshot)).toEqual(range(0, 63));
    expect(seqs(third.recovered.journal)).toEqual([63]);
    await third.store.close();
  });

  it('keeps the old generation when writing the snapshot fails', async () => {
    const { store } = await open();
    await store.append({ seq: 0 });
    function* failing(): Iterable<Document> {
      yield { seq: 0 };
      throw new Error('engine blew up');
    }
    await expect(store.compact(failing())).rejects.toThrow('engine blew up');
    await store.append({ seq: 1 });
    await store.close();
    // Journal 1 was started, but without snapshot 1 recovery replays journals 0 and 1.
    expect((await readdir(dir)).sort()).toEqual(['journal-0.log', 'journal-1.log']);
    const again = await open();
    expect(again.recovered.snapshot).toEqual([]);
    expect(seqs(again.recovered.journal)).toEqual([0, 1]);
    await again.store.close();
  });

  it('falls back to the previous generation when the newest snapshot is torn', async () => {
    const first = await open();
    await first.store.appendMany([{ seq: 0 }, { seq: 1 }]);
    await first.store.close();
    const saved = path.join(dir, 'saved-journal');
    await copyFile(journalFile(0), saved);

    const second = await open();
    await second.store.compact([{ seq: 0 }, { seq: 1 }]);
    await second.store.append({ seq: 2 });
    await second.store.close();

    // As if the crash came after the rename but the old generation had not been deleted yet,
    // and the snapshot's tail never reached the disk.
    await copyFile(saved, journalFile(0));
    await rm(saved);
    const snap = path.join(dir, 'snapshot-1.snap');
    await truncate(snap, (await stat(snap)).size - 4);
    await writeFile(path.join(dir, 'snapshot-2.snap.tmp'), 'half a snapshot');

    const third = await open();
    expect(third.recovered.snapshot).toEqual([]);
    expect(seqs(third.recovered.journal)).toEqual([0, 1, 2]);
    await third.store.append({ seq: 3 }); // goes to journal-1, the newest
    await third.store.close();
    expect((await readdir(dir)).sort()).toEqual(['journal-0.log', 'journal-1.log']);

    const fourth = await open();
    expect(seqs(fourth.recovered.journal)).toEqual([0, 1, 2, 3]);
    await fourth.store.close();
  });

  it('refuses to start when the only snapshot is corrupt', async () => {
    const { store } = await open();
    await store.compact([{ seq: 0 }]);
    await store.close();
    const snap = path.join(dir, 'snapshot-1.snap');
    const buf = await readFile(snap);
    buf[20] ^= 1;
    await writeFile(snap, buf);
    await expect(open()).rejects.toThrow(/cannot recover/);
    // The failed open released its lock.
    await expect(readFile(path.join(dir, 'LOCK'))).rejects.toThrow();
  });

  it('locks the directory against a second open and takes over stale locks', async () => {
    const { store } = await open();
    await expect(open()).rejects.toThrow(`data directory ${dir} is in use by pid ${process.pid}`);
    await store.close();
    expect(await readdir(dir)).not.toContain('LOCK');

    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(path.join(dir, 'LOCK'), `${deadPid}\n`);
    const stale = await open();
    expect((await readFile(path.join(dir, 'LOCK'), 'utf8')).trim()).toBe(String(process.pid));
    await stale.store.close();

    await writeFile(path.join(dir, 'LOCK'), 'garbage');
    const garbage = await open();
    await garbage.store.close();

    // Our own pid, but not held by us: a previous incarnation with the same pid (containers).
    await writeFile(path.join(dir, 'LOCK'), `${process.pid}\n`);
    await writeFile(path.join(dir, `LOCK.${deadPid}.123.pending`), `${deadPid}\n`);
    const samePid = await open();
    expect(await readdir(dir)).not.toContain(`LOCK.${deadPid}.123.pending`);
    await samePid.store.close();
  });

  it('rejects appends after close and after an I/O failure', async () => {
    const { store } = await open();
    await store.append({ seq: 0 });
    // Simulate the disk failing fsync: nothing more may be acknowledged.
    const journal = (store as unknown as { journal: { datasync: () => Promise<void> } }).journal;
    journal.datasync = () => Promise.reject(new Error('EIO: simulated'));
    await expect(store.append({ seq: 1 })).rejects.toThrow('EIO: simulated');
    await expect(store.append({ seq: 2 })).rejects.toThrow('no further writes accepted');
    await store.close();
    await expect(store.append({ seq: 3 })).rejects.toThrow('closed');
    await store.close(); // idempotent
  });

  it('never loses an acknowledged record when the process is SIGKILLed', async () => {
    const script = path.join(__dirname, 'testdata', 'crash-writer.ts');
    const register = require.resolve('@swc-node/register');
    const acked = new Set<number>();
    let children = 0;
    for (let round = 0; round < 4; round++) {
      const child = spawn(process.execPath, ['-r', register, script, dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children++;
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const deadline = Date.now() + 10_000;
      while (!out.includes('ready') && Date.now() < deadline && child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(err).toBe('');
      expect(out).toContain('ready');
      if (round === 0) {
        await expect(open()).rejects.toThrow(`is in use by pid ${child.pid}`);
      }
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 300));
      child.kill('SIGKILL');
      await exited;
      expect(err).toBe('');
      for (const line of out.split('\n')) if (/^\d+$/.test(line)) acked.add(Number(line));

      // The stale lock of the killed child is taken over; every acknowledged record is back,
      // in order, with nothing after a gap.
      const { store, recovered } = await open();
      const all = [...recovered.snapshot, ...recovered.journal];
      expect(seqs(all)).toEqual(range(0, all.length));
      const missing = [...acked].filter((s) => s >= all.length);
      expect(missing).toEqual([]);
      await store.close();
    }
    expect(children).toBe(4);
    expect(acked.size).toBeGreaterThan(100);
  });
});
