/**
 * `npm run mongo -- --port 27018 [--dbpath DIR] [--host 127.0.0.1]`: runs the embedded server
 * until SIGINT/SIGTERM, printing its URI once it accepts connections.
 */
import { parseArgs } from 'node:util';
import { startEmbeddedMongo } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '27017' },
      dbpath: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'advertise-host': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: npm run mongo -- [--port 27017] [--dbpath DIR] [--host 127.0.0.1] [--advertise-host NAME]\n',
    );
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`invalid --port ${values.port}: expected 0..65535\n`);
    process.exit(2);
  }
  const log = values.quiet ? undefined : (line: string) => process.stderr.write(`${line}\n`);
  const mongo = await startEmbeddedMongo({
    port,
    dbPath: values.dbpath,
    host: values.host,
    advertiseHost: values['advertise-host'],
    log,
  });
  const where = values.dbpath ? `data in ${values.dbpath}` : 'in memory';
  process.stdout.write(`embedded MongoDB ready at ${mongo.uri} (${where})\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping, flushing data\n`);
    mongo.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`error while stopping: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(
    `embedded MongoDB failed to start: ${e instanceof Error ? e.message : String(e)}\n`,
  );
  process.exit(1);
});
