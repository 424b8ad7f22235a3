/**
 * The benchmark's baseline: a bare Fastify handler returning the JSON the gateway path
 * returns (given in BENCH_BODY), in its own process like the gateway.
 */
import Fastify from 'fastify';

const body = JSON.parse(process.env.BENCH_BODY ?? '{"ok":true}') as unknown;
const app = Fastify({ logger: false });
app.get('/json', async () => body);
app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }).then(
  (address) => process.stdout.write(`listening ${address}\n`),
  (e: unknown) => {
    process.stderr.write(`bare server failed: ${String(e)}\n`);
    process.exit(1);
  },
);
