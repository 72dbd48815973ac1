import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { nuid } from '@nats-io/transport-node';
import { encodeJson } from './nats-wire';

export interface EndpointStats {
  name: string;
  subject: string;
  queue_group: string;
  num_requests: number;
  num_errors: number;
  last_error: string;
  /** Nanoseconds, as the service API defines. */
  processing_time: number;
  average_processing_time: number;
}

export interface ServiceIdentity {
  name: string;
  version: string;
  description: string;
  metadata: Record<string, string>;
}

/**
 * Answers `$SRV.PING|INFO|STATS` (plain, `.<name>` and `.<name>.<id>`) as the NATS service API
 * defines, so `nats micro ls` and `nats micro info <service>` show the fleet.
 */
export class ServiceDiscovery {
  readonly id = nuid.next();
  private readonly started = new Date().toISOString();
  private readonly endpoints = new Map<string, EndpointStats>();
  private readonly subs: Subscription[] = [];

  constructor(private readonly identity: ServiceIdentity) {}

  addEndpoint(name: string, subject: string, queueGroup: string): EndpointStats {
    const stats: EndpointStats = {
      name,
      subject,
      queue_group: queueGroup,
      num_requests: 0,
      num_errors: 0,
      last_error: '',
      processing_time: 0,
      average_processing_time: 0,
    };
    this.endpoints.set(name, stats);
    return stats;
  }

  static record(stats: EndpointStats, elapsedNs: number, error?: string): void {
    stats.num_requests += 1;
    stats.processing_time += elapsedNs;
    stats.average_processing_time = Math.round(stats.processing_time / stats.num_requests);
    if (error) {
      stats.num_errors += 1;
      stats.last_error = error;
    }
  }

  private base(type: string) {
    const { name, version, metadata } = this.identity;
    return { type: `io.nats.micro.v1.${type}`, name, id: this.id, version, metadata };
  }

  ping() {
    return this.base('ping_response');
  }

  info() {
    return {
      ...this.base('info_response'),
      description: this.identity.description,
      endpoints: [...this.endpoints.values()].map((e) => ({
        name: e.name,
        subject: e.subject,
        queue_group: e.queue_group,
        metadata: null,
      })),
    };
  }

  stats() {
    return { ...this.base('stats_response'), started: this.started, endpoints: [...this.endpoints.values()] };
  }

  start(nc: NatsConnection): void {
    const verbs: Record<string, () => unknown> = {
      PING: () => this.ping(),
      INFO: () => this.info(),
      STATS: () => this.stats(),
    };
    for (const [verb, answer] of Object.entries(verbs)) {
      for (const subject of [
        `$SRV.${verb}`,
        `$SRV.${verb}.${this.identity.name}`,
        `$SRV.${verb}.${this.identity.name}.${this.id}`,
      ]) {
        this.subs.push(
          nc.subscribe(subject, {
            callback: (_err, msg: Msg) => {
              if (msg.reply) msg.respond(encodeJson(answer()));
            },
          }),
        );
      }
    }
  }

  stop(): void {
    for (const sub of this.subs.splice(0)) sub.unsubscribe();
  }
}
