import { ErrorCode, KvBuckets } from '@callfleet/contracts';
import {
  AppException,
  BatchedRateLimiter,
  counterKey,
  decide,
  KvStoreService,
  MetricsService,
  RateLimitCounters,
  type RateLimitDecision,
  windowAt,
} from '@callfleet/platform';
import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { GatewayConfig } from '../gateway.config';
import {
  type CallerFacts,
  countsInBatches,
  type RateLimitPolicy,
  type RateLimitPolicySpec,
  rateLimitPolicies,
  rateLimitSubject,
} from './rate-limit.policies';

/**
 * The budgets every request draws on (per organization, per anonymous IP) are hot keys: one busy org
 * sends hundreds of requests a second, and a compare-and-set per request on one shared counter makes
 * them queue behind each other. They are tallied locally and added to the shared counter in batches
 * (over-admission bounded by what other replicas admit in one flush interval); see countsInBatches.
 * Credential routes keep an exact count per request: their budgets are small and guard against
 * password guessing, and the routes that hash charge the anonymous budget exactly too.
 */
const FLUSH_INTERVAL_MS = 250;

/** Counts requests against the configured budgets in the store all replicas share. */
@Injectable()
export class RateLimiter implements BeforeApplicationShutdown {
  private readonly logger = new Logger('RateLimiter');
  private readonly policies: Record<RateLimitPolicy, RateLimitPolicySpec>;
  private readonly counters: RateLimitCounters;
  private readonly batched: BatchedRateLimiter;
  private readonly decisions: Counter<'policy' | 'outcome'>;
  private lastWarnedAt = 0;

  constructor(
    kv: KvStoreService,
    config: GatewayConfig,
    private readonly metrics: MetricsService,
  ) {
    this.policies = rateLimitPolicies(config);
    // A counter must outlive its window; entries of every window expire with the longest one.
    const longestWindowMs = Math.max(...Object.values(this.policies).map((p) => p.rule.windowMs));
    this.counters = new RateLimitCounters(kv, { bucket: KvBuckets.RATE_LIMITS, ttlMs: longestWindowMs });
    this.batched = new BatchedRateLimiter(this.counters, {
      flushIntervalMs: FLUSH_INTERVAL_MS,
      // Batched budgets never wait for the store: while it is away each replica enforces them alone.
      onStoreError: (error) => this.storeUnavailable('batched', true, error),
    });
    // Registered at start, not on the first outage, so the rate-limit store alert finds the metric.
    this.storeErrors();
    // Looked up once: every API request counts a decision.
    this.decisions = metrics.counter(
      'callfleet_gateway_rate_limit_decisions_total',
      'Rate limit decisions by policy and outcome',
      ['policy', 'outcome'],
    );
  }

  private storeErrors() {
    return this.metrics.counter(
      'callfleet_gateway_rate_limit_store_errors_total',
      'Rate limit checks the shared store could not answer, by policy and what was done (open: let through, closed: refused)',
      ['policy', 'fallback'],
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.batched.close();
  }

  private storeUnavailable(policy: string, failOpen: boolean, error: unknown): void {
    this.storeErrors().inc({ policy, fallback: failOpen ? 'open' : 'closed' });
    if (!failOpen || Date.now() - this.lastWarnedAt > 10_000) {
      this.lastWarnedAt = Date.now();
      this.logger.warn(
        `rate limit store unavailable for ${policy} (${failOpen ? 'fail open' : 'fail closed'}): ${String(error)}`,
      );
    }
  }

  /**
   * Counts one request of `caller` against `policy` (on behalf of `route`, the route's own budget if
   * it has one). When the store cannot be reached, answers undefined (let it through) if `failOpen`,
   * else refuses with SERVICE_UNAVAILABLE.
   */
  async consume(
    policy: RateLimitPolicy,
    route: RateLimitPolicy | undefined,
    caller: CallerFacts,
    failOpen: boolean,
  ): Promise<RateLimitDecision | undefined> {
    const { rule, per } = this.policies[policy];
    const now = Date.now();
    const subject = rateLimitSubject(per, caller);
    try {
      const decision = countsInBatches(policy, route)
        ? this.batched.hit(policy, subject, rule, now)
        : decide(
            rule,
            await this.counters.countHit(counterKey(policy, subject, windowAt(now, rule.windowMs).index), rule.limit),
            now,
          );
      this.decisions.inc({ policy, outcome: decision.allowed ? 'allowed' : 'refused' });
      return decision;
    } catch (error) {
      this.storeUnavailable(policy, failOpen, error);
      if (failOpen) return undefined;
      throw new AppException(ErrorCode.SERVICE_UNAVAILABLE, 'Rate limiting is unavailable; retry shortly');
    }
  }
}
