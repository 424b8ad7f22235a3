/**
 * Serial NATS request latency: raw nats.js request/reply against the typed RpcClient, both to
 * the same kind of responder, measured in one run. Also the RpcClient against a real NestJS
 * `@MessagePattern` handler, the path services use. Used by `npm run bench:gateway`.
 */
import 'reflect-metadata';
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, Transport } from '@nestjs/microservices';
import { connect, NatsConnection } from 'nats';
import { RpcClient } from '@spilno/messaging';

const RAW_SUBJECT = 'bench.raw.echo.v1';
const NEST_FORMAT_SUBJECT = 'bench.nestformat.echo.v1';
const NEST_SUBJECT = 'bench.nest.echo.v1';
const BODY = { ok: true, service: 'bench', n: 42 };

@Controller()
class EchoController {
  @MessagePattern(NEST_SUBJECT)
  echo(@Payload() envelope: { data: unknown }): unknown {
    return envelope.data;
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

export interface LatencyRow {
  name: string;
  p50: number;
  p99: number;
  mean: number;
  n: number;
}

function summarise(name: string, samples: number[]): LatencyRow {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return {
    name,
    p50: at(50),
    p99: at(99),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    n: sorted.length,
  };
}

async function serial(n: number, call: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 200; i++) await call(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call();
    out.push((performance.now() - t0) * 1000);
  }
  return out;
}

export async function measureRpcLatency(natsUrl: string, n = 5000): Promise<LatencyRow[]> {
  const responder: NatsConnection = await connect({ servers: natsUrl });
  const encoded = new TextEncoder().encode(JSON.stringify(BODY));
  responder.subscribe(RAW_SUBJECT, { callback: (_e, m) => m.respond(encoded) });
  const nestFormatReply = (id: string) =>
    new TextEncoder().encode(JSON.stringify({ response: BODY, isDisposed: true, id }));
  responder.subscribe(NEST_FORMAT_SUBJECT, {
    callback: (_e, m) => m.respond(nestFormatReply((m.json() as { id: string }).id)),
  });
  const nest: INestMicroservice = await NestFactory.createMicroservice(EchoModule, {
    transport: Transport.NATS,
    options: { servers: [natsUrl] },
    logger: false,
  });
  await nest.listen();
  await responder.flush();

  const raw = await connect({ servers: natsUrl });
  const client = await RpcClient.connect([natsUrl], 'bench', 2000);
  const meta = { requestId: 'bench', principal: null };
  try {
    const rows = [
      summarise(
        'raw nats.js request',
        await serial(n, () => raw.request(RAW_SUBJECT, encoded, { timeout: 2000 })),
      ),
      summarise(
        'RpcClient.send (same responder, NestJS packet format)',
        await serial(n, () => client.send(NEST_FORMAT_SUBJECT, BODY, { meta })),
      ),
      summarise(
        'RpcClient.send -> NestJS @MessagePattern',
        await serial(n, () => client.send(NEST_SUBJECT, BODY, { meta })),
      ),
    ];
    return rows;
  } finally {
    await client.close();
    await raw.close();
    await nest.close();
    await responder.close();
  }
}
