import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './free-port';

/**
 * A private nats-server (with JetStream) on a free loopback port, for tests that stop or restart
 * the broker. Never touches the machine's shared NATS.
 */
export class TestNatsServer {
  private process?: ChildProcess;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'callfleet-nats-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<TestNatsServer> {
    const server = new TestNatsServer(await freePort());
    await server.resume();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /**
   * Starts the broker again on the same port and store (a restart keeps JetStream data). With
   * `jetstream: false` it is core NATS only: requests work, every JetStream publish is refused.
   */
  async resume(options: { jetstream?: boolean } = {}): Promise<void> {
    const binary = process.env.NATS_SERVER_BIN ?? 'nats-server';
    const args = ['-a', '127.0.0.1', '-p', String(this.port)];
    if (options.jetstream !== false) args.push('-js', '-sd', this.storeDir);
    this.process = spawn(binary, args, { stdio: 'ignore' });
    await waitFor(() => canConnect(this.port), 10_000, `nats-server on ${this.port}`);
  }

  /** Stops the broker (SIGTERM) and waits until the port is closed. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    this.process = undefined;
  }

  async restart(options: { jetstream?: boolean } = {}): Promise<void> {
    await this.stop();
    await this.resume(options);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
