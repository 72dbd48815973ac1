import { ErrorCode, KvBuckets } from '@callfleet/contracts';
import {
  AppException,
  counterKey,
  decide,
  KvStoreService,
  MetricsService,
  RateLimitCounters,
  type RateLimitDecision,
  windowAt,
} from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';
import {
  type CallerFacts,
  type RateLimitPolicy,
  type RateLimitPolicySpec,
  rateLimitPolicies,
  rateLimitSubject,
} from './rate-limit.policies';

/** Counts requests against the configured budgets in the store all replicas share. */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger('RateLimiter');
  private readonly policies: Record<RateLimitPolicy, RateLimitPolicySpec>;
  private readonly counters: RateLimitCounters;

  constructor(
    kv: KvStoreService,
    config: GatewayConfig,
    private readonly metrics: MetricsService,
  ) {
    this.policies = rateLimitPolicies(config);
    // A counter must outlive its window; entries of every window expire with the longest one.
    const longestWindowMs = Math.max(...Object.values(this.policies).map((p) => p.rule.windowMs));
    this.counters = new RateLimitCounters(kv, { bucket: KvBuckets.RATE_LIMITS, ttlMs: longestWindowMs });
  }

  /**
   * Counts one request of `caller` against `policy`. When the store cannot be reached, answers
   * undefined (let it through) if `failOpen`, else refuses with SERVICE_UNAVAILABLE.
   */
  async consume(
    policy: RateLimitPolicy,
    caller: CallerFacts,
    failOpen: boolean,
  ): Promise<RateLimitDecision | undefined> {
    const { rule, per } = this.policies[policy];
    const now = Date.now();
    const key = counterKey(policy, rateLimitSubject(per, caller), windowAt(now, rule.windowMs).index);
    try {
      const decision = decide(rule, await this.counters.countHit(key, rule.limit), now);
      this.metrics
        .counter('callfleet_gateway_rate_limit_decisions_total', 'Rate limit decisions by policy and outcome', [
          'policy',
          'outcome',
        ])
        .inc({ policy, outcome: decision.allowed ? 'allowed' : 'refused' });
      return decision;
    } catch (error) {
      this.metrics
        .counter(
          'callfleet_gateway_rate_limit_store_errors_total',
          'Rate limit checks the shared store could not answer, by policy and what was done (open: let through, closed: refused)',
          ['policy', 'fallback'],
        )
        .inc({ policy, fallback: failOpen ? 'open' : 'closed' });
      this.logger.warn(
        `rate limit store unavailable for ${policy} (${failOpen ? 'fail open' : 'fail closed'}): ${String(error)}`,
      );
      if (failOpen) return undefined;
      throw new AppException(ErrorCode.SERVICE_UNAVAILABLE, 'Rate limiting is unavailable; retry shortly');
    }
  }
}
