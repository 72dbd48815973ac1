import { randomBytes, randomUUID } from 'node:crypto';
import {
  FleetHeader,
  NATS_SERVICE_ERROR_CODE,
  ProviderAccountCommands,
  type ProviderAccountDto,
  WebhookRoutes,
} from '@callfleet/contracts';
import { SubjectNamespace } from '@callfleet/platform';
import { computeTwilioSignature } from '@callfleet/telephony';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import autocannon from 'autocannon';
// Imported by path: the rest of libs/testing is Jest's and stays out of the build.
import { TestDatabase } from '../libs/testing/src/test-database';
import { freePort, purgeBenchNamespace, spawnScript, spawnService, stop, waitForHttp } from './lib/processes';
import { type BenchmarkResult, makeResult } from './lib/report';
import type { LatencySummary } from './lib/stats';

const RATE = Number(process.env.BENCH_INGEST_RATE ?? 2_000);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = 2;
const CONNECTIONS = Number(process.env.BENCH_INGEST_CONNECTIONS ?? 100);
const AUTH_TOKEN = randomBytes(16).toString('hex');

interface SignedDelivery {
  body: string;
  signature: string;
}

/** `count` distinct status callbacks (one call each), signed as Twilio signs them for `url`. */
function signedDeliveries(url: string, count: number): SignedDelivery[] {
  const run = randomBytes(4).toString('hex');
  return Array.from({ length: count }, (_, i) => {
    const params = {
      AccountSid: 'AC0123456789abcdef0123456789abcdef',
      CallSid: `CA${run}${i.toString(16).padStart(24, '0')}`,
      CallStatus: 'completed',
      Direction: 'outbound-api',
      From: '+15005550006',
      To: '+15005550002',
      ApiVersion: '2010-04-01',
      Timestamp: new Date().toUTCString().replace('GMT', '+0000'),
      SequenceNumber: '3',
      CallbackSource: 'call-progress-events',
      CallDuration: '42',
    };
    return { body: new URLSearchParams(params).toString(), signature: computeTwilioSignature(AUTH_TOKEN, url, params) };
  });
}

/** Fires the deliveries at a fixed overall rate, each request a different one. */
async function load(
  origin: string,
  path: string,
  deliveries: SignedDelivery[],
  seconds: number,
): Promise<LatencySummary> {
  let next = 0;
  const result = await autocannon({
    url: origin,
    connections: CONNECTIONS,
    overallRate: RATE,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (request) => {
          const delivery = deliveries[next++ % deliveries.length];
          return {
            ...request,
            body: delivery.body,
            headers: {
              'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
              'x-twilio-signature': delivery.signature,
            },
          };
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${origin}${path}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return {
    requests: result.requests.total,
    throughputPerSec: Math.round(result.requests.total / seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.average,
  };
}

async function createTwilioAccount(natsUrl: string, namespace: string): Promise<ProviderAccountDto> {
  const nc = await connect({ servers: natsUrl, name: 'bench-ingest' });
  try {
    const h = natsHeaders();
    h.set(FleetHeader.REQUEST_ID, randomUUID());
    h.set(FleetHeader.ORG_ID, randomUUID());
    h.set(FleetHeader.USER_ID, randomUUID());
    h.set(FleetHeader.ROLES, 'owner');
    const reply = await nc.request(
      new SubjectNamespace(namespace).subject(ProviderAccountCommands.Create.subject),
      JSON.stringify({
        provider: 'twilio',
        name: 'bench',
        credentials: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: AUTH_TOKEN },
      }),
      { timeout: 5_000, headers: h },
    );
    if (reply.headers?.get(NATS_SERVICE_ERROR_CODE)) throw new Error(`account not created: ${reply.string()}`);
    return reply.json<ProviderAccountDto>();
  } finally {
    await nc.close();
  }
}

/**
 * (c) Twilio-signed status callbacks at a fixed 2,000 requests/s into webhook-ingest (account
 * lookup, signature check, rate limit, dedupe read, durable JetStream publish with PubAck, processed
 * mark, delivery log) against a bare Fastify route taking the same form. Every request is a distinct
 * delivery, so each one is really verified, published and stored. Each side is its own process.
 */
export async function ingestBenchmark(natsUrl: string): Promise<BenchmarkResult> {
  const namespace = `bench${randomBytes(3).toString('hex')}`;
  const database = await TestDatabase.create({ serverUrl: process.env.BENCH_POSTGRES_URL, prefix: 'callfleet_bench' });
  const port = await freePort();
  const ingest = spawnService('webhook-ingest', {
    NATS_URL: natsUrl,
    CALLFLEET_NAMESPACE: namespace,
    HTTP_HOST: '127.0.0.1',
    NODE_ENV: 'development',
    PORT: String(port),
    DATABASE_URL: database.url,
    DEV_PROVIDER_ACCOUNTS: 'false',
    // The per-account budget would refuse a load test; the limiter itself stays on the path.
    WEBHOOK_RATE_LIMIT_PER_MINUTE: '1000000000',
  });
  let bare: ReturnType<typeof spawnScript> | undefined;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health/ready`, 30_000, ingest);
    const account = await createTwilioAccount(natsUrl, namespace);
    const path = WebhookRoutes.twilioStatus(account.accountKey);
    const origin = `http://127.0.0.1:${port}`;
    const total = RATE * (DURATION_S + WARMUP_S) + CONNECTIONS;
    const warmup = signedDeliveries(`${origin}${path}`, RATE * WARMUP_S + CONNECTIONS);
    const measured = signedDeliveries(`${origin}${path}`, total);

    bare = spawnScript('bench/fixtures/bare-webhook.js', {});
    const barePort = await new Promise<number>((resolve, reject) => {
      bare?.stdout?.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()).port));
      bare?.once('exit', () => reject(new Error('bare fastify exited')));
    });
    const bareOrigin = `http://127.0.0.1:${barePort}`;

    await load(bareOrigin, path, warmup, WARMUP_S);
    const baseline = await load(bareOrigin, path, measured, DURATION_S);
    await load(origin, path, warmup, WARMUP_S);
    const ours = await load(origin, path, measured, DURATION_S);
    return makeResult(
      'ingest-twilio-status',
      `distinct Twilio-signed status callbacks at a fixed ${RATE} req/s for ${DURATION_S} s over ${CONNECTIONS} connections (autocannon): webhook-ingest (signature check, shared rate limit, dedupe, JetStream publish awaited to the PubAck, processed mark in PostgreSQL) vs a bare Fastify route parsing the same form`,
      { label: 'webhook-ingest -> JetStream + PostgreSQL', ...ours },
      { label: 'bare Fastify route, same form', ...baseline },
    );
  } finally {
    await Promise.all([stop(ingest), ...(bare ? [stop(bare)] : [])]);
    await purgeBenchNamespace(natsUrl, namespace);
    await database.drop();
  }
}
