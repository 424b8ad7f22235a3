/**
 * The embedded MongoDB-compatible server: a wire-protocol server that the official driver and
 * mongoose talk to unmodified, for laptops, tests and CI where no MongoDB can be installed.
 */
import { EmbeddedMongoServer, ServerOptions } from './server';

export interface EmbeddedMongoOptions {
  /** TCP port; 0 or absent picks a free one. */
  port?: number;
  /** Data directory; absent keeps everything in memory. */
  dbPath?: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Host name advertised to drivers (default: `host`). */
  advertiseHost?: string;
  log?: (line: string) => void;
}

export interface EmbeddedMongo {
  /** A connection string for the driver, e.g. mongodb://127.0.0.1:27018/?directConnection=true */
  uri: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

export async function startEmbeddedMongo(
  options: EmbeddedMongoOptions = {},
): Promise<EmbeddedMongo> {
  const serverOptions: ServerOptions = {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    advertiseHost: options.advertiseHost,
    dbPath: options.dbPath,
    log: options.log,
  };
  const server = new EmbeddedMongoServer(serverOptions);
  const { host, port } = await server.start();
  return {
    uri: `mongodb://${host}:${port}/?directConnection=true`,
    host,
    port,
    stop: () => server.stop(),
  };
}

export { EmbeddedMongoServer };
