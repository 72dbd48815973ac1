import { jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { Logger } from '@nestjs/common';
import { retryTransient } from '../jetstream/transient-errors';
import type { NatsConnectionService } from '../nats/nats-connection.service';

export interface KvStoreOptions {
  /** Copies of each bucket in a JetStream cluster: NATS_STREAM_REPLICAS, 1 on a single server. */
  replicas?: number;
}

/** NATS KV buckets shared by all replicas (rate limits, revoked tokens). Opened once per process. */
export class KvStoreService {
  private readonly logger = new Logger('KvStore');
  private readonly buckets = new Map<string, Promise<KV>>();
  private readonly kvm: Kvm;
  private readonly replicas: number;

  constructor(
    private readonly nats: NatsConnectionService,
    options: KvStoreOptions = {},
  ) {
    this.kvm = new Kvm(nats.nc);
    this.replicas = options.replicas ?? 1;
  }

  /** Opens (creating if needed) a bucket whose entries expire after `ttlMs` (per bucket on nats-server 2.9). */
  async bucket(name: string, options: { ttlMs: number; history?: number }): Promise<KV> {
    this.nats.declared.assertBucket(name);
    const fullName = this.nats.ns.bucket(name);
    let bucket = this.buckets.get(fullName);
    if (!bucket) {
      bucket = retryTransient(() => this.open(fullName, options), {
        onRetry: (error, attempt, delayMs) =>
          this.logger.warn(`bucket ${fullName}: ${String(error)}; retry ${attempt} in ${delayMs} ms`),
      });
      bucket.catch(() => this.buckets.delete(fullName));
      this.buckets.set(fullName, bucket);
    }
    return bucket;
  }

  private async open(fullName: string, options: { ttlMs: number; history?: number }): Promise<KV> {
    const kv = await this.kvm.create(fullName, {
      ttl: options.ttlMs,
      history: options.history ?? 1,
      replicas: this.replicas,
    });
    // create() leaves an existing bucket as it is. Its stream takes a new number of copies like any
    // stream does (nats-server 2.9 included), so a fleet moved to a cluster gets replicated buckets.
    const status = await kv.status();
    if (status.replicas !== this.replicas) {
      const jsm = await jetstreamManager(this.nats.nc);
      const { config } = await jsm.streams.info(status.streamInfo.config.name);
      await jsm.streams.update(config.name, { ...config, num_replicas: this.replicas });
    }
    return kv;
  }
}
