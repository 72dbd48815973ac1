import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnectionService } from '../nats/nats-connection.service';

/** NATS KV buckets shared by all replicas (rate limits, revoked tokens). Opened once per process. */
export class KvStoreService {
  private readonly buckets = new Map<string, Promise<KV>>();
  private readonly kvm: Kvm;

  constructor(private readonly nats: NatsConnectionService) {
    this.kvm = new Kvm(nats.nc);
  }

  /** Opens (creating if needed) a bucket whose entries expire after `ttlMs` (per bucket on nats-server 2.9). */
  async bucket(name: string, options: { ttlMs: number; history?: number }): Promise<KV> {
    this.nats.declared.assertBucket(name);
    const fullName = this.nats.ns.bucket(name);
    let bucket = this.buckets.get(fullName);
    if (!bucket) {
      bucket = this.kvm.create(fullName, { ttl: options.ttlMs, history: options.history ?? 1 });
      bucket.catch(() => this.buckets.delete(fullName));
      this.buckets.set(fullName, bucket);
    }
    return bucket;
  }
}
