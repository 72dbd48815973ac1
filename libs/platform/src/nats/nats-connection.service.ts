import {
  connect,
  type MsgHdrs,
  type NatsConnection,
  PermissionViolationError,
  type Subscription,
  type SubscriptionOptions,
} from '@nats-io/transport-node';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { MetricsService } from '../metrics/metrics.service';
import type { DeclaredNatsUsage } from './declared-nats-usage';
import { fleetInboxPrefix } from './fleet-inbox';
import { ReplyMux } from './reply-mux';
import { SubjectNamespace } from './subject-namespace';

export interface NatsConnectionOptions {
  servers: string;
  name: string;
  namespace: string;
  /** What the service declared it does on NATS; every other use is refused at the call. */
  declared: DeclaredNatsUsage;
  /** The broker user and its password (NATS_USER / NATS_PASSWORD); none for an open broker. */
  user?: string;
  password?: string;
  /** CA the broker's certificate is checked against (NATS_TLS_CA_FILE): the connection uses TLS. */
  tlsCaFile?: string;
  /** Where refused publishes and subscriptions are counted. */
  metrics?: MetricsService;
}

/**
 * The label of a refused subject: the documented subject, with an inbox's or a reply's random
 * tokens dropped so the series stay few.
 */
export function violationSubjectLabel(subject: string, ns: SubjectNamespace): string {
  const documented = ns.strip(subject);
  if (documented.startsWith('_INBOX.')) return '_INBOX';
  if (documented.startsWith('_R_.')) return '_R_';
  if (documented.startsWith('$JS.ACK.')) return documented.split('.').slice(0, 4).join('.');
  return documented;
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

  private readonly violations?: Counter<'operation' | 'subject'>;

  private constructor(
    readonly nc: NatsConnection,
    namespace: string,
    readonly declared: DeclaredNatsUsage,
    inboxPrefix: string | undefined,
    metrics: MetricsService | undefined,
  ) {
    this.ns = new SubjectNamespace(namespace);
    this.replies = new ReplyMux(nc, inboxPrefix);
    this.violations = metrics?.counter(
      'callfleet_nats_permission_violations_total',
      'Publishes and subscriptions the broker refused (a subject the service’s NATS user may not use)',
      ['operation', 'subject'],
    );
    void this.watchStatus();
  }

  static async connect(options: NatsConnectionOptions): Promise<NatsConnectionService> {
    // Replies come to the user's own inbox prefix: the only one its broker user may subscribe to.
    const inboxPrefix = options.user ? fleetInboxPrefix(options.user) : undefined;
    const nc = await connect({
      servers: options.servers.split(',').map((s) => s.trim()),
      name: options.name,
      ...(options.user ? { user: options.user, pass: options.password, inboxPrefix } : {}),
      ...(options.tlsCaFile ? { tls: { caFile: options.tlsCaFile } } : {}),
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
    return new NatsConnectionService(nc, options.namespace, options.declared, inboxPrefix, options.metrics);
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'error' && status.error instanceof PermissionViolationError) {
        const { operation, subject, queue } = status.error;
        const label = violationSubjectLabel(subject, this.ns);
        this.violations?.inc({ operation, subject: label });
        this.logger.error(
          `the broker refused ${operation === 'publish' ? 'a publish to' : 'a subscription to'} ${subject}${queue ? ` (queue ${queue})` : ''}: not in this service's NATS permissions`,
        );
      } else if (status.type === 'disconnect') {
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

  /**
   * A plain core-NATS publish (no reply, never stored) to a documented subject declared in
   * `nats.core.publishes`; the namespace is applied here.
   */
  publish(subject: string, data: Uint8Array | string, options: { headers?: MsgHdrs } = {}): void {
    this.declared.assertCorePublishes(subject);
    this.nc.publish(this.ns.subject(subject), data, options.headers ? { headers: options.headers } : undefined);
  }

  /**
   * A plain core-NATS subscription to a documented subject (or filter) declared in
   * `nats.core.subscribes`. Received subjects carry the namespace: `ns.strip` gives the documented one.
   */
  subscribe(subject: string, options: Omit<SubscriptionOptions, 'queue'> = {}): Subscription {
    this.declared.assertCoreSubscribes(subject);
    return this.nc.subscribe(this.ns.subject(subject), options);
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
