import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { FleetError, stopProcessGroup, waitUntil } from './process-control';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

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

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
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

export interface LocalNats {
  url: string;
  /** Set when the fleet started nats-server itself (and so stops it). */
  process?: ChildProcess;
  stop(): Promise<void>;
}

/**
 * NATS for the fleet: the broker at NATS_URL when one listens there; otherwise, for a local URL, a
 * nats-server with JetStream started as our child (data under `<dataDir>/nats`, so streams survive
 * a restart of the fleet).
 */
export async function ensureLocalNats(
  natsUrl: string,
  dataDir: string,
  log: (line: string) => void,
  onUnexpectedExit: (description: string) => void,
): Promise<LocalNats> {
  const { host, port } = firstNatsEndpoint(natsUrl);
  if (await canConnect(host, port)) {
    log(`NATS: using the server already listening at ${natsUrl}`);
    return { url: natsUrl, stop: async () => undefined };
  }
  if (!isLoopback(host)) {
    throw new FleetError(`NATS: nothing answers at ${natsUrl}. Start that server or point NATS_URL at one that runs.`);
  }
  const binary = findNatsServerBinary();
  if (!binary) {
    throw new FleetError(
      `NATS: nothing listens at ${natsUrl} and no nats-server binary was found. ` +
        'Install one (apt-get install nats-server, brew install nats-server, or a release from ' +
        'https://github.com/nats-io/nats-server/releases), or set NATS_URL to a running server.',
    );
  }
  const storeDir = join(dataDir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  // Own process group: a terminal Ctrl-C reaches only the fleet, which stops the broker last.
  const child = spawn(binary, ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) onUnexpectedExit(`nats-server exited (${signal ?? `code ${code}`}): ${stderr.trim().slice(-500)}`);
  });
  const started = await waitUntil(async () => child.exitCode !== null || (await canConnect('127.0.0.1', port)), 10_000);
  if (!started || child.exitCode !== null) {
    stopping = true;
    await stopProcessGroup(child, 2_000);
    throw new FleetError(`NATS: ${binary} did not start on port ${port}: ${stderr.trim().slice(-1_000)}`);
  }
  log(`NATS: started ${binary} (pid ${child.pid}) on ${natsUrl}, JetStream data in ${storeDir}`);
  return {
    url: natsUrl,
    process: child,
    stop: async () => {
      stopping = true;
      await stopProcessGroup(child, 10_000);
    },
  };
}
