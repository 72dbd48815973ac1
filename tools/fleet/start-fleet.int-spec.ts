import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthCommands, type CreatedApiKeyDto, FleetHeader, type MeDto, type TokenPairDto } from '@callfleet/contracts';
import { fleetInboxPrefix } from '@callfleet/platform';
import {
  type BuiltProcess,
  ensureBuilt,
  freePort,
  REPO_ROOT,
  runBuilt,
  TestDatabase,
  TestNatsServer,
  waitFor,
} from '@callfleet/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { bearer, TeamClient } from '../../apps/auth/test/team-client';
import { natsUserNames, renderNatsServerConfig } from '../nats/nats-server-config';
import { FLEET_DEFINITIONS } from './fleet-definitions';
import { FLEET_SERVICES, servicePort } from './fleet-services';
import { newNatsPassword, parseNatsPasswords, renderNatsPasswords } from './nats-passwords';
import {
  descendants,
  fleetReady,
  freePortBase,
  isAlive,
  killFleetRun,
  START_FLEET,
  startedServices,
} from './test/built-fleet';

const runFleet = (env: Record<string, string>) => runBuilt(START_FLEET, env);

/** Whether the broker refuses this connection's subscription to `subject` (its permissions say no). */
async function subscriptionRefused(nc: NatsConnection, subject: string): Promise<boolean> {
  const sub = nc.subscribe(subject);
  await nc.flush();
  const outcome = await Promise.race([sub.closed, new Promise((r) => setTimeout(() => r('still open'), 2_000))]);
  if (outcome === 'still open') sub.unsubscribe();
  return outcome instanceof Error && /Permissions Violation for Subscription/.test(outcome.message);
}

/** A loopback port held open by something that is not a NATS server. */
function occupiedPort(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.end());
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : 0, server });
    });
  });
}

describe('npm start (built start-fleet)', () => {
  let database: TestDatabase;
  const dataDir = mkdtempSync(join(tmpdir(), 'callfleet-fleet-'));
  const runs: BuiltProcess[] = [];

  beforeAll(async () => {
    await ensureBuilt([START_FLEET]);
    database = await TestDatabase.create();
  }, 240_000);

  afterAll(async () => {
    // A failed test leaves its fleet running: its services sit in their own process groups, so
    // killing the runner alone would orphan them (and keep the database from being dropped).
    for (const run of runs) killFleetRun(run);
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs its own nats-server with the generated users: no way in without credentials, no inbox but its own, the team user in', async () => {
    const portBase = await freePortBase();
    const natsPort = await freePort();
    const fleet = runFleet({
      FLEET_NATS_PORT: String(natsPort),
      DATABASE_URL: database.url,
      FLEET_PORT_BASE: String(portBase),
      FLEET_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
    runs.push(fleet);
    await fleetReady(fleet);

    const started = startedServices(fleet);
    const built = FLEET_SERVICES.filter((s) => existsSync(join(REPO_ROOT, 'dist/apps', s.name, 'src/main.js')));
    expect(started.map((s) => s.name).sort()).toEqual(built.map((s) => s.name).sort());
    expect(started.map((s) => s.name)).toEqual(
      expect.arrayContaining(['call-orchestrator', 'media-stream', 'recording-pipeline', 'webhook-ingest']),
    );
    for (const service of started) {
      expect(service.port).toBe(servicePort(FLEET_SERVICES.find((s) => s.name === service.name)!, portBase));
      const ready = await fetch(`http://127.0.0.1:${service.port}/health/ready`);
      expect({ service: service.name, status: ready.status }).toEqual({ service: service.name, status: 200 });
    }
    const output = fleet.stdout.join('\n');
    expect(output).toContain(`http://localhost:${portBase + 4}/metrics`);

    // The URL as today, where the team's password is, and a request to paste; no secret anywhere.
    const url = `nats://127.0.0.1:${natsPort}`;
    expect(output).toMatch(new RegExp(`NATS\\s+${url} \\(nats-server pid \\d+, started here\\)`));
    const passwordsFile = join(dataDir, 'nats', 'passwords.env');
    expect(output).toMatch(new RegExp(`NATS team user\\s+team: password NATS_PASSWORD_TEAM in ${passwordsFile}`));
    expect(output).toContain(`--user team --password "$NATS_PASSWORD_TEAM" --inbox-prefix _INBOX.team`);
    expect(statSync(passwordsFile).mode & 0o777).toBe(0o600);
    const passwords = parseNatsPasswords(readFileSync(passwordsFile, 'utf8'), natsUserNames(FLEET_DEFINITIONS));
    expect(Object.keys(passwords).sort()).toEqual(natsUserNames(FLEET_DEFINITIONS).sort());
    const everything = [...fleet.stdout, ...fleet.stderr].join('\n');
    for (const password of Object.values(passwords)) expect(everything).not.toContain(password);

    await expect(connect({ servers: url, reconnect: false })).rejects.toThrow(/Authorization Violation/i);
    const gateway = await connect({
      servers: url,
      user: 'gateway',
      pass: passwords.gateway,
      inboxPrefix: fleetInboxPrefix('gateway'),
      reconnect: false,
    });
    expect(await subscriptionRefused(gateway, '_INBOX.>')).toBe(true);
    expect(await subscriptionRefused(gateway, `${fleetInboxPrefix('auth')}.>`)).toBe(true);
    // The refusals are about whose inbox it is: its own is allowed.
    expect(await subscriptionRefused(gateway, `${fleetInboxPrefix('gateway')}.>`)).toBe(false);
    await gateway.close();
    const team = await connect({
      servers: url,
      user: 'team',
      pass: passwords.team,
      inboxPrefix: fleetInboxPrefix('team'),
      reconnect: false,
    });
    await team.flush();
    expect(await subscriptionRefused(team, `${fleetInboxPrefix('gateway')}.>`)).toBe(true);

    // A team with an organization's API key (made through the gateway, as a user would) reads that
    // organization through the TEAMS account under the usual subject; forged headers alone get 401.
    const api = `http://127.0.0.1:${portBase}/api/v1`;
    const registered = await fetch(`${api}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `team-${Date.now()}@example.com`,
        password: 'a long enough password 1',
        name: 'Team Owner',
        organizationName: 'Team Org',
      }),
    });
    expect(registered.status).toBe(201);
    const { accessToken } = (await registered.json()) as TokenPairDto;
    const authorized = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const me = (await (await fetch(`${api}/auth/me`, { headers: authorized })).json()) as MeDto;
    const created = await fetch(`${api}/api-keys`, {
      method: 'POST',
      headers: authorized,
      body: JSON.stringify({ name: 'other-team', role: 'viewer' }),
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as CreatedApiKeyDto;
    const teamClient = new TeamClient(team, (subject) => subject);
    expect(await teamClient.request<MeDto>(AuthCommands.Me, {}, { credential: bearer(key) })).toEqual({
      ok: true,
      body: expect.objectContaining({ orgId: me.orgId, userId: me.userId }),
    });
    const forged = await teamClient.request(
      AuthCommands.Me,
      {},
      { headers: { [FleetHeader.ORG_ID]: me.orgId, [FleetHeader.USER_ID]: me.userId, [FleetHeader.ROLES]: 'owner' } },
    );
    expect(forged).toMatchObject({ ok: false, status: 401 });
    // Internal commands are not even reachable: the broker refuses the publish.
    await expect(team.request(AuthCommands.Login.subject, '{}', { timeout: 2_000 })).rejects.toThrow(
      /permissions|timeout|no responders/i,
    );
    await team.close();

    const children = descendants(fleet.child.pid!);
    expect(children).toEqual(expect.arrayContaining(started.map((s) => s.pid)));
    fleet.child.kill('SIGINT');
    expect((await fleet.exit).code).toBe(0);
    expect(fleet.stdout.at(-1)).toBe('fleet | stopped');
    expect(children.filter(isAlive)).toEqual([]);
    expect([...fleet.stdout, ...fleet.stderr].filter((l) => l.includes('"level":"error"'))).toEqual([]);
  }, 90_000);

  it("joins the broker of NATS_URL with NATS_PASSWORDS_FILE's passwords, readiness following that broker", async () => {
    const passwords = Object.fromEntries(natsUserNames(FLEET_DEFINITIONS).map((u) => [u, newNatsPassword()]));
    const broker = await TestNatsServer.start({
      config: ({ port, storeDir }) =>
        renderNatsServerConfig(FLEET_DEFINITIONS, {
          listen: `127.0.0.1:${port}`,
          storeDir,
          passwords: { kind: 'literal', byUser: passwords },
        }),
    });
    try {
      const passwordsFile = join(dataDir, 'given-passwords.env');
      writeFileSync(passwordsFile, renderNatsPasswords(passwords), { mode: 0o600 });
      const fleet = runFleet({
        NATS_URL: broker.url,
        NATS_PASSWORDS_FILE: passwordsFile,
        DATABASE_URL: database.url,
        FLEET_PORT_BASE: String(await freePortBase()),
        FLEET_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
      });
      runs.push(fleet);
      await fleetReady(fleet);
      const started = startedServices(fleet);
      expect(fleet.stdout.join('\n')).toMatch(new RegExp(`NATS\\s+${broker.url}$`, 'm'));

      // Readiness follows the broker for every service: 503 within 10 s of NATS stopping, 200 within
      // 10 s of it coming back, with no restart of any service.
      const readiness = async () =>
        Promise.all(started.map(async (s) => (await fetch(`http://127.0.0.1:${s.port}/health/ready`)).status));
      await broker.stop();
      await waitFor(
        async () => (await readiness()).every((status) => status === 503),
        10_000,
        'every service to answer 503',
      );
      await broker.resume();
      await waitFor(
        async () => (await readiness()).every((status) => status === 200),
        10_000,
        'every service to answer 200',
      );
      expect(started.every((s) => isAlive(s.pid))).toBe(true);
      fleet.child.kill('SIGINT');
      expect((await fleet.exit).code).toBe(0);
      expect(broker.permissionViolations()).toEqual([]);
    } finally {
      await broker.dispose();
    }
  }, 90_000);

  it('refuses NATS_URL without credentials before starting anything, saying what to set', async () => {
    const fleet = runFleet({ NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: database.url, FLEET_DATA_DIR: dataDir });
    runs.push(fleet);
    expect((await fleet.exit).code).toBe(1);
    expect(fleet.stderr.join('\n')).toMatch(/NATS_URL is set.*set NATS_PASSWORDS_FILE.*NATS_PASSWORD_<USER>/);
    expect(fleet.stdout.filter((l) => /started|NATS:/.test(l))).toEqual([]);
  }, 20_000);

  it('stops with a clear message when something else holds its NATS port', async () => {
    const { port, server } = await occupiedPort();
    try {
      const fleet = runFleet({
        FLEET_NATS_PORT: String(port),
        DATABASE_URL: database.url,
        FLEET_PORT_BASE: String(await freePortBase()),
        FLEET_DATA_DIR: dataDir,
      });
      runs.push(fleet);
      expect((await fleet.exit).code).toBe(1);
      expect(fleet.stderr.join('\n')).toContain(`NATS: port ${port} is taken by another program`);
      expect(fleet.stderr.join('\n')).toContain('FLEET_NATS_PORT');
    } finally {
      server.close();
    }
  }, 20_000);

  it('stops with a message saying how to get NATS when there is no nats-server binary', async () => {
    const fleet = runFleet({
      FLEET_NATS_PORT: String(await freePort()),
      NATS_SERVER_BIN: join(dataDir, 'no-such-nats-server'),
      DATABASE_URL: database.url,
      FLEET_PORT_BASE: String(await freePortBase()),
      FLEET_DATA_DIR: dataDir,
    });
    runs.push(fleet);
    expect((await fleet.exit).code).toBe(1);
    expect(fleet.stderr.join('\n')).toMatch(/no nats-server binary was found.*apt-get install nats-server.*NATS_URL/);
  }, 20_000);
});
