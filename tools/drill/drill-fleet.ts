import type { ServiceName } from '@callfleet/contracts';
import { freePort } from '../../libs/testing/src/free-port';
import { childEnv, type FleetServiceSpec, serviceEntry } from '../fleet/fleet-services';
import { waitUntil } from '../fleet/process-control';
import { httpReadinessProbe, ServiceProcess } from '../fleet/service-processes';

/** One running copy of a service, as a pod of its Deployment. */
export interface Replica {
  spec: FleetServiceSpec;
  /** 1-based, for names like gateway#2. */
  index: number;
  port: number;
  process: ServiceProcess;
}

export interface DrillFleetOptions {
  rootDir: string;
  dataDir: string;
  natsUrl: string;
  databaseUrl: string;
  /** Settings every process gets (besides PORT, NATS_URL, DATABASE_URL, the data directory's). */
  env: NodeJS.ProcessEnv;
  /** Settings for one service's processes only (NATS_USER and NATS_PASSWORD, the simulator's). */
  envFor?: (service: ServiceName) => Record<string, string>;
  output: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
  onUnexpectedExit: (replica: string, description: string) => void;
}

/** Replicas of the fleet's services as processes from dist/, each on its own free port. */
export class DrillFleet {
  readonly replicas: Replica[] = [];

  constructor(private readonly options: DrillFleetOptions) {}

  static replicaName(replica: Pick<Replica, 'spec' | 'index'>): string {
    return `${replica.spec.name}#${replica.index}`;
  }

  /** Starts `count` more replicas of `spec` (indexes after the existing ones); does not wait for them. */
  async add(spec: FleetServiceSpec, count: number): Promise<Replica[]> {
    const existing = this.replicas.filter((r) => r.spec.name === spec.name).length;
    const added: Replica[] = [];
    for (let i = 1; i <= count; i++) {
      const port = await freePort();
      const replica = { spec, index: existing + i, port } as Replica;
      replica.process = this.spawn(replica);
      this.replicas.push(replica);
      added.push(replica);
    }
    return added;
  }

  private spawn(replica: Omit<Replica, 'process'>): ServiceProcess {
    const { options } = this;
    const name = DrillFleet.replicaName(replica);
    return new ServiceProcess({
      name,
      entry: serviceEntry(options.rootDir, replica.spec.name),
      baseUrl: `http://127.0.0.1:${replica.port}`,
      env: {
        ...childEnv(replica.spec, {
          parentEnv: options.env,
          port: replica.port,
          natsUrl: options.natsUrl,
          databaseUrl: options.databaseUrl,
          dataDir: options.dataDir,
        }),
        ...options.envFor?.(replica.spec.name),
      },
      output: options.output,
      onUnexpectedExit: (_, description) => options.onUnexpectedExit(name, description),
    });
  }

  of(service: ServiceName): Replica[] {
    return this.replicas.filter((r) => r.spec.name === service);
  }

  /** SIGKILL (no shutdown hooks run, in-flight work is cut off), then started again at once, as a crashed pod is. */
  killAndRestart(replica: Replica): void {
    replica.process.killNow();
    replica.process = this.spawn(replica);
  }

  /** Milliseconds until the replica's /health/ready answers 200, or undefined after `timeoutMs`. */
  async timeUntilReady(replica: Replica, since: number, timeoutMs: number): Promise<number | undefined> {
    const ready = await waitUntil(async () => (await httpReadinessProbe(replica.process.baseUrl)).ok, timeoutMs, 100);
    return ready ? Date.now() - since : undefined;
  }

  /** Kills every replica's process group at once (the end of a run, or a failed one). */
  killAll(): void {
    for (const replica of this.replicas) replica.process.killNow();
  }

  /** SIGTERM to every replica (they finish in-flight work), SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.process.stop(graceMs)));
  }
}
