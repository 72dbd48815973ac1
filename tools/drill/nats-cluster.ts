import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../libs/testing/src/free-port';
import { canConnect, findNatsServerBinary } from '../fleet/local-nats';
import { FleetError, killProcessGroupNow, stopProcessGroup, waitUntil } from '../fleet/process-control';

/** Where one node of the cluster listens and keeps its JetStream store. */
export interface NatsNodeAddress {
  name: string;
  clientPort: number;
  clusterPort: number;
  /** HTTP monitoring (/healthz answers 200 once JetStream is current on the node). */
  monitorPort: number;
  storeDir: string;
  /** The other nodes' cluster ports, as route URLs. */
  routes: string[];
  clusterName: string;
}

/** The nats-server configuration text of one node. */
export type NatsNodeConfig = (node: NatsNodeAddress) => string;

interface RunningNode {
  address: NatsNodeAddress;
  configFile: string;
  process?: ChildProcess;
}

/**
 * A JetStream cluster of nats-server processes on loopback (free ports, stores under `dir`), whose
 * nodes can be killed and started again on the same ports and stores, as a crashed pod comes back.
 */
export class LoopbackNatsCluster {
  private constructor(
    private readonly binary: string,
    private readonly nodes: RunningNode[],
  ) {}

  static async start(options: { dir: string; size?: number; config: NatsNodeConfig }): Promise<LoopbackNatsCluster> {
    const binary = findNatsServerBinary();
    if (!binary) throw new FleetError('no nats-server binary found (apt-get install nats-server, or NATS_SERVER_BIN)');
    const size = options.size ?? 3;
    const ports: { client: number; cluster: number; monitor: number }[] = [];
    for (let i = 0; i < size; i++)
      ports.push({ client: await freePort(), cluster: await freePort(), monitor: await freePort() });
    const nodes: RunningNode[] = ports.map((p, i) => {
      const name = `n${i + 1}`;
      const storeDir = join(options.dir, name);
      mkdirSync(storeDir, { recursive: true });
      const address: NatsNodeAddress = {
        name,
        clientPort: p.client,
        clusterPort: p.cluster,
        monitorPort: p.monitor,
        storeDir,
        routes: ports.filter((_, j) => j !== i).map((o) => `nats-route://127.0.0.1:${o.cluster}`),
        clusterName: 'drill',
      };
      const configFile = join(options.dir, `${name}.conf`);
      writeFileSync(configFile, options.config(address), { mode: 0o600 });
      return { address, configFile };
    });
    const cluster = new LoopbackNatsCluster(binary, nodes);
    try {
      await Promise.all(nodes.map((n) => cluster.launch(n)));
      await cluster.waitHealthy(
        nodes.map((n) => n.address.name),
        30_000,
      );
    } catch (error) {
      cluster.killAll();
      throw error;
    }
    return cluster;
  }

  /** NATS_URL for clients: every node, so a client finds another when its own is gone. */
  get url(): string {
    return this.nodes.map((n) => `nats://127.0.0.1:${n.address.clientPort}`).join(',');
  }

  get names(): string[] {
    return this.nodes.map((n) => n.address.name);
  }

  private node(name: string): RunningNode {
    const node = this.nodes.find((n) => n.address.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  private async launch(node: RunningNode): Promise<void> {
    // Own process group, so it can be killed with anything it started; stderr kept for the error.
    const child = spawn(this.binary, ['-c', node.configFile], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2_000);
    });
    node.process = child;
    const listening = await waitUntil(
      async () => child.exitCode !== null || (await canConnect('127.0.0.1', node.address.clientPort)),
      10_000,
    );
    if (!listening || child.exitCode !== null) {
      throw new FleetError(`nats-server ${node.address.name} did not start: ${stderr.trim().slice(-500)}`);
    }
  }

  /** SIGKILL: no goodbye to the cluster, as when a machine dies. */
  kill(name: string): void {
    const { process: child } = this.node(name);
    if (child) killProcessGroupNow(child);
  }

  async restart(name: string): Promise<void> {
    const node = this.node(name);
    if (node.process) await stopProcessGroup(node.process, 0);
    await this.launch(node);
  }

  /** True once the node's /healthz answers 200: connected to the cluster and JetStream current. */
  async isHealthy(name: string): Promise<boolean> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.node(name).address.monitorPort}/healthz`, {
        signal: AbortSignal.timeout(1_000),
      });
      return response.status === 200;
    } catch {
      return false;
    }
  }

  async waitHealthy(names: string[], timeoutMs: number): Promise<void> {
    const healthy = await waitUntil(
      async () => (await Promise.all(names.map((n) => this.isHealthy(n)))).every(Boolean),
      timeoutMs,
      200,
    );
    if (!healthy) throw new FleetError(`NATS nodes ${names.join(', ')} not healthy after ${timeoutMs} ms`);
  }

  /** The node leading `stream` (in any account), from the first live node's monitor; undefined if none is known. */
  async streamLeader(stream: string): Promise<string | undefined> {
    for (const node of this.nodes) {
      try {
        const response = await fetch(`http://127.0.0.1:${node.address.monitorPort}/jsz?accounts=true&streams=true`, {
          signal: AbortSignal.timeout(1_000),
        });
        const jsz = (await response.json()) as {
          account_details?: { stream_detail?: { name: string; cluster?: { leader?: string } }[] }[];
        };
        const streams = (jsz.account_details ?? []).flatMap((a) => a.stream_detail ?? []);
        return streams.find((s) => s.name === stream)?.cluster?.leader;
      } catch {
        // that node is down; ask the next
      }
    }
    return undefined;
  }

  killAll(): void {
    for (const node of this.nodes) if (node.process) killProcessGroupNow(node.process);
  }

  async stop(removeDir?: string): Promise<void> {
    await Promise.all(this.nodes.map((n) => (n.process ? stopProcessGroup(n.process, 5_000) : undefined)));
    if (removeDir) rmSync(removeDir, { recursive: true, force: true });
  }
}
