import { KvBuckets } from '@callfleet/contracts';
import { KvStoreService, withTimeout } from '@callfleet/platform';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';

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

/**
 * Fixed-window counters in the NATS KV bucket every gateway replica shares. Increments use
 * optimistic concurrency (create, or update at the revision we read), so two replicas counting the
 * same key at once never lose a hit. Entries expire with the bucket TTL (the longest window).
 */
export class RateLimitCounters {
  private bucket?: Promise<KV>;

  constructor(
    private readonly kv: KvStoreService,
    private readonly ttlMs: number,
  ) {}

  private open(): Promise<KV> {
    this.bucket ??= this.kv.bucket(KvBuckets.RATE_LIMITS, { ttlMs: this.ttlMs }).catch((error: unknown) => {
      this.bucket = undefined;
      throw error;
    });
    return this.bucket;
  }

  /**
   * Counts one hit on `key` unless `limit` is already reached, and returns how many hits were counted
   * before this one. A refused request is not written, so a flood costs one read per request.
   */
  countHit(key: string, limit: number): Promise<number> {
    return withTimeout(this.countHitOnce(key, limit), STORE_TIMEOUT_MS, 'rate limit store');
  }

  private async countHitOnce(key: string, limit: number): Promise<number> {
    const kv = await this.open();
    for (let attempt = 1; ; attempt++) {
      const entry = await kv.get(key);
      const counted = entry && entry.operation === 'PUT' ? Number(entry.string()) || 0 : 0;
      if (counted >= limit) return counted;
      try {
        if (entry) await kv.update(key, String(counted + 1), entry.revision);
        else await kv.create(key, String(counted + 1));
        return counted;
      } catch (error) {
        if (!isRevisionConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
