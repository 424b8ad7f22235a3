/**
 * The checks every service passes, as one shared suite: it answers its health check over a
 * real NATS with its MongoDB reachable, and its process refuses to start on a bad MONGODB_URI,
 * naming only that variable (numbers from the environment are converted, not refused).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { INestMicroservice, Type } from '@nestjs/common';
import { HEALTH_SUBJECTS, ServiceHealth, ServiceName } from '@spilno/contracts';
import { createLogger, loadConfig, ServiceConfig } from '@spilno/config';
import { createServiceApp, RpcClient } from '@spilno/messaging';
import { startNatsServer, stopTestMongo, testMongo, TestNatsServer } from '@spilno/testing';

const ROOT = path.resolve(__dirname, '../../..');

export function describeServiceBasics(service: ServiceName, module: Type<unknown>): void {
  const meta = { requestId: `${service}-health-e2e`, principal: null };

  describe(`${service} service (e2e, real NATS and MongoDB wire server)`, () => {
    let nats: TestNatsServer;
    let app: INestMicroservice;
    let client: RpcClient;

    beforeAll(async () => {
      nats = await startNatsServer();
      const mongo = await testMongo(service);
      const config = loadConfig(ServiceConfig, { NATS_URL: nats.url, MONGODB_URI: mongo.uri });
      app = await createServiceApp({
        service,
        module,
        config,
        logger: createLogger(service, 'silent'),
      });
      client = await RpcClient.connect([nats.url], `${service}-e2e`, 2000);
    });

    afterAll(async () => {
      await client?.close();
      await app?.close();
      await nats?.stop();
      await stopTestMongo();
    });

    it('answers its health check over NATS with MongoDB reachable', async () => {
      const health = await client.send<ServiceHealth>(HEALTH_SUBJECTS[service], {}, { meta });

      expect(health).toEqual({
        service,
        status: 'ok',
        version: expect.any(String),
        uptimeSeconds: expect.any(Number),
        dependencies: [{ name: 'mongodb', ok: true }],
      });
    });

    it('refuses to start with a bad MONGODB_URI, naming only that variable', async () => {
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', `services/${service}/src/main.ts`],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            SWC_NODE_PROJECT: path.join(ROOT, 'tsconfig.base.json'),
            NATS_URL: nats.url,
            MONGODB_URI: 'foo',
            RPC_TIMEOUT_MS: '5000',
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

      expect(code).not.toBe(0);
      expect(stderr).toMatch(/MONGODB_URI="foo"/);
      expect(stderr).not.toMatch(/RPC_TIMEOUT_MS/);
    });
  });
}
