/**
 * What can be checked about deploy/ without a Docker engine: each image runs the entry point
 * `npm start` runs, and the compose file wires every process with a configuration its own
 * validation accepts, on a 3-node JetStream cluster and a MongoDB replica set.
 */
// Before the config classes load, so their decorators record property types (see main.ts).
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, ServiceConfig } from '@spilno/config';
// The gateway's own loader is the truth about what it requires; this test only reads it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadGatewayConfig } from '../../gateway/src/config/gateway.config';
import { DEPLOYABLES, GATEWAY, nodeCommand, SERVICES, SWC_NODE_PROJECT } from '../local/processes';

const deploy = path.resolve(__dirname, '..');
const read = (...parts: string[]) => readFileSync(path.join(deploy, ...parts), 'utf8');

/** Instructions of a Dockerfile's last stage, continuation lines joined. */
function finalStage(dockerfile: string): string[] {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const from = lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true);
  return lines.slice(from);
}

describe.each(DEPLOYABLES.map((d) => [d.name, d] as const))('%s image', (name, deployable) => {
  const stage = finalStage(read('docker', `${name}.Dockerfile`));

  it('runs the entry point npm start runs, in exec form', () => {
    const cmd = stage.filter((l) => /^CMD\s/i.test(l)).pop();

    expect(cmd).toBeDefined();
    expect(JSON.parse(cmd!.replace(/^CMD\s+/i, ''))).toEqual(nodeCommand(deployable.entry));
    expect(stage.some((l) => /^ENTRYPOINT\s/i.test(l))).toBe(false);
  });

  it('compiles with the same compiler options as npm start', () => {
    expect(stage.join('\n')).toContain(`SWC_NODE_PROJECT=/app/${SWC_NODE_PROJECT}`);
  });

  it('contains its project and the shared libraries, and runs as an unprivileged user', () => {
    const project = deployable.entry.replace(/\/src\/main\.ts$/, '');

    expect(stage).toContain(`COPY ${project} ${project}`);
    expect(stage).toContain('COPY libs libs');
    expect(stage).toContain('USER node');
  });
});

type Environment = Record<string, string>;

interface ComposeService {
  image?: string;
  command?: string[];
  build?: { context: string; dockerfile: string };
  environment?: Environment;
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** The YAML parser some tool in node_modules brings; the test is skipped if none does. */
function yamlParser(): ((text: string) => unknown) | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yaml = require('yaml') as { parse(text: string, options: object): unknown };
    return (text) => yaml.parse(text, { merge: true });
  } catch {
    return null;
  }
}

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}` substitution. */
function interpolate(env: Environment, vars: Environment): Environment {
  const substitute = (value: string) =>
    value.replace(
      /\$\{(\w+)(?::([?-])([^}]*))?\}/g,
      (_, name: string, kind?: string, arg?: string) => {
        if (vars[name]) return vars[name];
        if (kind === '?') throw new Error(`${name} is required: ${arg}`);
        return kind === '-' ? (arg ?? '') : '';
      },
    );
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, substitute(String(v))]));
}

const parse = yamlParser();
const describeCompose = parse ? describe : describe.skip;
if (!parse) {
  console.warn('deploy/compose/compose.yaml not checked: no YAML parser (`yaml`) in node_modules');
}

describeCompose('compose.yaml', () => {
  const compose = (parse?.(read('compose', 'compose.yaml')) ?? { services: {} }) as ComposeFile;
  const operatorVars = { JWT_SECRET: 'x'.repeat(48) };
  const byPrefix = (prefix: string) =>
    Object.entries(compose.services).filter(([name]) => name.startsWith(prefix));

  it('builds every deployable from its own Dockerfile', () => {
    for (const { name } of DEPLOYABLES) {
      expect(compose.services[name]?.build).toEqual({
        context: '../..',
        dockerfile: `deploy/docker/${name}.Dockerfile`,
      });
    }
  });

  it('runs two replicas of each service', () => {
    for (const { name } of SERVICES) expect(compose.services[name].deploy?.replicas).toBe(2);
  });

  it('gives each service an environment its ServiceConfig accepts', () => {
    for (const { name } of SERVICES) {
      const env = interpolate(compose.services[name].environment ?? {}, operatorVars);

      const config = loadConfig(ServiceConfig, env);

      expect(config.NATS_URL.split(',')).toHaveLength(3);
      expect(config.MONGODB_URI).toMatch(/replicaSet=rs0/);
    }
  });

  it('gives the gateway an environment its configuration accepts', () => {
    const env = interpolate(compose.services[GATEWAY.name].environment ?? {}, operatorVars);

    const config = loadGatewayConfig(env);

    expect(config.NATS_URL.split(',')).toHaveLength(3);
    expect(config.PORT).toBe(3000);
  });

  it('refuses to start without a JWT secret from the operator', () => {
    for (const { name } of DEPLOYABLES) {
      expect(() => interpolate(compose.services[name].environment ?? {}, {})).toThrow(
        /JWT_SECRET is required/,
      );
    }
  });

  it('runs a 3-node NATS 2.10 JetStream cluster that fsyncs every write', () => {
    const nodes = byPrefix('nats-');
    const conf = read('compose', 'nats.conf');

    expect(nodes).toHaveLength(3);
    for (const [name, node] of nodes) {
      expect(node.image).toMatch(/^nats:2\.10/);
      expect(node.command).toEqual(['-c', '/etc/nats/nats.conf', '--name', name]);
      expect(conf).toContain(`nats-route://${name}:6222`);
    }
    expect(conf).toMatch(/jetstream\s*\{[^}]*sync_interval:\s*always/);
  });

  it('runs a 3-node MongoDB replica set, initiated before the services start', () => {
    const nodes = byPrefix('mongo-').filter(([name]) => name !== 'mongo-init');
    const init = read('compose', 'mongo-init.js');

    expect(nodes).toHaveLength(3);
    for (const [name, node] of nodes) {
      expect(node.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
      expect(init).toContain(`'${name}:27017'`);
    }
    for (const { name } of SERVICES) {
      expect(compose.services[name].depends_on?.['mongo-init']).toEqual({
        condition: 'service_completed_successfully',
      });
    }
  });
});
