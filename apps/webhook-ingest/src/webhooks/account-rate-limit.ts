import { KvBuckets } from '@callfleet/contracts';
import {
  BatchedRateLimiter,
  KvStoreService,
  MetricsService,
  RateLimitCounters,
  type RateLimitDecision,
  type RateLimitRule,
} from '@callfleet/platform';
import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { WebhookIngestConfig } from '../webhook-ingest.config';

const WINDOW_MS = 60_000;
const FLUSH_INTERVAL_MS = 250;

/**
 * WEBHOOK_RATE_LIMIT_PER_MINUTE per provider account, shared by every replica through NATS KV.
 * One busy account sends thousands of callbacks a second, so hits are tallied locally and added to
 * the shared counter in batches (see BatchedRateLimiter); the answer never waits for the store, and
 * a store outage leaves each replica enforcing the budget on its own rather than refusing providers.
 */
@Injectable()
export class AccountRateLimit implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AccountRateLimit');
  private readonly rule: RateLimitRule;
  private readonly limiter: BatchedRateLimiter;
  private lastWarnedAt = 0;

  constructor(kv: KvStoreService, config: WebhookIngestConfig, metrics: MetricsService) {
    this.rule = { limit: config.WEBHOOK_RATE_LIMIT_PER_MINUTE, windowMs: WINDOW_MS };
    const storeErrors = metrics.counter(
      'callfleet_webhooks_rate_limit_store_errors_total',
      'Rate limit tallies the shared store could not take (the budget is then enforced per replica)',
    );
    const counters = new RateLimitCounters(kv, { bucket: KvBuckets.WEBHOOK_RATE_LIMITS, ttlMs: 2 * WINDOW_MS });
    this.limiter = new BatchedRateLimiter(counters, {
      flushIntervalMs: FLUSH_INTERVAL_MS,
      onStoreError: (error) => {
        storeErrors.inc();
        if (Date.now() - this.lastWarnedAt > 10_000) {
          this.lastWarnedAt = Date.now();
          this.logger.warn(`rate limit store unavailable, counting per replica: ${String(error)}`);
        }
      },
    });
  }

  hit(accountKey: string): RateLimitDecision {
    return this.limiter.hit('webhooks', accountKey, this.rule);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.limiter.close();
  }
}
