import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import type { ServiceDefinition } from '@callfleet/platform';
import { natsUserNames, renderNatsServerConfig } from '../nats/nats-server-config';
import type { FleetNatsSettings } from './fleet-settings';
import {
  ensureNatsPasswords,
  type NatsPasswords,
  natsPasswordVariables,
  readGivenNatsPasswords,
} from './nats-passwords';
import { FleetError, stopProcessGroup, waitUntil } from './process-control';

/** Not 4222: the fleet never joins, by accident, an open broker that happens to listen there. */
export const DEFAULT_FLEET_NATS_PORT = 4223;

export interface NatsEndpoint {
  host: string;
  port: number;
}

/** The first server of a NATS_URL (a comma-separated list for a cluster). */
export function firstNatsEndpoint(natsUrl: string): NatsEndpoint {
  const first = natsUrl.split(',')[0].trim();
  const url = new URL(first.includes('://') ? first : `nats://${first}`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : 4222 };
}

export function canConnect(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * NATS_SERVER_BIN when set (and then only it: an explicit choice is never silently replaced), else PATH,
 * else where Debian puts it (/usr/sbin is often not on a user's PATH).
 */
export function findNatsServerBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.NATS_SERVER_BIN
    ? [env.NATS_SERVER_BIN]
    : [
        ...(env.PATH ?? '').split(delimiter).map((dir) => dir && join(dir, 'nats-server')),
        '/usr/sbin/nats-server',
        '/usr/local/bin/nats-server',
      ];
  return candidates.find((path): path is string => {
    if (!path) return false;
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface FleetNats {
  url: string;
  /** Every NATS user's password (a service connects as its own name). */
  passwords: NatsPasswords;
  /** Where they are kept: a path, printed instead of any secret. */
  passwordsFile: string;
  /** Set when the fleet started nats-server itself (and so stops it). */
  process?: ChildProcess;
  stop(): Promise<void>;
}

export interface FleetNatsOptions {
  settings: FleetNatsSettings;
  dataDir: string;
  definitions: readonly ServiceDefinition[];
  /** The services about to start: a given passwords file must hold each one's. */
  services: readonly string[];
  /** CALLFLEET_NAMESPACE of the services, which the permissions are written for. */
  namespace: string;
  log: (line: string) => void;
  onUnexpectedExit: (description: string) => void;
}

/**
 * The fleet's broker. By default its own nats-server with the generated users and permissions
 * (tools/nats), JetStream data under `<dataDir>/nats`, passwords generated once into
 * `<dataDir>/nats/passwords.env` and passed to nats-server as the env references its config names (so
 * the config file holds none). With NATS_URL, that broker, with the passwords of NATS_PASSWORDS_FILE.
 */
export async function startFleetNats(options: FleetNatsOptions): Promise<FleetNats> {
  const { settings } = options;
  if (settings.kind === 'external') {
    let passwords: NatsPasswords;
    try {
      passwords = readGivenNatsPasswords(settings.passwordsFile, natsUserNames(options.definitions), options.services);
    } catch (error) {
      throw new FleetError(`NATS: ${(error as Error).message}`);
    }
    const { host, port } = firstNatsEndpoint(settings.url);
    if (!(await canConnect(host, port))) {
      throw new FleetError(`NATS: nothing answers at ${settings.url}. Start that server or unset NATS_URL.`);
    }
    options.log(`NATS: joining ${settings.url} with the passwords of ${settings.passwordsFile}`);
    return { url: settings.url, passwords, passwordsFile: settings.passwordsFile, stop: async () => undefined };
  }
  if (await canConnect('127.0.0.1', settings.port)) {
    throw new FleetError(
      `NATS: port ${settings.port} is taken by another program (another fleet's nats-server?). ` +
        'Stop it, or set FLEET_NATS_PORT to a free port.',
    );
  }
  const binary = findNatsServerBinary();
  if (!binary) {
    throw new FleetError(
      'NATS: no nats-server binary was found. Install one (apt-get install nats-server, brew install ' +
        'nats-server, or a release from https://github.com/nats-io/nats-server/releases), or set NATS_URL ' +
        '(with NATS_PASSWORDS_FILE) to a running server.',
    );
  }
  const storeDir = join(options.dataDir, 'nats');
  mkdirSync(storeDir, { recursive: true, mode: 0o700 });
  const passwords = ensureNatsPasswords(settings.passwordsFile, natsUserNames(options.definitions));
  const configFile = join(storeDir, 'nats.conf');
  writeFileSync(
    configFile,
    renderNatsServerConfig(options.definitions, {
      namespace: options.namespace,
      serverName: 'callfleet-local',
      listen: `127.0.0.1:${settings.port}`,
      storeDir,
      passwords: { kind: 'env' },
    }),
  );
  // Own process group: a terminal Ctrl-C reaches only the fleet, which stops the broker last.
  const child = spawn(binary, ['-c', configFile], {
    detached: true,
    env: { ...process.env, ...natsPasswordVariables(passwords) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) {
      options.onUnexpectedExit(`nats-server exited (${signal ?? `code ${code}`}): ${stderr.trim().slice(-500)}`);
    }
  });
  const started = await waitUntil(
    async () => child.exitCode !== null || (await canConnect('127.0.0.1', settings.port)),
    10_000,
  );
  if (!started || child.exitCode !== null) {
    stopping = true;
    await stopProcessGroup(child, 2_000);
    throw new FleetError(`NATS: ${binary} did not start on port ${settings.port}: ${stderr.trim().slice(-1_000)}`);
  }
  options.log(`NATS: started ${binary} (pid ${child.pid}) on ${settings.url}, JetStream data in ${storeDir}`);
  return {
    url: settings.url,
    passwords,
    passwordsFile: settings.passwordsFile,
    process: child,
    stop: async () => {
      stopping = true;
      await stopProcessGroup(child, 10_000);
    },
  };
}
