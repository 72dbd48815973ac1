import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ReplyMux } from './reply-mux';
import { SubjectNamespace } from './subject-namespace';

export interface NatsConnectionOptions {
  servers: string;
  name: string;
  namespace: string;
}

/**
 * The service's single NATS connection. Reconnects forever (the client's default gives up after 10
 * tries), waits for the first connect, and re-subscribes by itself after a broker restart.
 */
export class NatsConnectionService implements OnApplicationShutdown {
  private readonly logger = new Logger('Nats');
  private connected = true;
  readonly ns: SubjectNamespace;
  /** The connection's request/reply: one inbox subscription shared by every request (see ReplyMux). */
  readonly replies: ReplyMux;

  private constructor(
    readonly nc: NatsConnection,
    namespace: string,
  ) {
    this.ns = new SubjectNamespace(namespace);
    this.replies = new ReplyMux(nc);
    void this.watchStatus();
  }

  static async connect(options: NatsConnectionOptions): Promise<NatsConnectionService> {
    const nc = await connect({
      servers: options.servers.split(',').map((s) => s.trim()),
      name: options.name,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
      reconnectTimeWait: 250,
      reconnectJitter: 100,
      pingInterval: 5_000,
      maxPingOut: 2,
      // The client would otherwise build two Error objects (stack captures) per request just in case
      // it fails; about a quarter of a request's CPU. Our errors carry codes, not client stacks.
      noAsyncTraces: true,
    });
    return new NatsConnectionService(nc, options.namespace);
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') {
        this.connected = false;
        this.logger.warn(`disconnected from ${status.server}`);
      } else if (status.type === 'reconnect') {
        this.connected = true;
        this.logger.log(`reconnected to ${status.server}`);
      }
    }
  }

  isConnected(): boolean {
    return this.connected && !this.nc.isClosed() && !this.nc.isDraining();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.nc.isClosed()) return;
    try {
      await this.nc.drain();
    } catch {
      await this.nc.close();
    }
  }
}
