import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuiltProcess, ensureBuilt, freePort, runBuilt, TestDatabase, waitFor } from '@callfleet/testing';
import { FLEET_SERVICES, servicePort } from '../fleet-services';

export const START_FLEET = 'dist/tools/fleet/start-fleet.js';
/** The simulator's admin token outside production (apps/telephony-sim/README.md). */
const SIM_ADMIN_TOKEN = 'sim-admin-dev-token';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A FLEET_PORT_BASE whose whole layout is free, so a test never meets a developer's running fleet. Below
 * Linux's ephemeral range (32768 and up), where no outgoing connection takes one of its ports meanwhile.
 */
export async function freePortBase(): Promise<number> {
  const span = Math.max(...FLEET_SERVICES.map((s) => servicePort(s, 0)));
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * (32_000 - span - 20_000));
    const ports = FLEET_SERVICES.map((s) => servicePort(s, base));
    if ((await Promise.all(ports.map(portIsFree))).every(Boolean)) return base;
  }
}

/** Every live process descended from `root`, from /proc. */
export function descendants(root: number): number[] {
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

export function isAlive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Kills a fleet run and everything under it. A failed test leaves its fleet running: its services sit
 * in their own process groups, so killing the runner alone would orphan them (and keep the database
 * from being dropped).
 */
export function killFleetRun(run: BuiltProcess): void {
  if (run.child.exitCode !== null || run.child.pid === undefined) return;
  for (const pid of [...descendants(run.child.pid), run.child.pid]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** Waits for the fleet's ready line (or its early exit, reported with its stderr). */
export async function fleetReady(fleet: BuiltProcess, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      if (fleet.child.exitCode !== null) throw new Error(`fleet exited: ${fleet.stderr.join('\n')}`);
      return fleet.stdout.some((l) => l.startsWith('fleet | ready: '));
    },
    timeoutMs,
    'the fleet ready line',
  );
}

/** The services the fleet says it started, with their pid and port. */
export function startedServices(fleet: BuiltProcess): { name: string; pid: number; port: number }[] {
  return fleet.stdout
    .map((l) => /^fleet \| started (\S+) \(pid (\d+)\) on port (\d+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, name, pid, port]) => ({ name, pid: Number(pid), port: Number(port) }));
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * `npm start`'s fleet, built and run as a newcomer runs it (its own nats-server, every service, the
 * simulator), on a free port layout and a test database, driven only through its public doors: the
 * gateway's REST API and, for what a user would look at in the simulator, its admin API.
 */
export class BuiltFleet {
  private constructor(
    readonly run: BuiltProcess,
    readonly portBase: number,
    private readonly database: TestDatabase,
    private readonly dataDir: string,
  ) {}

  /** `env` is what a developer would put in front of `npm start` (it overrides the demo settings). */
  static async start(env: Record<string, string> = {}): Promise<BuiltFleet> {
    await ensureBuilt([START_FLEET]);
    const database = await TestDatabase.create();
    const dataDir = mkdtempSync(join(tmpdir(), 'callfleet-fleet-'));
    const portBase = await freePortBase();
    const run = runBuilt(START_FLEET, {
      FLEET_NATS_PORT: String(await freePort()),
      DATABASE_URL: database.url,
      FLEET_PORT_BASE: String(portBase),
      FLEET_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    });
    const fleet = new BuiltFleet(run, portBase, database, dataDir);
    try {
      await fleetReady(run, 120_000);
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    return fleet;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.portBase}/api/v1`;
  }

  portOf(name: string): number {
    const spec = FLEET_SERVICES.find((s) => s.name === name);
    if (!spec) throw new Error(`no fleet service ${name}`);
    return servicePort(spec, this.portBase);
  }

  /** A REST call as a frontend makes it; the body is parsed JSON (or the raw text when it is not JSON). */
  async api<T = unknown>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.apiUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the caller sees the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** The simulator's admin API (what the far ends heard, who was bridged to whom). */
  async simAdmin<T>(path: string): Promise<T> {
    const response = await fetch(`http://127.0.0.1:${this.portOf('telephony-sim')}/admin${path}`, {
      headers: { authorization: `Bearer ${SIM_ADMIN_TOKEN}` },
    });
    if (!response.ok) throw new Error(`sim admin ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Every `"level":"error"` (or worse) line the fleet's services logged. */
  errorLines(): string[] {
    return [...this.run.stdout, ...this.run.stderr].filter((l) => /"level":"(error|fatal)"/.test(l));
  }

  async stop(): Promise<void> {
    if (this.run.child.exitCode === null) {
      this.run.child.kill('SIGINT');
      const stopped = await Promise.race([
        this.run.exit.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 20_000)),
      ]);
      if (!stopped) killFleetRun(this.run);
    }
    await this.database.drop().catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
