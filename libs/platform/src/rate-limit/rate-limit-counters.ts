import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { withTimeout } from '../health/dependency-health';
import type { KvStoreService } from '../kv/kv-store.service';

/** A counter written by another replica between our read and our write: read again and retry. */
function isRevisionConflict(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

const MAX_ATTEMPTS = 20;
const STORE_TIMEOUT_MS = 1_000;

export interface RateLimitCountersOptions {
  /** The KV bucket (one of KvBuckets); its entries expire with `ttlMs`, fixed by whoever creates it first. */
  bucket: string;
  /** At least the longest window counted in the bucket, so a counter outlives its window. */
  ttlMs: number;
}

/**
 * Fixed-window counters in a NATS KV bucket every replica shares. Increments use optimistic
 * concurrency (create, or update at the revision we read), so two replicas counting the same key at
 * once never lose a hit. Entries expire with the bucket TTL.
 */
export class RateLimitCounters {
  private kvBucket?: Promise<KV>;

  constructor(
    private readonly kv: KvStoreService,
    private readonly options: RateLimitCountersOptions,
  ) {}

  private open(): Promise<KV> {
    this.kvBucket ??= this.kv.bucket(this.options.bucket, { ttlMs: this.options.ttlMs }).catch((error: unknown) => {
      this.kvBucket = undefined;
      throw error;
    });
    return this.kvBucket;
  }

  /**
   * Counts one hit on `key` unless `limit` is already reached, and returns how many hits were counted
   * before this one. A refused request is not written, so a flood costs one read per request.
   */
  countHit(key: string, limit: number): Promise<number> {
    return withTimeout(
      this.change(key, (counted) => (counted >= limit ? undefined : counted + 1)).then((r) => r.before),
      STORE_TIMEOUT_MS,
      'rate limit store',
    );
  }

  /** Adds `hits` counted elsewhere (a replica's local tally) and returns the key's new total. */
  addHits(key: string, hits: number): Promise<number> {
    return withTimeout(
      this.change(key, (counted) => counted + hits).then((r) => r.after),
      STORE_TIMEOUT_MS,
      'rate limit store',
    );
  }

  /** Read-modify-write with retries on conflict; `next` returning undefined leaves the counter alone. */
  private async change(
    key: string,
    next: (counted: number) => number | undefined,
  ): Promise<{ before: number; after: number }> {
    const kv = await this.open();
    for (let attempt = 1; ; attempt++) {
      const entry = await kv.get(key);
      const counted = entry && entry.operation === 'PUT' ? Number(entry.string()) || 0 : 0;
      const value = next(counted);
      if (value === undefined) return { before: counted, after: counted };
      try {
        if (entry) await kv.update(key, String(value), entry.revision);
        else await kv.create(key, String(value));
        return { before: counted, after: value };
      } catch (error) {
        if (!isRevisionConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
