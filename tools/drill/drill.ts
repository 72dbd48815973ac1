import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceName, Streams, TelephonyIngress } from '@callfleet/contracts';
import { fleetInboxPrefix, type ServiceDefinition } from '@callfleet/platform';
import { freePort } from '../../libs/testing/src/free-port';
import { EmbeddedPostgresServer } from '../fleet/embedded-postgres';
import { FLEET_DEFINITIONS } from '../fleet/fleet-definitions';
import { FLEET_SERVICES } from '../fleet/fleet-services';
import { waitUntil } from '../fleet/process-control';
import { httpReadinessProbe } from '../fleet/service-processes';
import { natsUserNames, renderNatsServerConfig } from '../nats/nats-server-config';
import { API_CALLS, type ApiCallKind, ApiTraffic } from './api-traffic';
import { DrillFleet, type Replica } from './drill-fleet';
import {
  type DeliveryRow,
  type DrillReport,
  drillProblems,
  longestGap,
  type OutageRow,
  type RecoveryRow,
  refusalSummary,
  tallyReads,
  tallyWrites,
} from './drill-report';
import type { DrillSettings } from './drill-settings';
import { LoopbackNatsCluster, type NatsNodeConfig } from './nats-cluster';
import { type FrontAnswer, RoundRobinFront } from './round-robin-front';
import { ingressCallCounts, processedWebhookCounts, storedApiState } from './stored-state';
import { WebhookTraffic } from './webhook-traffic';

/** The simulator's dev Twilio account (apps/telephony-sim/README.md): dev-only values, not secrets. */
const SIM_TWILIO = { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: '0123456789abcdef0123456789abcdef' };
const SIM_ADMIN_TOKEN = 'drill-admin-token';
const SIMULATOR: ServiceName = 'telephony-sim';
/** Processes that first start while the machine also builds and boots everything else. */
const FIRST_START_TIMEOUT_MS = 120_000;
/** How long the outbox relay and the consumers get to catch up once the traffic has stopped. */
const SETTLE_TIMEOUT_MS = 30_000;

export interface DrillOutcome {
  report: DrillReport;
  problems: string[];
  /** The processes' output (JSON log lines), kept when the run failed. */
  logFile: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The drill's own broker user, declared like a service's: it reads INGRESS afterwards through a
 * durable consumer of its own, and may do nothing else.
 */
const VERIFIER = 'drill-verifier';
const verifierDefinition = {
  name: VERIFIER,
  nats: { consumes: [{ event: TelephonyIngress, durable: VERIFIER }] },
} as unknown as ServiceDefinition;

/** Each node's configuration: the fleet's generated one (users, permissions, accounts), clustered. */
function clusterNodeConfig(passwords: Record<string, string>): NatsNodeConfig {
  return (node) =>
    renderNatsServerConfig([...FLEET_DEFINITIONS, verifierDefinition], {
      serverName: node.name,
      listen: `127.0.0.1:${node.clientPort}`,
      monitorPort: node.monitorPort,
      storeDir: node.storeDir,
      passwords: { kind: 'literal', byUser: passwords },
      cluster: { name: node.clusterName, listen: `127.0.0.1:${node.clusterPort}`, routes: node.routes },
    });
}

/** How to tear down each run in progress at once (a signal, a test that gave up). */
const teardowns = new Set<() => Promise<void>>();

/** Kills the processes of every drill running in this process, and stops their PostgreSQL. */
export async function abortDrills(): Promise<void> {
  await Promise.all([...teardowns].map((teardown) => teardown()));
}

/**
 * The drill: a 3-node JetStream cluster with the fleet's generated configuration (a broker user
 * per service), a private PostgreSQL, `replicas` copies of every fleet
 * service behind round-robin fronts, the simulator's webhooks and API customers as traffic; then,
 * while it flows, the leader of INGRESS is killed and brought back, one replica of each service is
 * SIGKILLed and restarted, and PostgreSQL is restarted. Afterwards it counts what was acknowledged
 * and what was stored (docs/drill.md).
 */
export async function runDrill(settings: DrillSettings, say: (line: string) => void): Promise<DrillOutcome> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'callfleet-drill-'));
  // As root, PostgreSQL runs as the postgres account, which must reach its data under here.
  chmodSync(dir, 0o755);
  const logFile = join(dir, 'processes.log');
  const log = createWriteStream(logFile);
  const services = FLEET_SERVICES.filter((s) => settings.services.includes(s.name));
  const simulatorSpec = FLEET_SERVICES.find((s) => s.name === SIMULATOR);
  if (!simulatorSpec) throw new Error('the telephony simulator is not among the fleet definitions');

  let postgres: EmbeddedPostgresServer | undefined;
  let cluster: LoopbackNatsCluster | undefined;
  let fleet: DrillFleet | undefined;
  const fronts: RoundRobinFront[] = [];
  let failed = true;
  const teardown = async () => {
    fleet?.killAll();
    cluster?.killAll();
    await Promise.all(fronts.map((front) => front.stop()));
    await postgres?.stop().catch(() => undefined);
  };
  // Cut short (a signal, a test that gave up), the run leaves neither processes nor, unless kept, files.
  const abort = async () => {
    await teardown();
    if (!settings.keepData) rmSync(dir, { recursive: true, force: true });
  };
  teardowns.add(abort);
  try {
    postgres = await EmbeddedPostgresServer.start({ dataRoot: join(dir, 'pg'), port: await freePort(), log: say });
    const databaseUrl = postgres.url();
    const passwords = Object.fromEntries(
      natsUserNames([...FLEET_DEFINITIONS, verifierDefinition]).map((user) => [user, randomBytes(12).toString('hex')]),
    );
    cluster = await LoopbackNatsCluster.start({ dir: join(dir, 'nats'), config: clusterNodeConfig(passwords) });
    say(`NATS: 3-node JetStream cluster at ${cluster.url}`);

    const webhookAnswers: FrontAnswer[] = [];
    const apiAnswers: FrontAnswer[] = [];
    const ingestFront = await RoundRobinFront.start(
      () => fleet?.of('webhook-ingest').map((r) => r.process.baseUrl) ?? [],
      (a) => webhookAnswers.push(a),
    );
    const gatewayFront = await RoundRobinFront.start(
      () => fleet?.of('gateway').map((r) => r.process.baseUrl) ?? [],
      (a) => apiAnswers.push(a),
    );
    fronts.push(ingestFront, gatewayFront);
    // Known once the simulator is added (first); read when each other process is spawned.
    let simulatorUrl = '';

    const unexpectedExits: string[] = [];
    fleet = new DrillFleet({
      rootDir: settings.rootDir,
      dataDir: join(dir, 'fleet'),
      natsUrl: cluster.url,
      databaseUrl,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'development',
        LOG_LEVEL: process.env.DRILL_LOG_LEVEL || 'warn',
        HTTP_HOST: '127.0.0.1',
        NATS_STREAM_REPLICAS: '3',
        // The customers all come from 127.0.0.1: the per-IP budgets would refuse them, not the drill.
        RATE_LIMIT_REGISTER: '100000/1m',
        RATE_LIMIT_LOGIN: '100000/1m',
        RATE_LIMIT_API: '1000000/1m',
        RATE_LIMIT_ANONYMOUS: '1000000/1m',
        WEBHOOK_RATE_LIMIT_PER_MINUTE: '1000000',
        WEBHOOK_PUBLIC_BASE_URL: ingestFront.url,
        DEV_PROVIDER_ACCOUNT_SID: SIM_TWILIO.accountSid,
        DEV_PROVIDER_AUTH_TOKEN: SIM_TWILIO.authToken,
      },
      envFor: (service): Record<string, string> => ({
        NATS_USER: service,
        NATS_PASSWORD: passwords[service] ?? '',
        ...(service === SIMULATOR
          ? {
              SIM_ADMIN_TOKEN,
              SIM_DEV_ACCOUNT_SID: SIM_TWILIO.accountSid,
              SIM_DEV_AUTH_TOKEN: SIM_TWILIO.authToken,
              // A provider's patience: every refused or failed callback is sent again for ~12 s.
              WEBHOOK_RETRIES: '5',
              WEBHOOK_RETRY_BASE_MS: '500',
              WEBHOOK_RETRY_MAX_DELAY_MS: '4000',
              WEBHOOK_TIMEOUT_MS: '5000',
              WEBHOOK_TOTAL_TIMEOUT_MS: '45000',
            }
          : { DEV_PROVIDER_API_BASE_URL: simulatorUrl }),
      }),
      output: { stdout: log, stderr: log },
      onUnexpectedExit: (replica, description) => unexpectedExits.push(`${replica}: ${description}`),
    });

    // One replica of each first (auth's first one makes the signing keys the others then read), then the rest.
    simulatorUrl = (await fleet.add(simulatorSpec, 1))[0].process.baseUrl;
    for (const spec of services) await fleet.add(spec, 1);
    await waitReady(fleet.replicas, FIRST_START_TIMEOUT_MS, 'first replicas');
    const rest: Replica[] = [];
    for (const spec of services) rest.push(...(await fleet.add(spec, settings.replicas - 1)));
    await waitReady(rest, FIRST_START_TIMEOUT_MS, 'other replicas');
    say(
      `fleet: ${services.length} services × ${settings.replicas} replicas ready, ${Math.round((Date.now() - started) / 1000)} s after start`,
    );

    const statusUrl = await setUpProviderAccount(gatewayFront.url, simulatorUrl);
    const webhooks = new WebhookTraffic({
      simulatorUrl,
      adminToken: SIM_ADMIN_TOKEN,
      statusUrl,
      concurrency: settings.webhookConcurrency,
      burstSize: settings.webhookBurstSize,
    });
    const api = new ApiTraffic({
      baseUrl: gatewayFront.url,
      concurrency: settings.apiConcurrency,
      pauseMs: settings.apiPauseMs,
      providerAccount: { ...SIM_TWILIO, apiBaseUrl: simulatorUrl },
    });
    const trafficFrom = Date.now();
    webhooks.start();
    api.start();
    say('traffic: webhooks and API calls flowing');

    const recoveries: RecoveryRow[] = [];
    const sinceTraffic = () => Date.now() - trafficFrom;
    const fault = (what: string) => say(`+${(sinceTraffic() / 1000).toFixed(1)} s fault: ${what}`);
    await sleep(settings.warmupMs);

    // 1. The node leading INGRESS (the stream every acknowledged webhook must reach) dies and comes back.
    const victim = (await cluster.streamLeader(Streams.INGRESS.name)) ?? cluster.names[0];
    fault(`SIGKILL NATS node ${victim} (INGRESS leader), down for ${settings.natsDownMs} ms`);
    const natsKilledAt = sinceTraffic();
    cluster.kill(victim);
    await sleep(settings.natsDownMs);
    await cluster.restart(victim);
    const natsRestarted = Date.now();
    const natsReady = await waitUntil(() => cluster?.isHealthy(victim) ?? Promise.resolve(false), 60_000, 100);
    recoveries.push({
      what: `NATS node ${victim}`,
      how: `SIGKILL, down ${(settings.natsDownMs / 1000).toFixed(1)} s`,
      atMs: natsKilledAt,
      readyAfterMs: natsReady ? Date.now() - natsRestarted : undefined,
    });
    await sleep(settings.pauseMs);

    // 2. One replica of each service after the other is SIGKILLed and restarted at once, as a
    // crashed pod is; the next goes once it serves again (all at once, their start-ups would share
    // the cores and measure the machine rather than the service).
    for (const spec of services) {
      const replica = fleet.of(spec.name)[0];
      fault(`SIGKILL ${DrillFleet.replicaName(replica)}`);
      const killedAt = Date.now();
      const atMs = sinceTraffic();
      fleet.killAndRestart(replica);
      recoveries.push({
        what: DrillFleet.replicaName(replica),
        how: 'SIGKILL, restarted at once',
        atMs,
        readyAfterMs: await fleet.timeUntilReady(replica, killedAt, 60_000),
      });
      await sleep(settings.faultGapMs);
    }
    await sleep(settings.pauseMs);

    // 3. PostgreSQL restarts (fast shutdown: sessions cut, open transactions rolled back).
    fault('PostgreSQL restart');
    const pgStopped = Date.now();
    const pgAt = sinceTraffic();
    await postgres.stop();
    postgres = await EmbeddedPostgresServer.start({
      dataRoot: join(dir, 'pg'),
      port: postgres.port,
      log: () => undefined,
    });
    const pgDown = Date.now() - pgStopped;
    const pgBack = Date.now();
    const everyone = fleet.replicas.filter((r) => r.spec.name !== SIMULATOR);
    const fleetReady = await waitUntil(
      async () => (await Promise.all(everyone.map((r) => httpReadinessProbe(r.process.baseUrl)))).every((p) => p.ok),
      60_000,
      200,
    );
    recoveries.push({
      what: 'PostgreSQL → every replica ready',
      how: `restart, down ${(pgDown / 1000).toFixed(1)} s`,
      atMs: pgAt,
      readyAfterMs: fleetReady ? Date.now() - pgBack : undefined,
    });
    await sleep(settings.cooldownMs);

    say('traffic: stopping (bursts in flight finish their retries)');
    await api.stop();
    await webhooks.stop();
    const trafficTo = Date.now();
    // For a post-mortem of a kept run: every API call with its time and answer, every refused webhook attempt.
    writeFileSync(
      join(dir, 'traffic.json'),
      JSON.stringify({
        trafficFrom,
        recoveries,
        api: api.calls.map((c) => ({ ...c, at: c.at - trafficFrom })),
        webhookFailedAttempts: webhooks.deliveries.filter((d) => d.failedAttempts.length > 0),
      }),
    );

    const emails = keysOf(api, 'register');
    const awaited = api.calls.filter((c) => c.kind === 'register' && c.acknowledged).map((c) => c.key as string);
    // The dev accounts come from events (outbox → EVENTS → consumer): give them a moment to arrive.
    await waitUntil(
      async () => {
        const { devAccounts } = await storedApiState(databaseUrl, {
          emails: awaited,
          providerAccountNames: [],
          apiKeyNames: [],
        });
        return awaited.every((e) => (devAccounts.get(e) ?? 0) > 0);
      },
      SETTLE_TIMEOUT_MS,
      500,
    );

    const stored = await storedApiState(databaseUrl, {
      emails,
      providerAccountNames: keysOf(api, 'provider-account create'),
      apiKeyNames: keysOf(api, 'api-key create'),
    });
    const ingress = await ingressCallCounts(VERIFIER, {
      servers: cluster.url.split(','),
      user: VERIFIER,
      pass: passwords[VERIFIER],
      inboxPrefix: fleetInboxPrefix(VERIFIER),
    });
    const processed = await processedWebhookCounts(databaseUrl);

    const refused = (kind: ApiCallKind) =>
      refusalSummary(api.calls.filter((c) => c.kind === kind && !c.acknowledged).map((c) => c.status));
    const writes = (kind: ApiCallKind) =>
      api.calls.filter((c) => c.kind === kind).map((c) => ({ key: c.key as string, acknowledged: c.acknowledged }));
    const reads = (kind: ApiCallKind) =>
      api.calls
        .filter((c) => c.kind === kind)
        .map((c) => ({ acknowledged: c.acknowledged, correct: c.correct ?? true }));
    const deliveries: DeliveryRow[] = [
      {
        ...tallyWrites(
          'webhooks (status callbacks)',
          webhooks.deliveries.map((d) => ({ key: d.callSid, acknowledged: d.acknowledged })),
          ingress,
          { where: 'ingest table', counts: processed },
        ),
        refusals: `attempts: ${refusalSummary(webhooks.deliveries.flatMap((d) => d.failedAttempts)) || 'none'}`,
      },

      { ...tallyWrites('API register', writes('register'), stored.users), refusals: refused('register') },
      { ...tallyReads('API login', reads('login')), refusals: refused('login') },
      { ...tallyReads('API me', reads('me')), refusals: refused('me') },
      {
        ...tallyWrites('API provider-account create', writes('provider-account create'), stored.providerAccounts),
        refusals: refused('provider-account create'),
      },
      {
        ...tallyReads('API provider-accounts list', reads('provider-accounts list')),
        refusals: refused('provider-accounts list'),
      },
      {
        ...tallyWrites('API api-key create', writes('api-key create'), stored.apiKeys),
        refusals: refused('api-key create'),
      },
      {
        ...tallyReads('API me with the API key', reads('me with the API key')),
        refusals: refused('me with the API key'),
      },
      {
        // Not a client's call: the event each acknowledged register publishes, consumed into a dev account.
        ...tallyWrites(
          'event user-registered → dev account',
          awaited.map((key) => ({ key, acknowledged: true })),
          stored.devAccounts,
        ),
      },
    ];
    const apiSuccesses = apiAnswers.filter((a) => a.status < 400).map((a) => a.at);
    const webhookSuccesses = webhookAnswers.filter((a) => a.status < 300).map((a) => a.at);
    const report: DrillReport = {
      deliveries,
      recoveries,
      outages: [
        outage('webhooks (2xx at the front)', webhookSuccesses, trafficFrom, trafficTo),
        outage('API (2xx/3xx at the front)', apiSuccesses, trafficFrom, trafficTo),
      ],
      durationMs: Date.now() - started,
    };
    const problems = drillProblems(report, { readyWithinMs: settings.readyWithinMs });
    if (webhooks.failures.length)
      problems.push(`simulator bursts failed: ${[...new Set(webhooks.failures)].slice(0, 3).join('; ')}`);
    if (unexpectedExits.length) problems.push(`processes died unasked: ${unexpectedExits.join('; ')}`);
    failed = problems.length > 0;
    return { report, problems, logFile };
  } finally {
    teardowns.delete(abort);
    await teardown();
    log.end();
    if (!failed && !settings.keepData) rmSync(dir, { recursive: true, force: true });
    else say(`kept ${dir} (processes' output in ${logFile})`);
  }
}

function outage(traffic: string, successes: number[], from: number, to: number): OutageRow {
  const gap = longestGap(successes, from, to);
  return { traffic, longestGapMs: gap.ms, gapFromMs: gap.startsAt - from };
}

function keysOf(api: ApiTraffic, kind: (typeof API_CALLS)[number]): string[] {
  return api.calls.filter((c) => c.kind === kind && c.key !== undefined).map((c) => c.key as string);
}

async function waitReady(replicas: readonly Replica[], timeoutMs: number, what: string): Promise<void> {
  const ready = await waitUntil(
    async () => (await Promise.all(replicas.map((r) => httpReadinessProbe(r.process.baseUrl)))).every((p) => p.ok),
    timeoutMs,
    250,
  );
  if (!ready) {
    const states = await Promise.all(
      replicas.map(
        async (r) => `${DrillFleet.replicaName(r)}: ${(await httpReadinessProbe(r.process.baseUrl)).detail}`,
      ),
    );
    throw new Error(`${what} not ready after ${timeoutMs} ms:\n  ${states.join('\n  ')}`);
  }
}

/** The organization whose Twilio account the simulator's callbacks are addressed to, made through the API. */
async function setUpProviderAccount(gatewayUrl: string, simulatorUrl: string): Promise<string> {
  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${gatewayUrl}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`setup: POST ${path} answered ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const email = `drill-provider-${Date.now()}@example.com`;
  const tokens = await post('/auth/register', {
    email,
    password: 'drill-provider-password',
    name: 'Drill provider',
    organizationName: 'Drill provider org',
  });
  const account = await post(
    '/provider-accounts',
    { provider: 'twilio', name: 'drill webhooks', apiBaseUrl: simulatorUrl, credentials: SIM_TWILIO },
    String(tokens.accessToken),
  );
  const url = (account.webhookUrls as Record<string, string>).status;
  if (!url) throw new Error(`setup: the provider account has no status URL: ${JSON.stringify(account)}`);
  return url;
}
