/**
 * Handshake and topology: OP_QUERY ismaster -> OP_REPLY, hello over OP_MSG, the replica-set
 * primary identity the driver needs for sessions/transactions/retryable writes, and the basic
 * admin commands tools and health checks send.
 */
import { Long, ObjectId } from 'bson';
import type {
  MongoClient,
  ServerHeartbeatFailedEvent,
  ServerHeartbeatSucceededEvent,
} from 'mongodb';
import {
  clean,
  OP_MSG,
  OP_QUERY,
  OP_REPLY,
  RawConnection,
  describeEmbedded,
  newRequestId,
  opMsg,
  opQuery,
  serverError,
  setupSuite,
  sleep,
} from './harness';

const t = setupSuite(__filename);

function topologyType(client: MongoClient): string {
  return (client as unknown as { topology: { description: { type: string } } }).topology.description
    .type;
}

describe('handshake over the wire', () => {
  let raw: RawConnection;
  beforeEach(async () => {
    raw = await RawConnection.connect(t.host, t.port);
  });
  afterEach(() => raw.close());

  it('answers an OP_QUERY ismaster on admin.$cmd with an OP_REPLY, then serves OP_MSG on the same connection', async () => {
    const id = newRequestId();
    await raw.write(
      opQuery(id, 'admin.$cmd', {
        ismaster: 1,
        helloOk: true,
        client: { driver: { name: 'conformance', version: '0' }, os: { type: 'linux' } },
        compression: [],
      }),
    );
    const reply = await raw.next();
    expect(reply.opCode).toBe(OP_REPLY);
    expect(reply.opCode).not.toBe(OP_QUERY);
    expect(reply.responseTo).toBe(id);
    expect(reply.numberReturned).toBe(1);
    expect(reply.cursorId).toBe(0n);
    const doc = reply.docs[0];
    expect(doc.ok).toBe(1);
    expect(doc.ismaster).toBe(true);
    expect(doc.helloOk).toBe(true);
    expect(doc.maxWireVersion).toBeGreaterThanOrEqual(21);
    expect(doc.minWireVersion).toBeLessThanOrEqual(21);
    expect(typeof doc.setName).toBe('string');
    expect(Array.isArray(doc.hosts)).toBe(true);
    expect(doc.logicalSessionTimeoutMinutes).toBeGreaterThan(0);

    // Same connection, now OP_MSG.
    const id2 = newRequestId();
    await raw.write(opMsg(id2, { hello: 1, helloOk: true, $db: 'admin' }));
    const r2 = await raw.next();
    expect(r2.opCode).toBe(OP_MSG);
    expect(r2.responseTo).toBe(id2);
    expect(r2.docs[0]).toMatchObject({ ok: 1, isWritablePrimary: true, helloOk: true });
  });

  it('hello carries the replica-set primary identity and size limits', async () => {
    const hello = await raw.command({ hello: 1, helloOk: true, $db: 'admin' });
    expect(hello.ok).toBe(1);
    expect(hello.isWritablePrimary).toBe(true);
    expect(hello.ismaster).toBeUndefined();
    expect(hello.secondary).toBe(false);
    expect(hello.helloOk).toBe(true);
    expect(typeof hello.setName).toBe('string');
    expect(hello.setName.length).toBeGreaterThan(0);
    expect(Array.isArray(hello.hosts)).toBe(true);
    expect(hello.hosts).toContain(hello.me);
    expect(hello.primary).toBe(hello.me);
    expect(hello.me).toMatch(/^[^:]+:\d+$/);
    expect(typeof hello.setVersion).toBe('number');
    expect(hello.electionId).toBeInstanceOf(ObjectId);
    expect(hello.maxBsonObjectSize).toBe(16777216);
    expect(hello.maxMessageSizeBytes).toBe(48000000);
    expect(hello.maxWriteBatchSize).toBe(100000);
    expect(hello.logicalSessionTimeoutMinutes).toBe(30);
    expect(hello.localTime).toBeInstanceOf(Date);
    expect(Math.abs(hello.localTime.getTime() - Date.now())).toBeLessThan(60_000);
    expect(typeof hello.connectionId).toBe('number');
    expect(hello.readOnly).toBe(false);
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(21);
  });

  it('only echoes helloOk when the client sent it', async () => {
    const hello = await raw.command({ hello: 1, $db: 'admin' });
    expect(hello.ok).toBe(1);
    expect(hello.helloOk).toBeUndefined();
  });

  it('legacy isMaster over OP_MSG answers ismaster: true', async () => {
    const r = await raw.command({ isMaster: 1, $db: 'admin' });
    expect(r.ok).toBe(1);
    expect(r.ismaster).toBe(true);
    expect(r.isWritablePrimary).toBeUndefined();
  });

  it('keeps setVersion and electionId constant across hellos on different connections', async () => {
    const a = await raw.command({ hello: 1, $db: 'admin' });
    const other = await RawConnection.connect(t.host, t.port);
    try {
      const b = await other.command({ hello: 1, $db: 'admin' });
      expect(b.setVersion).toBe(a.setVersion);
      expect(String(b.electionId)).toBe(String(a.electionId));
      expect(b.setName).toBe(a.setName);
      expect(b.connectionId).not.toBe(a.connectionId);
    } finally {
      other.close();
    }
  });
});

describeEmbedded(
  'embedded hello contract',
  'MongoDB 7.0 itself advertises topologyVersion and may run a newer wire version',
  () => {
    it('advertises exactly wire versions 0..21, no topologyVersion, no compression, no saslSupportedMechs', async () => {
      const raw = await RawConnection.connect(t.host, t.port);
      try {
        const hello = await raw.command({
          hello: 1,
          helloOk: true,
          saslSupportedMechs: 'admin.user',
          $db: 'admin',
        });
        expect(hello.maxWireVersion).toBe(21);
        expect(hello.minWireVersion).toBe(0);
        expect(hello).not.toHaveProperty('topologyVersion');
        expect(hello).not.toHaveProperty('compression');
        expect(hello).not.toHaveProperty('saslSupportedMechs');
      } finally {
        raw.close();
      }
    });

    it('the monitor keeps polling hello (non-awaited) without errors', async () => {
      const ok: ServerHeartbeatSucceededEvent[] = [];
      const failed: ServerHeartbeatFailedEvent[] = [];
      const c = await t.newClient({ heartbeatFrequencyMS: 500 });
      c.on('serverHeartbeatSucceeded', (e) => ok.push(e));
      c.on('serverHeartbeatFailed', (e) => failed.push(e));
      await sleep(1800);
      expect(failed).toEqual([]);
      expect(ok.length).toBeGreaterThanOrEqual(2);
      for (const e of ok) {
        expect(e.awaited).toBe(false);
        expect(e.reply).not.toHaveProperty('topologyVersion');
      }
      await c.db('admin').command({ ping: 1 });
    });

    it('connects through localhost when the server advertises 127.0.0.1', async () => {
      const uri = `mongodb://localhost:${t.port}/?directConnection=true`;
      const c = await t.newClient({}, uri);
      expect((await c.db('admin').command({ ping: 1 })).ok).toBe(1);
    });
  },
);

describe('connecting through the driver', () => {
  it('with directConnection=true: topology Single, server RSPrimary', async () => {
    const uri = t.uri.includes('directConnection=true')
      ? t.uri
      : `${t.uri}${t.uri.includes('?') ? '&' : '?'}directConnection=true`;
    const c = await t.newClient({}, uri);
    await c.db('admin').command({ ping: 1 });
    expect(topologyType(c)).toBe('Single');
    const servers = [
      ...(
        c as unknown as { topology: { description: { servers: Map<string, { type: string }> } } }
      ).topology.description.servers.values(),
    ];
    expect(servers.map((s) => s.type)).toEqual(['RSPrimary']);
  });

  it('without directConnection: replica-set discovery gives ReplicaSetWithPrimary', async () => {
    const uri = t.uri.replace(/directConnection=true&?/, '').replace(/[?&]$/, '');
    const c = await t.newClient({}, uri);
    await c.db(t.dbName).collection('discovery').insertOne({ a: 1 });
    expect(topologyType(c)).toBe('ReplicaSetWithPrimary');
    expect(await c.db(t.dbName).collection('discovery').countDocuments()).toBe(1);
  });

  it('explicit sessions work (logicalSessionTimeoutMinutes is advertised)', async () => {
    const session = t.client.startSession();
    try {
      await t.db.collection('sessions').insertOne({ a: 1 }, { session });
      expect(await t.db.collection('sessions').findOne({ a: 1 }, { session })).toMatchObject({
        a: 1,
      });
    } finally {
      await session.endSession();
    }
  });

  it('retryable writes are enabled: a plain insert carries lsid and txnNumber', async () => {
    t.clearCommands();
    await t.db.collection('retry_probe').insertOne({ a: 1 });
    const insert = t.commands.find((c) => c.commandName === 'insert');
    expect(insert).toBeDefined();
    expect(insert!.command.lsid).toBeDefined();
    expect(insert!.command.txnNumber).toBeInstanceOf(Long);
  });
});

describe('admin commands', () => {
  it('ping', async () => {
    expect(clean(await t.db.admin().command({ ping: 1 }))).toEqual({ ok: 1 });
  });

  it('buildInfo and buildinfo', async () => {
    const a = await t.db.admin().command({ buildInfo: 1 });
    expect(a.ok).toBe(1);
    expect(a.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Array.isArray(a.versionArray)).toBe(true);
    expect(a.versionArray.slice(0, 2)).toEqual(a.version.split('.').slice(0, 2).map(Number));
    expect(a.maxBsonObjectSize).toBe(16777216);
    const b = await t.db.admin().buildInfo();
    expect(b.version).toBe(a.version);
    expect(
      t.commands.some((c) => c.commandName === 'buildinfo' || c.commandName === 'buildInfo'),
    ).toBe(true);
  });

  it('getParameter featureCompatibilityVersion and *', async () => {
    const fcv = await t.db.admin().command({ getParameter: 1, featureCompatibilityVersion: 1 });
    expect(fcv.ok).toBe(1);
    expect(fcv.featureCompatibilityVersion).toMatchObject({
      version: expect.stringMatching(/^\d+\.\d+$/),
    });
    const all = await t.db.admin().command({ getParameter: '*' });
    expect(all.ok).toBe(1);
    expect(all.featureCompatibilityVersion).toMatchObject({
      version: fcv.featureCompatibilityVersion.version,
    });
  });

  it('serverStatus', async () => {
    const s = await t.db.admin().command({ serverStatus: 1 });
    expect(s.ok).toBe(1);
    expect(typeof s.host).toBe('string');
    expect(s.version).toMatch(/^\d+\.\d+/);
    expect(typeof s.process).toBe('string');
    expect(typeof s.uptime).toBe('number');
    expect(s.localTime).toBeInstanceOf(Date);
    expect(s.connections.current).toBeGreaterThanOrEqual(1);
  });

  it('listDatabases shows this database after a write, and nameOnly', async () => {
    await t.db.collection('listdb').insertOne({ a: 1 });
    const r = await t.db.admin().command({ listDatabases: 1 });
    expect(r.ok).toBe(1);
    const mine = r.databases.find((d: { name: string }) => d.name === t.dbName);
    expect(mine).toBeDefined();
    expect(typeof mine.sizeOnDisk).toBe('number');
    expect(mine.empty).toBe(false);
    expect(typeof r.totalSize).toBe('number');
    const names = await t.db.admin().command({ listDatabases: 1, nameOnly: true });
    expect(names.databases.map((d: { name: string }) => d.name)).toContain(t.dbName);
    for (const d of names.databases) expect(Object.keys(d)).toEqual(['name']);
  });

  it('endSessions is accepted', async () => {
    const s = t.client.startSession();
    await t.db.collection('es').insertOne({ a: 1 }, { session: s });
    const r = await t.db.admin().command({ endSessions: [s.id] });
    expect(r.ok).toBe(1);
    await s.endSession();
  });

  it('hostInfo, whatsmyuri, connectionStatus answer ok', async () => {
    for (const cmd of [{ hostInfo: 1 }, { whatsmyuri: 1 }, { connectionStatus: 1 }]) {
      expect((await t.db.admin().command(cmd)).ok).toBe(1);
    }
  });

  it('an unknown command fails with 59 CommandNotFound', async () => {
    const e = await serverError(t.db.command({ definitelyNotACommand: 1 }));
    expect(e.code).toBe(59);
    expect(e.codeName).toBe('CommandNotFound');
    expect(e.message).toBe("no such command: 'definitelyNotACommand'");
  });
});
