/**
 * Robustness on the raw wire: malformed frames, wrong lengths, unknown opcodes, oversized
 * messages, split and coalesced frames, document sequences, moreToCome; 200 concurrent
 * connections; w:0 unacknowledged writes; near-16 MiB documents. After every abuse the server
 * stays up and serves the next client.
 */
import { BSON } from 'bson';
import type { Document } from 'mongodb';
import {
  MSG_MORE_TO_COME,
  OP_MSG,
  RawConnection,
  describeEmbedded,
  header,
  newRequestId,
  opMsg,
  setupSuite,
  sleep,
} from './harness';
import type { Doc } from './harness';

const t = setupSuite(__filename);

async function serverStillServes(): Promise<void> {
  const raw = await RawConnection.connect(t.host, t.port);
  try {
    const r = await raw.command({ ping: 1, $db: 'admin' });
    expect(r.ok).toBe(1);
  } finally {
    raw.close();
  }
  expect((await t.db.command({ ping: 1 })).ok).toBe(1);
}

/** After a bad frame the server either closes the connection or answers with ok: 0. */
async function closesOrAnswersError(raw: RawConnection, ms = 2000): Promise<'closed' | 'error'> {
  try {
    const r = await raw.next(ms);
    expect(r.docs[0]?.ok).toBe(0);
    return 'error';
  } catch {
    expect(await raw.closesWithin(ms)).toBe(true);
    return 'closed';
  }
}

describeEmbedded('malformed frames', 'it sends hand-made broken frames over raw sockets', () => {
  it('a message length below the header size', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    await raw.write(header(5, newRequestId(), 0, OP_MSG));
    expect(await raw.closesWithin(2000)).toBe(true);
    await serverStillServes();
  });

  it('a negative message length', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    await raw.write(header(-100, newRequestId(), 0, OP_MSG));
    expect(await raw.closesWithin(2000)).toBe(true);
    await serverStillServes();
  });

  it('a declared length above maxMessageSizeBytes is refused without waiting for the body', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    await raw.write(header(100_000_000, newRequestId(), 0, OP_MSG));
    expect(await raw.closesWithin(2000)).toBe(true);
    await serverStillServes();
  });

  it('an actual oversized message (49 MB) does not take the server down', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    const size = 49_000_000;
    const buf = Buffer.alloc(size);
    header(size, newRequestId(), 0, OP_MSG).copy(buf, 0);
    raw.write(buf).catch(() => undefined);
    expect(await raw.closesWithin(5000)).toBe(true);
    await serverStillServes();
  });

  it('an unknown opcode', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    const body = Buffer.from(BSON.serialize({ ping: 1 }));
    await raw.write(Buffer.concat([header(16 + body.length, newRequestId(), 0, 9999), body]));
    await closesOrAnswersError(raw);
    raw.close();
    await serverStillServes();
  });

  it('OP_MSG whose BSON body is corrupt (inner length wrong)', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    const good = opMsg(newRequestId(), { ping: 1, $db: 'admin' });
    good.writeInt32LE(9999, 21); // the body document's own length
    await raw.write(good);
    await closesOrAnswersError(raw);
    raw.close();
    await serverStillServes();
  });

  it('OP_MSG with garbage bytes in a body of the right length', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    const junk = Buffer.alloc(40, 0xab);
    const f = Buffer.alloc(5); // flags 0, section kind 0
    await raw.write(
      Buffer.concat([header(16 + 5 + junk.length, newRequestId(), 0, OP_MSG), f, junk]),
    );
    await closesOrAnswersError(raw);
    raw.close();
    await serverStillServes();
  });

  it('OP_MSG with an unknown section kind', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    const body = Buffer.from(BSON.serialize({ ping: 1, $db: 'admin' }));
    const payload = Buffer.concat([Buffer.alloc(4), Buffer.from([7]), body]);
    await raw.write(
      Buffer.concat([header(16 + payload.length, newRequestId(), 0, OP_MSG), payload]),
    );
    await closesOrAnswersError(raw);
    raw.close();
    await serverStillServes();
  });

  it('a client that disconnects mid-frame', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    const msg = opMsg(newRequestId(), { ping: 1, $db: 'admin' });
    await raw.write(msg.subarray(0, 10));
    raw.close();
    await sleep(50);
    await serverStillServes();
  });

  it('an unknown command on the raw wire answers 59 and keeps the connection', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    try {
      const r = await raw.command({ noSuchCommandHere: 1, $db: 'admin' });
      expect(r).toMatchObject({ ok: 0, code: 59, codeName: 'CommandNotFound' });
      expect((await raw.command({ ping: 1, $db: 'admin' })).ok).toBe(1);
    } finally {
      raw.close();
    }
  });
});

describeEmbedded('framing', 'it drives the wire protocol over raw sockets', () => {
  it('a frame delivered byte by byte is reassembled', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    try {
      const id = newRequestId();
      const msg = opMsg(id, { ping: 1, $db: 'admin' });
      for (let i = 0; i < msg.length; i += 7) {
        await raw.write(msg.subarray(i, i + 7));
        await sleep(1);
      }
      const r = await raw.next();
      expect(r.responseTo).toBe(id);
      expect(r.docs[0].ok).toBe(1);
    } finally {
      raw.close();
    }
  });

  it('several frames in one TCP write are answered in order', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    try {
      const ids = [newRequestId(), newRequestId(), newRequestId()];
      await raw.write(
        Buffer.concat([
          opMsg(ids[0], { insert: 'pipelined', documents: [{ _id: 1 }], $db: t.dbName }),
          opMsg(ids[1], { find: 'pipelined', filter: {}, $db: t.dbName }),
          opMsg(ids[2], { ping: 1, $db: 'admin' }),
        ]),
      );
      const replies = [await raw.next(), await raw.next(), await raw.next()];
      expect(replies.map((r) => r.responseTo)).toEqual(ids);
      expect(replies[0].docs[0]).toMatchObject({ n: 1, ok: 1 });
      expect(replies[1].docs[0].cursor.firstBatch).toEqual([{ _id: 1 }]);
    } finally {
      raw.close();
    }
  });

  it('kind-1 document sequences carry insert documents', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    try {
      const r = await raw.command({ insert: 'seq', $db: t.dbName }, [
        { id: 'documents', docs: [{ _id: 1 }, { _id: 2 }, { _id: 3 }] },
      ]);
      expect(r).toMatchObject({ n: 3, ok: 1 });
      const u = await raw.command({ update: 'seq', $db: t.dbName }, [
        {
          id: 'updates',
          docs: [
            { q: { _id: 1 }, u: { $set: { a: 1 } } },
            { q: { _id: 2 }, u: { $set: { a: 2 } } },
          ],
        },
      ]);
      expect(u).toMatchObject({ n: 2, nModified: 2, ok: 1 });
      expect(await t.db.collection('seq').countDocuments({ a: { $exists: true } })).toBe(2);
    } finally {
      raw.close();
    }
  });

  it('moreToCome (w:0) sends no reply; the next command on the connection is answered', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    try {
      await raw.write(
        opMsg(
          newRequestId(),
          { insert: 'mtc', documents: [{ _id: 1 }], writeConcern: { w: 0 }, $db: t.dbName },
          MSG_MORE_TO_COME,
        ),
      );
      const pingId = newRequestId();
      await raw.write(opMsg(pingId, { ping: 1, $db: 'admin' }));
      const r = await raw.next();
      expect(r.responseTo).toBe(pingId);
      expect(await t.db.collection('mtc').countDocuments()).toBe(1);
    } finally {
      raw.close();
    }
  });

  it('OP_MSG with the checksum flag and a trailing CRC-32C is accepted', async () => {
    const raw = await RawConnection.connect(t.host, t.port);
    try {
      const id = newRequestId();
      const msg = opMsg(id, { ping: 1, $db: 'admin' }, 1);
      const withCrc = Buffer.concat([msg, Buffer.alloc(4)]);
      withCrc.writeInt32LE(withCrc.length, 0);
      withCrc.writeUInt32LE(crc32c(withCrc.subarray(0, withCrc.length - 4)), withCrc.length - 4);
      await raw.write(withCrc);
      const r = await raw.next();
      expect(r.responseTo).toBe(id);
      expect(r.docs[0].ok).toBe(1);
    } finally {
      raw.close();
    }
  });
});

function crc32c(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('load and unacknowledged writes', () => {
  it('200 concurrent connections each run commands', async () => {
    const conns = await Promise.all(
      Array.from({ length: 200 }, () => RawConnection.connect(t.host, t.port)),
    );
    try {
      const results = await Promise.all(
        conns.map(async (c, i) => {
          await c.command({ hello: 1, $db: 'admin' });
          const ins = await c.command({ insert: 'conc', documents: [{ _id: i }], $db: t.dbName });
          const f = await c.command({ find: 'conc', filter: { _id: i }, $db: t.dbName });
          return ins.n === 1 && f.cursor.firstBatch.length === 1;
        }),
      );
      expect(results.every(Boolean)).toBe(true);
      const status = await t.db.admin().command({ serverStatus: 1 });
      expect(status.connections.current).toBeGreaterThanOrEqual(200);
    } finally {
      for (const c of conns) c.close();
    }
    expect(await t.db.collection('conc').countDocuments()).toBe(200);
    await serverStillServes();
  });

  it('200 concurrent driver operations over a pool', async () => {
    const client = await t.newClient({ maxPoolSize: 50 });
    const c = client.db(t.dbName).collection<Doc>('pool');
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        c.updateOne({ _id: i % 20 } as Document, { $inc: { n: 1 } }, { upsert: true }),
      ),
    );
    const docs = await c.find().toArray();
    expect(docs).toHaveLength(20);
    expect(docs.every((d) => d.n === 10)).toBe(true);
  });

  it('w:0 unacknowledged writes are applied', async () => {
    const client = await t.newClient({ maxPoolSize: 1 });
    const c = client.db(t.dbName).collection<Doc>('w0');
    for (let i = 0; i < 100; i++) {
      const r = await c.insertOne({ i }, { writeConcern: { w: 0 } });
      expect(r.acknowledged).toBe(false);
    }
    await c.updateMany({}, { $set: { touched: true } }, { writeConcern: { w: 0 } });
    // Same single connection: ordered after the unacknowledged writes.
    expect(await c.countDocuments({ touched: true })).toBe(100);
  });

  it('a document near 16 MiB round-trips; one over the limit is refused and the server stays up', async () => {
    const c = t.db.collection<Doc>('big');
    const payload = 'x'.repeat(16 * 1024 * 1024 - 200);
    await c.insertOne({ _id: 1, payload });
    const back = await c.findOne({ _id: 1 } as Document);
    expect(back!.payload.length).toBe(payload.length);
    const raw = await RawConnection.connect(t.host, t.port);
    try {
      const tooBig = { _id: 2, payload: 'y'.repeat(16 * 1024 * 1024 + 1024) };
      const r = await raw
        .command({ insert: 'big', $db: t.dbName }, [{ id: 'documents', docs: [tooBig] }])
        .catch(() => ({ closed: true }) as Document);
      if (!r.closed) {
        console.info(
          `[robustness] insert of a 16 MiB + 1 KiB document answered ${JSON.stringify({ ...r, $clusterTime: undefined })}`,
        );
        expect(r.ok === 0 || (r.writeErrors && r.writeErrors.length === 1)).toBe(true);
      }
    } finally {
      raw.close();
    }
    expect(await c.countDocuments()).toBe(1);
    await serverStillServes();
  });
});
