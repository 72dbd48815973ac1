import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { MeDto, TokenPairDto } from '@callfleet/contracts';
import autocannon from 'autocannon';
// Imported by path: the rest of libs/testing is Jest's and stays out of the build.
import { TestDatabase } from '../libs/testing/src/test-database';
import type { BenchBroker } from './lib/private-nats';
import { freePort, purgeBenchNamespace, spawnScript, spawnService, stop, waitForHttp } from './lib/processes';
import { type BenchmarkResult, makeResult, progress } from './lib/report';
import { BENCH_ROUNDS, portOf, runRounds, type VariantRunner } from './lib/rounds';
import type { LatencySummary } from './lib/stats';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

async function load(url: string, headers: Record<string, string>, seconds: number): Promise<LatencySummary> {
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors during the run`);
  }
  return {
    requests: result.requests.total,
    throughputPerSec: Math.round(result.requests.total / seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.average,
  };
}

/**
 * An authenticated read through the gateway — JWT verified locally, revocation and rate limit
 * checked, auth asked over NATS, PostgreSQL read — against, in the same run:
 * - its floor: a bare Fastify route making a raw @nats-io/transport-node request to a raw subscriber
 *   that runs the same read as a prepared statement and answers the same JSON;
 * - the baseline: a bare Fastify route answering that JSON at once.
 * Each side is its own process, as in production; autocannon drives them from this process.
 */
export async function gatewayMeBenchmark(broker: BenchBroker): Promise<BenchmarkResult> {
  const natsUrl = broker.url;
  const namespace = `bench${randomBytes(3).toString('hex')}`;
  const database = await TestDatabase.create({ serverUrl: process.env.BENCH_POSTGRES_URL, prefix: 'callfleet_bench' });
  const [authPort, gatewayPort] = [await freePort(), await freePort()];
  const common = { NATS_URL: natsUrl, CALLFLEET_NAMESPACE: namespace, HTTP_HOST: '127.0.0.1', NODE_ENV: 'development' };
  const auth = spawnService('auth', {
    ...common,
    PORT: String(authPort),
    DATABASE_URL: database.url,
    JWT_KEYS_DIR: mkdtempSync(join(tmpdir(), 'bench-keys-')),
  });
  // The per-org API budget would stop a load test; everything else (the limiter's KV round trip) stays on.
  const gateway = spawnService('gateway', { ...common, PORT: String(gatewayPort), RATE_LIMIT_API: '100000000/1h' });
  const fixtures: ReturnType<typeof spawnScript>[] = [];
  try {
    await waitForHttp(`http://127.0.0.1:${authPort}/health/ready`, 90_000, auth);
    await waitForHttp(`http://127.0.0.1:${gatewayPort}/health/ready`, 90_000, gateway);
    progress('gateway and auth ready');
    const api = `http://127.0.0.1:${gatewayPort}/api/v1`;
    const registered = await fetch(`${api}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `bench-${namespace}@example.com`,
        password: 'a long bench password 42',
        name: 'Bench',
        organizationName: 'Bench Org',
      }),
    });
    if (!registered.ok) throw new Error(`register failed: ${registered.status} ${await registered.text()}`);
    const { accessToken } = (await registered.json()) as TokenPairDto;
    const headers = { authorization: `Bearer ${accessToken}` };
    const me = await (await fetch(`${api}/auth/me`, { headers })).text();
    const caller = JSON.parse(me) as MeDto;

    const floorSubject = `${namespace}.floor.me`;
    const floorAuth = spawnScript('bench/fixtures/floor-auth-me.js', {
      NATS_URL: natsUrl,
      DATABASE_URL: database.url,
      FLOOR_SUBJECT: floorSubject,
    });
    fixtures.push(floorAuth);
    await new Promise((resolve, reject) => {
      floorAuth.stdout?.once('data', resolve);
      floorAuth.once('exit', () => reject(new Error('floor auth exited')));
    });
    const floorGateway = spawnScript('bench/fixtures/floor-gateway-me.js', {
      NATS_URL: natsUrl,
      FLOOR_SUBJECT: floorSubject,
      FLOOR_ORG_ID: caller.orgId,
      FLOOR_USER_ID: caller.userId,
    });
    fixtures.push(floorGateway);
    const bare = spawnScript('bench/fixtures/bare-fastify.js', { BARE_BODY: me });
    fixtures.push(bare);
    const [floorPort, barePort] = [await portOf(floorGateway), await portOf(bare)];

    progress('floor and baseline up');
    const floorUrl = `http://127.0.0.1:${floorPort}/api/v1/auth/me`;
    const floorAnswer = await (await fetch(floorUrl)).json();
    if (!isDeepStrictEqual(floorAnswer, caller)) {
      throw new Error(`the floor answers ${JSON.stringify(floorAnswer)}, ours ${me}: not the same read`);
    }

    // Looked up at each run: the pools open connections as the load grows.
    const postgres = () => database.backendPids();
    const nats: VariantRunner['roles'] = broker.pid ? { 'nats-server': () => [broker.pid as number] } : {};
    const variant = (
      key: VariantRunner['key'],
      label: string,
      url: string,
      roles: VariantRunner['roles'],
    ): VariantRunner => ({
      key,
      label,
      roles,
      warmUp: () => load(url, headers, 2),
      measure: () => load(url, headers, DURATION_S),
    });
    const pidOf = (child: ReturnType<typeof spawnScript>) => () => [child.pid as number];
    const { chosen, throughputByRound } = await runRounds(
      [
        variant('ours', 'gateway -> auth over NATS -> PostgreSQL', `${api}/auth/me`, {
          gateway: pidOf(gateway),
          auth: pidOf(auth),
          postgres,
          ...nats,
        }),
        variant('floor', 'floor: bare Fastify -> raw NATS -> prepared read', floorUrl, {
          gateway: pidOf(floorGateway),
          auth: pidOf(floorAuth),
          postgres,
          ...nats,
        }),
        variant('baseline', 'bare Fastify route, same JSON', `http://127.0.0.1:${barePort}/api/v1/auth/me`, {
          gateway: pidOf(bare),
        }),
      ],
      BENCH_ROUNDS,
    );
    return makeResult(
      'gateway-auth-me',
      `authenticated GET /api/v1/auth/me for ${DURATION_S} s at ${CONNECTIONS} connections (autocannon), median of ${BENCH_ROUNDS} interleaved rounds: gateway (JWT, revocation, shared rate limit, NATS to auth, PostgreSQL) vs its floor (bare Fastify, raw NATS request, raw subscriber, prepared statement) vs a bare Fastify route returning the same JSON`,
      { ours: chosen.ours, floor: chosen.floor, baseline: chosen.baseline },
      { connections: CONNECTIONS, rounds: BENCH_ROUNDS, throughputByRound },
    );
  } finally {
    await Promise.all([stop(gateway), stop(auth), ...fixtures.map(stop)]);
    await database.drop();
    await purgeBenchNamespace(natsUrl, namespace);
  }
}
