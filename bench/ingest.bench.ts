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
import type { BenchBroker } from './lib/private-nats';
import { freePort, purgeBenchNamespace, spawnScript, spawnService, stop, waitForHttp } from './lib/processes';
import { type BenchmarkResult, makeResult } from './lib/report';
import { BENCH_ROUNDS, portOf, runRounds, type VariantRunner } from './lib/rounds';
import type { LatencySummary } from './lib/stats';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = 2;
const CONNECTIONS = Number(process.env.BENCH_INGEST_CONNECTIONS ?? 64);
/** Deliveries signed before each load (more are signed on the fly if a run outgrows them). */
const PRESIGNED = Number(process.env.BENCH_INGEST_PRESIGNED ?? 40_000);
const AUTH_TOKEN = randomBytes(16).toString('hex');
const TWILIO_ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';

interface SignedDelivery {
  body: string;
  signature: string;
}

/** Distinct status callbacks (one call each), signed as Twilio signs them for `url`. */
class Deliveries {
  private readonly run = randomBytes(4).toString('hex');
  private made = 0;
  private ready: SignedDelivery[] = [];
  private next = 0;

  constructor(private readonly url: string) {}

  /** Signs `count` fresh deliveries ahead of a load, so signing stays out of the measured time. */
  prepare(count: number): void {
    this.ready = Array.from({ length: count }, () => this.sign());
    this.next = 0;
  }

  take(): SignedDelivery {
    return this.next < this.ready.length ? this.ready[this.next++] : this.sign();
  }

  private sign(): SignedDelivery {
    const i = this.made++;
    const params = {
      AccountSid: TWILIO_ACCOUNT_SID,
      CallSid: `CA${this.run}${i.toString(16).padStart(24, '0')}`,
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
    return {
      body: new URLSearchParams(params).toString(),
      signature: computeTwilioSignature(AUTH_TOKEN, this.url, params),
    };
  }
}

/** As many requests as CONNECTIONS connections can get answered (closed loop), each a different delivery. */
async function load(origin: string, path: string, deliveries: Deliveries, seconds: number): Promise<LatencySummary> {
  deliveries.prepare(Math.min(PRESIGNED, seconds * 10_000));
  const result = await autocannon({
    url: origin,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (request) => {
          const delivery = deliveries.take();
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
 * Twilio-signed status callbacks into webhook-ingest at its maximum throughput (closed loop over
 * CONNECTIONS connections): account lookup, signature check, rate limit, dedupe read, durable
 * JetStream publish with PubAck, processed mark, delivery log. Against, in the same run:
 * - its floor: the same work of bare parts in a bare Fastify route (one form parse, the signature
 *   check, a raw JetStream publish awaited to the PubAck, one prepared insert);
 * - the baseline: a bare Fastify route parsing the same form and answering at once.
 * Every request is a distinct delivery, so each one is really verified, published and stored.
 */
export async function ingestBenchmark(broker: BenchBroker): Promise<BenchmarkResult> {
  const natsUrl = broker.url;
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
  const fixtures: ReturnType<typeof spawnScript>[] = [];
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health/ready`, 90_000, ingest);
    const account = await createTwilioAccount(natsUrl, namespace);
    const path = WebhookRoutes.twilioStatus(account.accountKey);
    const origin = `http://127.0.0.1:${port}`;

    const floor = spawnScript('bench/fixtures/floor-webhook.js', {
      NATS_URL: natsUrl,
      DATABASE_URL: database.url,
      FLOOR_AUTH_TOKEN: AUTH_TOKEN,
      FLOOR_STREAM: `${namespace.toUpperCase()}_FLOOR_INGRESS`,
      FLOOR_SUBJECT_PREFIX: `${namespace}.floor-ingress`,
    });
    fixtures.push(floor);
    const bare = spawnScript('bench/fixtures/bare-webhook.js', {});
    fixtures.push(bare);
    const [floorOrigin, bareOrigin] = [
      `http://127.0.0.1:${await portOf(floor)}`,
      `http://127.0.0.1:${await portOf(bare)}`,
    ];

    const postgres = () => database.backendPids();
    const nats: VariantRunner['roles'] = broker.pid ? { 'nats-server': () => [broker.pid as number] } : {};
    const pidOf = (child: ReturnType<typeof spawnScript>) => () => [child.pid as number];
    const variant = (
      key: VariantRunner['key'],
      label: string,
      at: string,
      roles: VariantRunner['roles'],
    ): VariantRunner => {
      const deliveries = new Deliveries(`${at}${path}`);
      return {
        key,
        label,
        roles,
        warmUp: () => load(at, path, deliveries, WARMUP_S),
        measure: () => load(at, path, deliveries, DURATION_S),
      };
    };
    const { chosen, throughputByRound } = await runRounds(
      [
        variant('ours', 'webhook-ingest -> JetStream + PostgreSQL', origin, {
          'webhook-ingest': pidOf(ingest),
          postgres,
          ...nats,
        }),
        variant('floor', 'floor: bare Fastify, signature, raw publish, prepared insert', floorOrigin, {
          'webhook-ingest': pidOf(floor),
          postgres,
          ...nats,
        }),
        variant('baseline', 'bare Fastify route, same form', bareOrigin, { 'webhook-ingest': pidOf(bare) }),
      ],
      BENCH_ROUNDS,
    );
    return makeResult(
      'ingest-twilio-status',
      `distinct Twilio-signed status callbacks at maximum throughput (closed loop, ${CONNECTIONS} connections, ${DURATION_S} s, autocannon), median of ${BENCH_ROUNDS} interleaved rounds: webhook-ingest (signature check, shared rate limit, dedupe, JetStream publish awaited to the PubAck, processed mark in PostgreSQL, delivery log) vs its floor (bare Fastify: signature check, raw JetStream publish to the PubAck, one prepared insert) vs a bare Fastify route parsing the same form`,
      { ours: chosen.ours, floor: chosen.floor, baseline: chosen.baseline },
      { connections: CONNECTIONS, rounds: BENCH_ROUNDS, throughputByRound },
    );
  } finally {
    await Promise.all([stop(ingest), ...fixtures.map(stop)]);
    await purgeBenchNamespace(natsUrl, namespace);
    await database.drop();
  }
}
