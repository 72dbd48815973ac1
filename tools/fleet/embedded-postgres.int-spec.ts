import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, freePort, REPO_ROOT, startTestService, testNamespace, waitFor } from '@callfleet/testing';
import { Client } from 'pg';
import { callOrchestratorService } from '../../apps/call-orchestrator/src/call-orchestrator.definition';
import { EmbeddedPostgresServer } from './embedded-postgres';

const MIGRATE = 'dist/tools/fleet/migrate.js';

/** Postmasters whose command line names `dataDir` (ours only: the directory is unique to this test). */
function postgresProcessesFor(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dataDir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL (what `npm start` uses without DATABASE_URL)', () => {
  // Readable by others: as root the cluster runs as the postgres user, which must reach it.
  const dataRoot = mkdtempSync(join(tmpdir(), 'callfleet-fleet-pg-'));
  chmodSync(dataRoot, 0o755);
  const pgDir = join(dataRoot, 'pg');
  const log: string[] = [];
  let port: number;
  let server: EmbeddedPostgresServer | undefined;

  beforeAll(async () => {
    port = await freePort();
    await ensureBuilt([MIGRATE]);
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it('initialises once, keeps its data across a restart, and a service readiness follows it', async () => {
    server = await EmbeddedPostgresServer.start({ dataRoot, port, log: (l) => log.push(l) });
    expect(log.join('\n')).toContain('first run');
    expect(server.url()).toMatch(new RegExp(`^postgres://postgres:[0-9a-f]+@127\\.0\\.0\\.1:${port}/callfleet$`));
    await query(server.url(), 'CREATE TABLE kept (note text); INSERT INTO kept VALUES ($$still here$$)');

    const orchestrator = await startTestService(callOrchestratorService, {
      namespace: testNamespace(),
      databaseUrl: server.url(),
    });
    const ready = async () => (await fetch(`${orchestrator.url}/health/ready`)).status;
    try {
      expect(await ready()).toBe(200);
      await server.stop();
      expect(postgresProcessesFor(pgDir)).toEqual([]);
      await waitFor(async () => (await ready()) === 503, 10_000, 'readiness 503 without PostgreSQL');

      log.length = 0;
      server = await EmbeddedPostgresServer.start({ dataRoot, port, log: (l) => log.push(l) });
      expect(log.join('\n')).not.toContain('first run');
      expect(await query(server.url(), 'SELECT note FROM kept')).toEqual([{ note: 'still here' }]);
      await waitFor(async () => (await ready()) === 200, 10_000, 'readiness 200 once PostgreSQL is back');
    } finally {
      await orchestrator.close();
    }
  }, 60_000);

  it('`npm run migrate` migrates every schema, and stops the cluster only if it started it', async () => {
    const migrate = () =>
      spawnSync(process.execPath, [join(REPO_ROOT, MIGRATE)], {
        env: { PATH: process.env.PATH, FLEET_DATA_DIR: dataRoot, EMBEDDED_PG_PORT: String(port) },
        encoding: 'utf8',
        timeout: 60_000,
      });
    // Running (as under `npm start`): used and left running.
    const alongside = migrate();
    expect({ status: alongside.status, stderr: alongside.stderr }).toEqual({ status: 0, stderr: '' });
    expect(alongside.stdout).toContain('already running');
    const schemas = await query<{ nspname: string }>(
      server!.url(),
      "SELECT nspname FROM pg_namespace WHERE nspname IN ('auth', 'orchestrator', 'ingest', 'recordings') ORDER BY 1",
    );
    expect(schemas.map((s) => s.nspname)).toEqual(['auth', 'ingest', 'orchestrator', 'recordings']);
    expect(alongside.stdout).toMatch(/auth: applied \S+/);

    // Stopped: started for the run, then stopped again.
    await server!.stop();
    server = undefined;
    const alone = migrate();
    expect({ status: alone.status, stderr: alone.stderr }).toEqual({ status: 0, stderr: '' });
    expect(alone.stdout).toMatch(/orchestrator: up to date/);
    expect(postgresProcessesFor(pgDir)).toEqual([]);
  }, 60_000);

  it('names EMBEDDED_PG_PORT when another program holds the port', async () => {
    const squatter = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => squatter.once('listening', r));
    const taken = (squatter.address() as { port: number }).port;
    try {
      await expect(EmbeddedPostgresServer.start({ dataRoot, port: taken, log: () => undefined })).rejects.toThrow(
        /port \d+ is taken.*EMBEDDED_PG_PORT/,
      );
      expect(postgresProcessesFor(pgDir)).toEqual([]);
    } finally {
      squatter.close();
    }
  });
});
