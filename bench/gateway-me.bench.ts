import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenPairDto } from '@callfleet/contracts';
import autocannon from 'autocannon';
// Imported by path: the rest of libs/testing is Jest's and stays out of the build.
import { TestDatabase } from '../libs/testing/src/test-database';
import { freePort, purgeBenchNamespace, spawnScript, spawnService, stop, waitForHttp } from './lib/processes';
import { type BenchmarkResult, makeResult } from './lib/report';
import type { LatencySummary } from './lib/stats';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

async function load(url: string, headers: Record<string, string>): Promise<LatencySummary> {
  await autocannon({ url, headers, connections: CONNECTIONS, duration: 2 }); // warm-up
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION_S });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors during the run`);
  }
  return {
    requests: result.requests.total,
    throughputPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.average,
  };
}

/**
 * (b) An authenticated read through the gateway — JWT verified locally, revocation and rate limit
 * checked, auth asked over NATS, PostgreSQL read — against a bare Fastify route answering the same JSON.
 * Each side is its own process, as in production; autocannon drives both from this process.
 */
export async function gatewayMeBenchmark(natsUrl: string): Promise<BenchmarkResult> {
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
  let bare: ReturnType<typeof spawnScript> | undefined;
  try {
    await waitForHttp(`http://127.0.0.1:${authPort}/health/ready`, 30_000, auth);
    await waitForHttp(`http://127.0.0.1:${gatewayPort}/health/ready`, 30_000, gateway);
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

    bare = spawnScript('bench/fixtures/bare-fastify.js', { BARE_BODY: me });
    const barePort = await new Promise<number>((resolve, reject) => {
      bare?.stdout?.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()).port));
      bare?.once('exit', () => reject(new Error('bare fastify exited')));
    });

    const baseline = await load(`http://127.0.0.1:${barePort}/api/v1/auth/me`, headers);
    const ours = await load(`${api}/auth/me`, headers);
    return makeResult(
      'gateway-auth-me',
      `authenticated GET /api/v1/auth/me for ${DURATION_S} s at ${CONNECTIONS} connections (autocannon): gateway (JWT, revocation, shared rate limit, NATS to auth, PostgreSQL) vs a bare Fastify route returning the same JSON`,
      { label: 'gateway -> auth over NATS -> PostgreSQL', ...ours },
      { label: 'bare Fastify route, same JSON', ...baseline },
    );
  } finally {
    await Promise.all([stop(gateway), stop(auth), ...(bare ? [stop(bare)] : [])]);
    await database.drop();
    await purgeBenchNamespace(natsUrl, namespace);
  }
}
