/**
 * Child process for the crash-safety test: appends records as fast as it can (single appends,
 * batches, and compactions whenever the store asks for one) and prints each record's seq on
 * stdout once it is acknowledged. The parent SIGKILLs it at a random moment.
 *
 * Usage: node -r @swc-node/register crash-writer.ts <dir>
 */
import { Long } from 'bson';
import { DurableStore, type Document } from '../durable-store';

async function main(): Promise<void> {
  const dir = process.argv[2];
  const { store, recovered } = await DurableStore.open({
    dir,
    compactAfterBytes: 64 * 1024,
    groupCommitMaxDelayMs: 1,
  });
  // The engine's "state": every record appended so far, which is what a snapshot must contain.
  const all: Document[] = [...recovered.snapshot, ...recovered.journal];
  let seq = all.length;
  process.stdout.write(`ready ${seq}\n`);

  const fail = (err: unknown): void => {
    process.stderr.write(`crash-writer failed: ${String(err)}\n`);
    process.exit(1);
  };
  const record = (): Document => ({
    seq: seq++,
    big: Long.fromNumber(seq * 1000),
    pad: 'x'.repeat(50 + Math.floor(Math.random() * 200)),
  });
  // stdout is a pipe, which Node writes synchronously on Linux: a printed seq is in the pipe
  // even if we are killed right after.
  const ack = (recs: Document[]): void => {
    process.stdout.write(recs.map((r) => `${r.seq as number}\n`).join(''));
  };
  const issue = (): void => {
    const recs = Math.random() < 0.2 ? [record(), record(), record()] : [record()];
    all.push(...recs);
    const p = recs.length === 1 ? store.append(recs[0]) : store.appendMany(recs);
    p.then(() => {
      ack(recs);
      issue();
    }, fail);
    if (store.shouldCompact()) store.compact(all.slice()).catch(fail);
  };
  for (let i = 0; i < 16; i++) issue();
}

main().catch((err) => {
  process.stderr.write(`crash-writer failed: ${String(err)}\n`);
  process.exit(1);
});
