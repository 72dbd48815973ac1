import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { purgeNamespace } from '@callfleet/platform';
import { connect } from '@nats-io/transport-node';

const ROOT = join(__dirname, '..', '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** With BENCH_CPU_PROF_DIR set, every service and fixture writes a V8 CPU profile there when it exits. */
export function profilingFlags(): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** Starts a built service (dist/apps/<name>/src/main.js) as its own process, like production. */
export function spawnService(name: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [...profilingFlags(), join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

export function spawnScript(relativeJs: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [...profilingFlags(), join(ROOT, 'dist', relativeJs)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Waits until `url` answers 2xx; gives up at once if `process` (the server behind it) exits. */
export async function waitForHttp(url: string, timeoutMs = 30_000, process?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process && hasExited(process)) {
      throw new Error(`${url}: its process exited (${process.exitCode ?? process.signalCode})`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

/**
 * Spawns a built service and waits until it is ready; a start that crashes (the services have now
 * and then died of SIGSEGV while booting on the shared 2-core machine) is retried, at most `tries`
 * times in all, and said on stderr. A service that is up but never ready is not retried.
 */
export async function spawnReadyService(
  name: string,
  env: Record<string, string>,
  port: number,
  tries = 3,
): Promise<ChildProcess> {
  for (let attempt = 1; ; attempt++) {
    const child = spawnService(name, { ...env, PORT: String(port) });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health/ready`, 120_000, child);
      return child;
    } catch (error) {
      // Only a crash (killed by a signal) is retried; a service that refused its config exits with a code.
      if (child.signalCode === null || attempt >= tries) {
        await stop(child);
        throw error;
      }
      process.stderr.write(
        `  ${name} exited while starting (${child.signalCode ?? child.exitCode}): starting it again\n`,
      );
    }
  }
}

/** A child killed by a signal (a crash) has no exit code, only a signal code. */
function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export async function stop(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Deletes the streams and KV buckets a benchmark's namespace left on the broker. */
export async function purgeBenchNamespace(natsUrl: string, namespace: string): Promise<void> {
  const nc = await connect({ servers: natsUrl, name: 'bench-cleanup' });
  try {
    await purgeNamespace(nc, namespace);
  } finally {
    await nc.close();
  }
}
