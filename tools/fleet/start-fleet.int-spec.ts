import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BuiltProcess,
  ensureBuilt,
  plainNatsClient,
  REPO_ROOT,
  runBuilt,
  TestDatabase,
  TestNatsServer,
  waitFor,
} from '@callfleet/testing';
import { createInbox } from '@nats-io/transport-node';
import { FLEET_SERVICES, servicePort } from './fleet-services';

const START_FLEET = 'dist/tools/fleet/start-fleet.js';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A FLEET_PORT_BASE whose whole layout is free, so the test never meets a developer's running fleet. */
async function freePortBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = FLEET_SERVICES.map((s) => servicePort(s, base));
    if ((await Promise.all(ports.map(portIsFree))).every(Boolean)) return base;
  }
}

/** Every live process descended from `root`, from /proc. */
function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parentOf) {
      if (parent === pid) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return found;
}

function isAlive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const runFleet = (env: Record<string, string>) => runBuilt(START_FLEET, env);

describe('npm start (built start-fleet)', () => {
  let broker: TestNatsServer;
  let database: TestDatabase;
  const dataDir = mkdtempSync(join(tmpdir(), 'callfleet-fleet-'));
  const runs: BuiltProcess[] = [];

  beforeAll(async () => {
    await ensureBuilt([START_FLEET]);
    broker = await TestNatsServer.start();
    database = await TestDatabase.create();
  }, 240_000);

  afterAll(async () => {
    for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await broker?.dispose();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts every built service, all discoverable, readiness following NATS, and on SIGINT stops them all', async () => {
    const portBase = await freePortBase();
    const fleet = runFleet({
      NATS_URL: broker.url,
      DATABASE_URL: database.url,
      FLEET_PORT_BASE: String(portBase),
      FLEET_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
    runs.push(fleet);
    await waitFor(
      async () => {
        if (fleet.child.exitCode !== null) throw new Error(`fleet exited: ${fleet.stderr.join('\n')}`);
        return fleet.stdout.some((l) => l.startsWith('fleet | ready: '));
      },
      60_000,
      'the fleet ready line',
    );

    const started = fleet.stdout
      .map((l) => /^fleet \| started (\S+) \(pid (\d+)\) on port (\d+)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(([, name, pid, port]) => ({ name, pid: Number(pid), port: Number(port) }));
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
    expect(fleet.stdout.join('\n')).toContain(`http://localhost:${portBase + 4}/metrics`);

    // Discovery: a plain NATS client sees every service of the fleet answer $SRV.PING.
    const nc = await plainNatsClient(broker.url);
    const inbox = createInbox();
    const answered = new Set<string>();
    nc.subscribe(inbox, { callback: (_e, m) => void answered.add(m.json<{ name: string }>().name) });
    nc.publish('$SRV.PING', '', { reply: inbox });
    await waitFor(async () => answered.size >= started.length, 5_000, 'every service to answer $SRV.PING');
    expect([...answered].sort()).toEqual(started.map((s) => s.name).sort());
    await nc.close();

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

    const children = descendants(fleet.child.pid!);
    expect(children).toEqual(expect.arrayContaining(started.map((s) => s.pid)));
    fleet.child.kill('SIGINT');
    expect((await fleet.exit).code).toBe(0);
    expect(fleet.stdout.at(-1)).toBe('fleet | stopped');
    expect(children.filter(isAlive)).toEqual([]);
    expect([...fleet.stdout, ...fleet.stderr].filter((l) => l.includes('"level":"error"'))).toEqual([]);
  }, 90_000);

  it('stops with a message saying how to get NATS when nothing listens and there is no nats-server binary', async () => {
    // A loopback port nobody listens on; never a real remote address from a test.
    const free = createServer();
    const port = await new Promise<number>((resolve) =>
      free.listen(0, '127.0.0.1', () => {
        const address = free.address();
        free.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      }),
    );
    const fleet = runFleet({
      NATS_URL: `nats://127.0.0.1:${port}`,
      NATS_SERVER_BIN: join(dataDir, 'no-such-nats-server'),
      DATABASE_URL: database.url,
      FLEET_DATA_DIR: dataDir,
    });
    runs.push(fleet);
    expect((await fleet.exit).code).toBe(1);
    expect(fleet.stderr.join('\n')).toMatch(/no nats-server binary was found.*apt-get install nats-server.*NATS_URL/);
  }, 20_000);
});
