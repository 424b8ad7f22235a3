/**
 * Durable storage for the in-memory engine: an append-only journal with group commit, compacted
 * into snapshots. Records are opaque BSON documents defined by the engine.
 *
 * Files in the data directory (N = generation):
 *   LOCK            pid of the owning process
 *   snapshot-N.snap full state as of the start of journal-N (absent for generation 0 = empty)
 *   journal-N.log   records appended after snapshot-N was captured
 *
 * Journal frame: [u32 LE payload length][u32 LE crc32c(payload)][payload], the payload being the
 * BSON document {r: record} or, for appendMany, {b: [records]} so a batch is recovered atomically.
 * Snapshot: 8-byte magic, one frame per record (payload = the record's BSON), then a trailer frame
 * whose length field is 0xFFFFFFFF and whose 8-byte payload is the record count. A snapshot
 * without a valid trailer at EOF is torn.
 *
 * Compaction protocol. compact(records) synchronously bumps the generation and queues a journal
 * rotation behind all appends already issued, so appends called before compact() land in
 * journal-N and appends called after it land in journal-(N+1); `records` must therefore be the
 * engine's state including every append issued before the call and none issued after (the engine
 * captures it synchronously; the iterable may be consumed lazily but must not see later changes).
 * Steps: write snapshot-(N+1).tmp, fsync; wait for the rotation (journal-N fully fsynced,
 * journal-(N+1) created, dir fsynced); rename to snapshot-(N+1).snap; fsync the dir; delete
 * generation N. Because journal-(N+1) exists before its snapshot does, a crash at any point leaves
 * either snapshot-N + journal-N + journal-(N+1) or snapshot-(N+1) + journal-(N+1), and recovery
 * takes the newest valid snapshot and replays every journal of that generation or later, in
 * order. A snapshot that fails validation is skipped in favour of the previous generation if that
 * generation's files are still present.
 *
 * Recovery stops at the first torn or corrupt journal frame, truncates the journal there and
 * deletes later journals (their records would follow a gap), so new appends never follow garbage.
 *
 * Lock: LOCK holds the owner's pid; a lock whose pid is not alive (process.kill(pid, 0)) is stale
 * and taken over. A dead owner's pid reused by an unrelated live process still blocks the open.
 */
import { constants as fsConstants } from 'node:fs';
import {
  FileHandle,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  unlink,
  writeFile,
} from 'node:fs/promises';
import * as path from 'node:path';
import { calculateObjectSize, deserialize, serialize, setInternalBufferSize } from 'bson';
import { fromWire, type Document } from '../bson/values';
import { crc32c } from './crc32c';

export type { Document };

export interface DurableStoreOptions {
  dir: string;
  /** Appends arriving within this window share one write + fsync. Default 2; 0 = next tick. */
  groupCommitMaxDelayMs?: number;
  /** shouldCompact() turns true once the journal is larger than this. Default 64 MiB. */
  compactAfterBytes?: number;
}

/**
 * Recovered records, in order: the last complete snapshot, then the journal records written after
 * it. Records are decoded into the server's value model (see `fromWire` in ../bson/values), so
 * int64 stays Long and an integral double stays Double.
 */
export interface Recovered {
  snapshot: Document[];
  journal: Document[];
}

export interface DurableStoreStats {
  /** Size of the current journal file. */
  journalBytes: number;
  /** Records in the current journal (recovered plus appended since the last compaction). */
  records: number;
  /** fsync/fdatasync calls made by this instance. */
  fsyncs: number;
}

const HEADER = 8;
const SNAPSHOT_MAGIC = Buffer.from('SPLNSNP1', 'latin1');
const TRAILER_LEN = 0xffffffff;
const READ_CHUNK = 1 << 20;
const SNAPSHOT_WRITE_CHUNK = 1 << 20;
// bson's serialize() uses a 17 MiB scratch buffer and silently emits a truncated document for
// larger ones, so anything near that size is re-serialized with a big enough scratch buffer.
const FAST_SERIALIZE_LIMIT = 16 * 1024 * 1024;

const SNAPSHOT_RE = /^snapshot-(\d+)\.snap$/;
const JOURNAL_RE = /^journal-(\d+)\.log$/;
const SNAPSHOT_TMP_RE = /^snapshot-\d+\.snap\.tmp$/;
const LOCK_PENDING_RE = /^LOCK\.(\d+)\.\d+\.pending$/;

interface FrameOp {
  kind: 'frame';
  frame: Buffer;
  records: number;
  resolve: () => void;
  reject: (err: Error) => void;
}
interface RotateOp {
  kind: 'rotate';
  gen: number;
  resolve: () => void;
  reject: (err: Error) => void;
}
type Op = FrameOp | RotateOp;

export class DurableStore {
  private readonly queue: Op[] = [];
  /** Cancels the pending group-commit timer, if one is armed. */
  private timer: (() => void) | null = null;
  private flushing: Promise<void> | null = null;
  private compacting: Promise<void> | null = null;
  /** Set after an I/O error: the journal's tail is unknown, so nothing more may be acknowledged. */
  private failure: Error | null = null;
  private closed = false;
  private fsyncCount = 0;

  private constructor(
    private readonly dir: string,
    private readonly delayMs: number,
    private readonly compactAfterBytes: number,
    private journal: FileHandle,
    /** Generation of the journal that appends issued now will reach (bumped by compact()). */
    private gen: number,
    private journalBytes: number,
    private journalRecords: number,
  ) {}

  static async open(
    opts: DurableStoreOptions,
  ): Promise<{ store: DurableStore; recovered: Recovered }> {
    const dir = path.resolve(opts.dir);
    await mkdir(dir, { recursive: true });
    await acquireLock(dir);
    try {
      const r = await recover(dir);
      const store = new DurableStore(
        dir,
        opts.groupCommitMaxDelayMs ?? 2,
        opts.compactAfterBytes ?? 64 * 1024 * 1024,
        r.journal,
        r.gen,
        r.journalBytes,
        r.recovered.journal.length,
      );
      store.fsyncCount = r.fsyncs;
      return { store, recovered: r.recovered };
    } catch (err) {
      await releaseLock(dir);
      throw err;
    }
  }

  get stats(): DurableStoreStats {
    return {
      journalBytes: this.journalBytes,
      records: this.journalRecords,
      fsyncs: this.fsyncCount,
    };
  }

  /** Resolves once the record is on disk (fsynced). */
  append(record: Document): Promise<void> {
    let frame: Buffer;
    try {
      this.checkUsable();
      frame = encodeFrame(wrapOne(serializeDoc(record)));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.enqueueFrame(frame, 1);
  }

  /** Resolves once all records are on disk; after a crash either all or none are recovered. */
  appendMany(records: Document[]): Promise<void> {
    let frame: Buffer;
    try {
      this.checkUsable();
      if (records.length === 0) return Promise.resolve();
      frame = encodeFrame(wrapBatch(records.map(serializeDoc)));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.enqueueFrame(frame, records.length);
  }

  shouldCompact(): boolean {
    return !this.compacting && !this.closed && this.journalBytes > this.compactAfterBytes;
  }

  /**
   * Writes `records` (the engine's entire state as of this call) as the next snapshot and starts
   * a fresh journal; see the protocol at the top of this file. Appends issued after this call
   * (even before it resolves) go to the new journal.
   */
  compact(records: Iterable<Document> | AsyncIterable<Document>): Promise<void> {
    try {
      this.checkUsable();
      if (this.compacting) throw new Error('compaction already in progress');
    } catch (err) {
      return Promise.reject(err);
    }
    const gen = ++this.gen;
    const rotated = new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'rotate', gen, resolve, reject });
    });
    rotated.catch(() => undefined); // awaited below; don't let an early failure go unhandled
    this.schedule();
    const run = async (): Promise<void> => {
      const tmp = path.join(this.dir, `snapshot-${gen}.snap.tmp`);
      try {
        await writeSnapshot(tmp, records);
        this.fsyncCount++;
        await rotated;
        await rename(tmp, path.join(this.dir, `snapshot-${gen}.snap`));
        await this.fsyncDir();
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      // Generation `gen` is now self-sufficient; older files are garbage.
      await removeGenerationsBelow(this.dir, gen);
    };
    const p = run().finally(() => {
      this.compacting = null;
    });
    this.compacting = p.catch(() => undefined);
    return p;
  }

  /** Flushes pending appends, waits for a running compaction, and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.compacting) await this.compacting;
    await this.drain();
    try {
      if (!this.failure) {
        await this.journal.datasync();
        this.fsyncCount++;
      }
    } finally {
      await this.journal.close().catch(() => undefined);
      await releaseLock(this.dir);
    }
  }

  private checkUsable(): void {
    if (this.closed) throw new Error('durable store is closed');
    if (this.failure) throw this.failure;
  }

  private enqueueFrame(frame: Buffer, records: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'frame', frame, records, resolve, reject });
      this.schedule();
    });
  }

  // Group commit: the first append into an idle store waits `delayMs` for company; appends that
  // arrive while a write+fsync is in flight are taken together as soon as it finishes.
  private schedule(): void {
    if (this.flushing || this.timer) return;
    if (this.delayMs > 0) {
      const t = setTimeout(() => this.startFlush(), this.delayMs);
      this.timer = () => clearTimeout(t);
    } else {
      const t = setImmediate(() => this.startFlush());
      this.timer = () => clearImmediate(t);
    }
  }

  // The only place a flush loop starts, so there is never more than one writer.
  private startFlush(): void {
    this.timer?.();
    this.timer = null;
    if (this.flushing) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      if (this.queue.length > 0) this.startFlush();
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.flushing) await this.flushing;
      else if (this.queue.length > 0) this.startFlush();
      else return;
    }
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      if (this.failure) {
        for (const op of this.queue.splice(0)) op.reject(this.failure);
        return;
      }
      const head = this.queue[0];
      if (head.kind === 'rotate') {
        this.queue.shift();
        try {
          await this.rotate(head.gen);
          head.resolve();
        } catch (err) {
          this.fail(err);
          head.reject(this.failure!);
        }
        continue;
      }
      let n = 0;
      while (n < this.queue.length && this.queue[n].kind === 'frame') n++;
      const batch = this.queue.splice(0, n) as FrameOp[];
      const buf = batch.length === 1 ? batch[0].frame : Buffer.concat(batch.map((op) => op.frame));
      try {
        await writeAll(this.journal, buf, this.journalBytes);
        await this.journal.datasync();
        this.fsyncCount++;
      } catch (err) {
        this.fail(err);
        for (const op of batch) op.reject(this.failure!);
        continue;
      }
      this.journalBytes += buf.length;
      for (const op of batch) {
        this.journalRecords += op.records;
        op.resolve();
      }
    }
  }

  private fail(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    this.failure ??= new Error(`durable store failed, no further writes accepted: ${e.message}`, {
      cause: e,
    });
  }

  // Runs inside the flush loop, so every earlier frame is already written and fsynced.
  private async rotate(gen: number): Promise<void> {
    const fh = await open(path.join(this.dir, `journal-${gen}.log`), 'w');
    try {
      await this.fsyncDir();
    } catch (err) {
      await fh.close();
      throw err;
    }
    const old = this.journal;
    this.journal = fh;
    this.journalBytes = 0;
    this.journalRecords = 0;
    await old.close();
  }

  private async fsyncDir(): Promise<void> {
    await fsyncDir(this.dir);
    this.fsyncCount++;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

function serializeDoc(doc: Document): Buffer {
  let out = serialize(doc);
  if (out.length >= FAST_SERIALIZE_LIMIT) {
    // Grows bson's (process-wide) scratch buffer to fit; only records this large pay for it.
    const size = calculateObjectSize(doc);
    setInternalBufferSize(size);
    out = serialize(doc);
    if (out.length !== size) {
      throw new Error(`BSON serialization size mismatch (${out.length} != ${size})`);
    }
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

// {r: <doc>} built by hand around the already serialized record.
function wrapOne(doc: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + 3 + doc.length + 1);
  out.writeInt32LE(out.length, 0);
  out[4] = 0x03; // embedded document
  out[5] = 0x72; // 'r'
  out[6] = 0x00;
  doc.copy(out, 7);
  out[out.length - 1] = 0x00;
  return out;
}

// {b: [<doc>, ...]} built by hand.
function wrapBatch(docs: Buffer[]): Buffer {
  const keys = docs.map((_, i) => Buffer.from(String(i), 'latin1'));
  let arrayLen = 4 + 1;
  for (let i = 0; i < docs.length; i++) arrayLen += 1 + keys[i].length + 1 + docs[i].length;
  const out = Buffer.allocUnsafe(4 + 3 + arrayLen + 1);
  out.writeInt32LE(out.length, 0);
  out[4] = 0x04; // array
  out[5] = 0x62; // 'b'
  out[6] = 0x00;
  let pos = 7;
  out.writeInt32LE(arrayLen, pos);
  pos += 4;
  for (let i = 0; i < docs.length; i++) {
    out[pos++] = 0x03;
    pos += keys[i].copy(out, pos);
    out[pos++] = 0x00;
    pos += docs[i].copy(out, pos);
  }
  out[pos++] = 0x00; // end of array
  out[pos++] = 0x00; // end of envelope
  return out;
}

function encodeFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(HEADER + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32c(payload), 4);
  payload.copy(frame, HEADER);
  return frame;
}

function decodeRecord(payload: Buffer): Document {
  return fromWire(deserialize(payload, { promoteValues: false }));
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Sequential reads with a 1 MiB read-ahead. Returned buffers are never reused. */
class FileReader {
  private buf = Buffer.alloc(0);
  private bufPos = 0;

  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  /** Bytes [pos, pos + n), or null if the file ends first. */
  async read(pos: number, n: number): Promise<Buffer | null> {
    if (pos + n > this.size) return null;
    const rel = pos - this.bufPos;
    if (rel >= 0 && rel + n <= this.buf.length) return this.buf.subarray(rel, rel + n);
    const want = Math.min(Math.max(n, READ_CHUNK), this.size - pos);
    const b = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await this.fh.read(b, got, want - got, pos + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got < n) return null;
    this.buf = b.subarray(0, got);
    this.bufPos = pos;
    return this.buf.subarray(0, n);
  }
}

type FrameResult =
  | { kind: 'frame'; payload: Buffer; end: number }
  | { kind: 'trailer'; payload: Buffer; end: number }
  | { kind: 'eof' }
  | { kind: 'bad' };

async function readFrame(r: FileReader, pos: number): Promise<FrameResult> {
  if (pos === r.size) return { kind: 'eof' };
  const header = await r.read(pos, HEADER);
  if (!header) return { kind: 'bad' };
  const len = header.readUInt32LE(0);
  const crc = header.readUInt32LE(4);
  const trailer = len === TRAILER_LEN;
  const payloadLen = trailer ? 8 : len;
  if (!trailer && len < 5) return { kind: 'bad' };
  const payload = await r.read(pos + HEADER, payloadLen);
  if (!payload || crc32c(payload) !== crc) return { kind: 'bad' };
  if (!trailer && payload.readInt32LE(0) !== len) return { kind: 'bad' };
  return { kind: trailer ? 'trailer' : 'frame', payload, end: pos + HEADER + payloadLen };
}

/** The journal's records, and the offset of the end of its last valid frame. */
async function readJournal(
  file: string,
): Promise<{ records: Document[]; validBytes: number; size: number }> {
  const fh = await open(file, 'r');
  try {
    const r = new FileReader(fh, (await fh.stat()).size);
    const records: Document[] = [];
    let pos = 0;
    for (;;) {
      const f = await readFrame(r, pos);
      if (f.kind !== 'frame') break;
      let decoded: Document[];
      try {
        const env = deserialize(f.payload, { promoteValues: false }) as Document;
        if (isDoc(env.r) && Object.keys(env).length === 1) decoded = [fromWire(env.r)];
        else if (Array.isArray(env.b) && Object.keys(env).length === 1 && env.b.every(isDoc))
          decoded = (env.b as Document[]).map((d) => fromWire(d));
        else break;
      } catch {
        break;
      }
      for (const rec of decoded) records.push(rec);
      pos = f.end;
    }
    return { records, validBytes: pos, size: r.size };
  } finally {
    await fh.close();
  }
}

/** The snapshot's records, or null if it is torn or corrupt. */
async function readSnapshot(file: string): Promise<Document[] | null> {
  const fh = await open(file, 'r');
  try {
    const r = new FileReader(fh, (await fh.stat()).size);
    const magic = await r.read(0, SNAPSHOT_MAGIC.length);
    if (!magic || !magic.equals(SNAPSHOT_MAGIC)) return null;
    const records: Document[] = [];
    let pos = SNAPSHOT_MAGIC.length;
    for (;;) {
      const f = await readFrame(r, pos);
      if (f.kind === 'eof' || f.kind === 'bad') return null;
      if (f.kind === 'trailer') {
        const count = Number(f.payload.readBigUInt64LE(0));
        return count === records.length && f.end === r.size ? records : null;
      }
      try {
        records.push(decodeRecord(f.payload));
      } catch {
        return null;
      }
      pos = f.end;
    }
  } finally {
    await fh.close();
  }
}

function isDoc(v: unknown): v is Document {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !('_bsontype' in v);
}

// ---------------------------------------------------------------------------------------------
// Writing

async function writeAll(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, position + off);
    off += bytesWritten;
  }
}

/** Writes and fsyncs a complete snapshot file. */
async function writeSnapshot(
  file: string,
  records: Iterable<Document> | AsyncIterable<Document>,
): Promise<void> {
  const fh = await open(file, 'w');
  try {
    let pos = 0;
    let count = 0;
    let chunk: Buffer[] = [SNAPSHOT_MAGIC];
    let chunkBytes = SNAPSHOT_MAGIC.length;
    const add = (rec: Document): boolean => {
      const frame = encodeFrame(serializeDoc(rec));
      chunk.push(frame);
      chunkBytes += frame.length;
      count++;
      return chunkBytes >= SNAPSHOT_WRITE_CHUNK;
    };
    const flush = async (): Promise<void> => {
      const buf = Buffer.concat(chunk, chunkBytes);
      chunk = [];
      chunkBytes = 0;
      await writeAll(fh, buf, pos);
      pos += buf.length;
    };
    // A sync iterable is walked without a microtask per record; it still yields at each write.
    if (Symbol.asyncIterator in records) {
      for await (const rec of records) if (add(rec)) await flush();
    } else {
      for (const rec of records) if (add(rec)) await flush();
    }
    const countBuf = Buffer.alloc(8);
    countBuf.writeBigUInt64LE(BigInt(count));
    const trailer = Buffer.allocUnsafe(HEADER);
    trailer.writeUInt32LE(TRAILER_LEN, 0);
    trailer.writeUInt32LE(crc32c(countBuf), 4);
    chunk.push(trailer, countBuf);
    chunkBytes += HEADER + 8;
    await flush();
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, fsConstants.O_RDONLY);
  try {
    await fh.sync();
  } catch (err) {
    // Some platforms/filesystems cannot fsync a directory; there is nothing better to do.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw err;
  } finally {
    await fh.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Recovery

interface RecoveryResult {
  recovered: Recovered;
  gen: number;
  journal: FileHandle;
  journalBytes: number;
  fsyncs: number;
}

function generations(names: string[], re: RegExp): number[] {
  const gens: number[] = [];
  for (const name of names) {
    const m = re.exec(name);
    if (m) gens.push(Number(m[1]));
  }
  return gens.sort((a, b) => a - b);
}

async function recover(dir: string): Promise<RecoveryResult> {
  let fsyncs = 0;
  const names = await readdir(dir);
  // Snapshots whose compaction never finished, and lock attempts of processes that died.
  for (const name of names) {
    const pending = LOCK_PENDING_RE.exec(name);
    const dead = pending !== null && !isAlive(Number(pending[1]));
    if (SNAPSHOT_TMP_RE.test(name) || dead) await rm(path.join(dir, name), { force: true });
  }
  const snapshots = generations(names, SNAPSHOT_RE);
  const journals = generations(names, JOURNAL_RE);
  const snapPath = (g: number): string => path.join(dir, `snapshot-${g}.snap`);
  const journalPath = (g: number): string => path.join(dir, `journal-${g}.log`);

  // Journals g, g+1, ... must all be present for generation g to be a usable base.
  const chainIntact = (g: number): boolean => {
    const later = journals.filter((j) => j >= g);
    return later.every((j, i) => j === g + i);
  };
  // Newest valid snapshot with an intact journal chain; generation 0 is the implicit empty one.
  let base = -1;
  let snapshot: Document[] = [];
  const corrupt: number[] = [];
  for (const g of [...snapshots].reverse()) {
    const docs = chainIntact(g) ? await readSnapshot(snapPath(g)) : null;
    if (docs) {
      base = g;
      snapshot = docs;
      break;
    }
    corrupt.push(g);
  }
  if (base < 0) {
    const fresh = snapshots.length === 0 && journals.length === 0;
    if (fresh || (journals[0] === 0 && chainIntact(0))) base = 0;
    else
      throw new Error(
        `cannot recover ${dir}: no complete snapshot with an intact journal chain ` +
          `(snapshots: ${snapshots.join(', ') || 'none'}; journals: ${journals.join(', ') || 'none'})`,
      );
  }

  // Replay journals base, base+1, ... up to the first damaged frame.
  const journal: Document[] = [];
  let gen = base;
  let journalBytes = 0;
  const replay = journals.filter((j) => j >= base);
  for (let i = 0; i < replay.length; i++) {
    const g = replay[i];
    const res = await readJournal(journalPath(g));
    for (const rec of res.records) journal.push(rec); // no spread: journals can be huge
    gen = g;
    journalBytes = res.validBytes;
    if (res.validBytes < res.size) {
      // Torn tail (crash mid-write) or corruption: cut it off so appends don't follow garbage.
      const fh = await open(journalPath(g), 'r+');
      try {
        await fh.truncate(res.validBytes);
        await fh.sync();
        fsyncs++;
      } finally {
        await fh.close();
      }
      for (const later of replay.slice(i + 1)) await rm(journalPath(later), { force: true });
      break;
    }
  }

  // Drop everything the chosen generation supersedes, and snapshots that failed validation.
  for (const g of snapshots)
    if (g < base || corrupt.includes(g)) await rm(snapPath(g), { force: true });
  for (const g of journals) if (g < base) await rm(journalPath(g), { force: true });

  const current = journalPath(gen);
  let fh: FileHandle;
  try {
    fh = await open(current, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    fh = await open(current, 'w+');
    journalBytes = 0;
  }
  await fsyncDir(dir);
  fsyncs++;
  return { recovered: { snapshot, journal }, gen, journal: fh, journalBytes, fsyncs };
}

async function removeGenerationsBelow(dir: string, gen: number): Promise<void> {
  const names = await readdir(dir);
  for (const name of names) {
    const m = SNAPSHOT_RE.exec(name) ?? JOURNAL_RE.exec(name);
    if (m && Number(m[1]) < gen) await rm(path.join(dir, name), { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Lock file

/** Directories locked by this process, to tell our own live lock from a dead namesake's. */
const heldLocks = new Set<string>();

function lockPath(dir: string): string {
  return path.join(dir, 'LOCK');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function acquireLock(dir: string): Promise<void> {
  const lock = lockPath(dir);
  // The pid is written to a private file first and then hard-linked into place, so the lock
  // never exists without its pid (link fails with EEXIST if someone else holds it).
  const tmp = path.join(dir, `LOCK.${process.pid}.${Date.now()}.pending`);
  await writeFile(tmp, `${process.pid}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(tmp, lock);
        heldLocks.add(dir);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw err;
      }
      let owner = NaN;
      try {
        owner = Number.parseInt(await readFile(lock, 'utf8'), 10);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile
        throw err;
      }
      // A lock with our own pid that we don't hold was left by an earlier process that had the
      // same pid (typical in containers, where the server is often pid 1).
      const live = owner === process.pid ? heldLocks.has(dir) : owner > 0 && isAlive(owner);
      if (live) throw new Error(`data directory ${dir} is in use by pid ${owner}`);
      // Stale lock left by a process that died (e.g. kill -9): take it over.
      await unlink(lock).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function releaseLock(dir: string): Promise<void> {
  const lock = lockPath(dir);
  heldLocks.delete(dir);
  try {
    // Only remove it if it is still ours (it may have been taken over after we were presumed dead).
    if (Number.parseInt(await readFile(lock, 'utf8'), 10) === process.pid) await unlink(lock);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
