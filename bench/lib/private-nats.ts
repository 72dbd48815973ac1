import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { freePort } from './processes';

/**
 * The broker the benchmarks run against. By default a private nats-server with JetStream on a free
 * port, so its CPU time (read from /proc) is the benchmark's alone on a machine where other work
 * shares the fleet's broker; BENCH_NATS_URL points the run at an existing broker instead.
 */
export interface BenchBroker {
  url: string;
  /** The nats-server process, when the broker is private (its CPU is then charged per request). */
  pid?: number;
  close(): Promise<void>;
}

export async function startBenchBroker(): Promise<BenchBroker> {
  const external = process.env.BENCH_NATS_URL;
  if (external) return { url: external, close: async () => undefined };
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'callfleet-bench-nats-'));
  const child: ChildProcess = spawn(
    process.env.NATS_SERVER_BIN ?? 'nats-server',
    ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir],
    { stdio: 'ignore' },
  );
  const url = `nats://127.0.0.1:${port}`;
  await waitForBroker(url, child);
  return {
    url,
    pid: child.pid,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

async function waitForBroker(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nats-server exited (code ${child.exitCode})`);
    try {
      const nc = await connect({ servers: url, timeout: 500 });
      await nc.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`nats-server at ${url} not ready`);
}
