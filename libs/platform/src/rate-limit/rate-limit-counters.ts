import { setTimeout as sleep } from 'node:timers/promises';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { withTimeout } from '../health/dependency-health';
import { isNoLeaderError } from '../jetstream/transient-errors';
import type { KvStoreService } from '../kv/kv-store.service';
import { applyCounterChanges, type CounterChange, type CounterChangeResult } from './counter-batch';

/** A counter written by another replica between our read and our write: read again and retry. */
function isRevisionConflict(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

/** How long one call to the store may take before the store counts as unavailable. */
const STORE_TIMEOUT_MS = 1_000;
/** How long a write keeps retrying conflicts with other replicas (each retry is an answer: the store is up). */
const CONFLICT_DEADLINE_MS = 3_000;
/** Upper bound of the random pause before retrying a conflict, so racing replicas stop colliding. */
const MAX_CONFLICT_BACKOFF_MS = 25;
/**
 * The pause before asking again while the bucket has no leader (one NATS node of three lost: an
 * election of 2-6 s, tools/drill). Within the same deadline, so a request waits out a short
 * election instead of being refused, and a longer one still fails like an outage.
 */
const NO_LEADER_PAUSE_MS = 200;

export interface RateLimitCountersOptions {
  /** The KV bucket (one of KvBuckets); its entries expire with `ttlMs`, fixed by whoever creates it first. */
  bucket: string;
  /** At least the longest window counted in the bucket, so a counter outlives its window. */
  ttlMs: number;
}

interface Waiting {
  change: CounterChange;
  resolve: (result: CounterChangeResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Fixed-window counters in a NATS KV bucket every replica shares. Increments use optimistic
 * concurrency (create, or update at the revision we read), so two replicas counting the same key at
 * once never lose a hit. Within a replica, the requests that arrive on one key while a write is
 * under way wait and go together in the next write: a burst on one key costs a few writes instead
 * of a compare-and-set race among all of them, which used to exhaust its retries and answer 503 to
 * requests the budget still had room for. Conflicts with other replicas are retried (with a random pause) for a
 * few seconds; only a store that does not answer in time is an outage. Entries expire with the
 * bucket TTL.
 */
export class RateLimitCounters {
  private kvBucket?: Promise<KV>;
  /** Per key: the changes waiting for the write under way to finish (present while one is). */
  private readonly waiting = new Map<string, Waiting[]>();

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
   * before this one. A refused request is not written, so a flood costs one read per burst.
   */
  countHit(key: string, limit: number): Promise<number> {
    return this.enqueue(key, { kind: 'hit', limit }).then((r) => r.before);
  }

  /** Adds `hits` counted elsewhere (a replica's local tally) and returns the key's new total. */
  addHits(key: string, hits: number): Promise<number> {
    return this.enqueue(key, { kind: 'add', hits }).then((r) => r.after);
  }

  private enqueue(key: string, change: CounterChange): Promise<CounterChangeResult> {
    return new Promise<CounterChangeResult>((resolve, reject) => {
      const queue = this.waiting.get(key);
      if (queue) queue.push({ change, resolve, reject });
      else {
        this.waiting.set(key, []);
        void this.writeLoop(key, [{ change, resolve, reject }]);
      }
    });
  }

  /**
   * Writes `batch`, then whatever queued up on the key meanwhile, until nothing is left. A store
   * that fails a write fails everything waiting on the key with it, so a queue never waits out one
   * timeout per batch.
   */
  private async writeLoop(key: string, first: Waiting[]): Promise<void> {
    let batch = first;
    while (batch.length > 0) {
      try {
        const results = await this.write(
          key,
          batch.map((w) => w.change),
        );
        for (const [i, w] of batch.entries()) w.resolve(results[i]);
      } catch (error) {
        for (const w of [...batch, ...(this.waiting.get(key) ?? [])]) w.reject(error);
        this.waiting.set(key, []);
      }
      batch = this.waiting.get(key) ?? [];
      if (batch.length > 0) this.waiting.set(key, []);
    }
    this.waiting.delete(key);
  }

  /**
   * One read-modify-write carrying every change of the batch. Each store call must answer within
   * STORE_TIMEOUT_MS; conflicts with other replicas, and a bucket between leaders, are retried until
   * CONFLICT_DEADLINE_MS.
   */
  private async write(key: string, changes: CounterChange[]): Promise<CounterChangeResult[]> {
    const kv = await withTimeout(this.open(), STORE_TIMEOUT_MS, 'rate limit store');
    const deadline = Date.now() + CONFLICT_DEADLINE_MS;
    for (;;) {
      try {
        return await this.writeOnce(kv, key, changes);
      } catch (error) {
        const conflict = isRevisionConflict(error);
        if ((!conflict && !isNoLeaderError(error)) || Date.now() >= deadline) throw error;
        await sleep(conflict ? Math.random() * MAX_CONFLICT_BACKOFF_MS : NO_LEADER_PAUSE_MS);
      }
    }
  }

  /** Reads the counter and writes it at the revision read (a conflict throws). */
  private async writeOnce(kv: KV, key: string, changes: CounterChange[]): Promise<CounterChangeResult[]> {
    const entry = await withTimeout(kv.get(key), STORE_TIMEOUT_MS, 'rate limit store');
    const counted = entry && entry.operation === 'PUT' ? Number(entry.string()) || 0 : 0;
    const { total, results } = applyCounterChanges(counted, changes);
    if (total === counted) return results;
    await withTimeout(
      entry ? kv.update(key, String(total), entry.revision) : kv.create(key, String(total)),
      STORE_TIMEOUT_MS,
      'rate limit store',
    );
    return results;
  }
}
