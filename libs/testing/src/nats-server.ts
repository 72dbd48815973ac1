import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './free-port';

/** Where a private broker listens and keeps its data, for a configuration written for it. */
export interface TestNatsServerPlace {
  port: number;
  /** The JetStream store directory (its config must point `store_dir` here). */
  storeDir: string;
}

export interface TestNatsServerOptions {
  /**
   * A nats-server configuration (users, accounts, permissions) for the broker's port and store, e.g.
   * `({port, storeDir}) => renderNatsServerConfig(definitions, {listen: `127.0.0.1:${port}`, storeDir, ...})`.
   * Without it the broker is open: no auth, JetStream on.
   */
  config?: (place: TestNatsServerPlace) => string;
  /** Variables for the server's environment: what a configuration's `$NAME` references resolve to. */
  env?: Readonly<Record<string, string>>;
}

/**
 * A private nats-server (with JetStream) on a free loopback port, for tests that stop or restart
 * the broker or need its own users and permissions. Never touches the machine's shared NATS.
 */
export class TestNatsServer {
  private process?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'callfleet-nats-'));
  private readonly storeDir = join(this.dir, 'store');
  private readonly configFile?: string;

  private constructor(
    readonly port: number,
    private readonly options: TestNatsServerOptions,
  ) {
    if (options.config) {
      this.configFile = join(this.dir, 'nats-server.conf');
      writeFileSync(this.configFile, options.config({ port, storeDir: this.storeDir }));
    }
  }

  static async start(options: TestNatsServerOptions = {}): Promise<TestNatsServer> {
    const server = new TestNatsServer(await freePort(), options);
    await server.resume();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /**
   * Starts the broker again on the same port and store (a restart keeps JetStream data). With
   * `jetstream: false` it is core NATS only: requests work, every JetStream publish is refused
   * (not with a configuration, which says itself whether JetStream is on).
   */
  async resume(options: { jetstream?: boolean } = {}): Promise<void> {
    const binary = process.env.NATS_SERVER_BIN ?? 'nats-server';
    const args = this.configFile ? ['-c', this.configFile] : ['-a', '127.0.0.1', '-p', String(this.port)];
    if (!this.configFile && options.jetstream !== false) args.push('-js', '-sd', this.storeDir);
    const child = spawn(binary, args, {
      env: { ...process.env, ...this.options.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.process = child;
    child.stderr.setEncoding('utf8').on('data', (text: string) => this.keepLog(text));
    const outcome = await waitFor(
      async () => (child.exitCode !== null ? 'exited' : (await canConnect(this.port)) && 'listening'),
      10_000,
      `nats-server on ${this.port}`,
    );
    if (outcome === 'exited') throw new Error(`nats-server exited at start: ${this.log.trim().split('\n').pop()}`);
  }

  /** What the broker logged lately (its last lines). */
  get log(): string {
    return this.logChunks.join('');
  }

  /** Every line the broker logged about a refused publish or subscription (`... Violation - User ...`), in order. */
  permissionViolations(): string[] {
    return [...this.violations];
  }

  private readonly logChunks: string[] = [];
  private readonly violations: string[] = [];
  private partialLine = '';

  private keepLog(text: string): void {
    this.logChunks.push(text);
    if (this.logChunks.length > 5_000) this.logChunks.splice(0, 1_000);
    const lines = (this.partialLine + text).split('\n');
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) if (/ Violation - /.test(line)) this.violations.push(line);
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
    rmSync(this.dir, { recursive: true, force: true });
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
