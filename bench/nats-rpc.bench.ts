import { randomBytes } from 'node:crypto';
import { createService, NatsRpcClient } from '@callfleet/platform';
import { connect } from '@nats-io/transport-node';
import { BenchPing, benchPingService } from './fixtures/bench-ping.service';
import { type BenchmarkResult, makeResult } from './lib/report';
import { closedLoop } from './lib/stats';

const TOTAL = Number(process.env.BENCH_NATS_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

/**
 * (a) NATS request/reply through the platform (NatsRpcClient → NatsRpcServer: headers, context,
 * validation pipe, error mapping, metrics) against the raw @nats-io/transport-node client talking to
 * a raw subscriber that answers the same JSON.
 */
export async function natsRpcBenchmark(natsUrl: string): Promise<BenchmarkResult> {
  const namespace = `bench${randomBytes(3).toString('hex')}`;
  const service = await createService(benchPingService, {
    env: {
      ...process.env,
      PORT: '0',
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NATS_URL: natsUrl,
      CALLFLEET_NAMESPACE: namespace,
    },
  });
  const client = service.app.get(NatsRpcClient);

  const responder = await connect({ servers: natsUrl, name: 'bench-raw-responder' });
  const rawSubject = `${namespace}.raw.ping`;
  responder.subscribe(rawSubject, {
    queue: 'raw',
    callback: (_e, msg) => {
      const { text } = msg.json<{ text: string }>();
      msg.respond(JSON.stringify({ pong: text }));
    },
  });
  const raw = await connect({ servers: natsUrl, name: 'bench-raw-client' });
  await responder.flush();

  const body = { text: 'hello' };
  const viaPlatform = () => client.call(BenchPing, body, { timeoutMs: 5000 });
  const viaRaw = async () => (await raw.request(rawSubject, JSON.stringify(body), { timeout: 5000 })).json();

  // Warm up both paths (JIT, connections) before measuring.
  await closedLoop(viaPlatform, 2_000, CONCURRENCY);
  await closedLoop(viaRaw, 2_000, CONCURRENCY);
  const baseline = await closedLoop(viaRaw, TOTAL, CONCURRENCY);
  const ours = await closedLoop(viaPlatform, TOTAL, CONCURRENCY);

  await raw.close();
  await responder.close();
  await service.close();
  return makeResult(
    'nats-request-reply',
    `request/reply of a small JSON DTO, ${TOTAL} requests at concurrency ${CONCURRENCY}: platform client + Nest handler (validation, context, metrics) vs the raw @nats-io/transport-node client (default options) and subscriber`,
    {
      ours: { label: 'platform NatsRpcClient -> NatsRpcServer', ...ours },
      baseline: { label: 'raw nats.js request -> raw subscriber', ...baseline },
    },
  );
}
