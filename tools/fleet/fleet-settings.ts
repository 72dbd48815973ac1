import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_EMBEDDED_PG_PORT } from './embedded-postgres';
import { FLEET_SERVICES, parsePortBase } from './fleet-services';
import { DEFAULT_FLEET_NATS_PORT } from './local-nats';

/**
 * The fleet's broker: its own nats-server with the generated permissions (the default), or the one at
 * NATS_URL, which then needs the users' passwords too (NATS_PASSWORDS_FILE).
 */
export type FleetNatsSettings =
  | { kind: 'own'; url: string; port: number; passwordsFile: string }
  | { kind: 'external'; url: string; passwordsFile: string };

/** What `npm start` and `npm run migrate` read from the environment. */
export interface FleetSettings {
  rootDir: string;
  /** Embedded PostgreSQL cluster, nats-server store, dev signing keys. */
  dataDir: string;
  nats: FleetNatsSettings;
  /** Unset: the embedded PostgreSQL. */
  databaseUrl?: string;
  embeddedPgPort: number;
  portBase?: number;
  readyTimeoutMs: number;
  stopTimeoutMs: number;
}

/** The repository root: the nearest directory above `from` with a package.json (dist/ has none). */
export function findRootDir(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${name} must be an integer from 1 to ${max}, got "${raw}"`);
  }
  return value;
}

/** Reads and checks every variable, naming each bad one, before anything is started. */
export function readFleetSettings(env: NodeJS.ProcessEnv, rootDir: string): FleetSettings {
  const problems: string[] = [];
  const attempt = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      problems.push((error as Error).message);
      return fallback;
    }
  };
  const dataDir = resolve(rootDir, env.FLEET_DATA_DIR || '.data');
  const settings: FleetSettings = {
    rootDir,
    dataDir,
    nats: attempt(() => readNatsSettings(env, dataDir), {
      kind: 'own',
      url: '',
      port: 0,
      passwordsFile: '',
    } as FleetNatsSettings),
    databaseUrl: env.DATABASE_URL || undefined,
    embeddedPgPort: attempt(() => positiveInt(env, 'EMBEDDED_PG_PORT', DEFAULT_EMBEDDED_PG_PORT, 65535), 0),
    portBase: attempt(() => parsePortBase(env.FLEET_PORT_BASE, FLEET_SERVICES), undefined),
    readyTimeoutMs: attempt(() => positiveInt(env, 'FLEET_READY_TIMEOUT_MS', 60_000, 600_000), 0),
    stopTimeoutMs: attempt(() => positiveInt(env, 'FLEET_STOP_TIMEOUT_MS', 15_000, 600_000), 0),
  };
  if (settings.databaseUrl && !/^postgres(ql)?:\/\/\S+$/.test(settings.databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// URL');
  }
  if (problems.length) throw new Error(`invalid settings: ${problems.join('; ')}`);
  return settings;
}

function readNatsSettings(env: NodeJS.ProcessEnv, dataDir: string): FleetNatsSettings {
  if (env.NATS_URL) {
    if (!/^(nats|tls|ws|wss):\/\/\S+$/.test(env.NATS_URL)) throw new Error('NATS_URL must be a nats:// URL');
    if (!env.NATS_PASSWORDS_FILE) {
      throw new Error(
        "NATS_URL is set, so the fleet joins that broker and needs its users' passwords: set NATS_PASSWORDS_FILE " +
          'to a file of NATS_PASSWORD_<USER>=... lines, one per service (the shape of .data/nats/passwords.env), ' +
          'or unset NATS_URL to let the fleet run its own nats-server',
      );
    }
    return { kind: 'external', url: env.NATS_URL, passwordsFile: resolve(env.NATS_PASSWORDS_FILE) };
  }
  const port = positiveInt(env, 'FLEET_NATS_PORT', DEFAULT_FLEET_NATS_PORT, 65535);
  return { kind: 'own', url: `nats://127.0.0.1:${port}`, port, passwordsFile: join(dataDir, 'nats', 'passwords.env') };
}
