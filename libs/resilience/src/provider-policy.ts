import type { MetricsService } from '@callfleet/platform';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  DelegateBackoff,
  handleWhen,
  type IRetryBackoffContext,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
} from 'cockatiel';
import { type BackoffOptions, retryDelay } from './backoff';
import { classifyFailure, isRetryable, isTransientFailure } from './failure-classification';
import {
  BulkheadFullError,
  CircuitOpenError,
  UpstreamHttpError,
  UpstreamTimeoutError,
  UpstreamUnreachableError,
} from './upstream-errors';

export interface ProviderPolicyOptions {
  /** Metric label and error detail; one policy per provider account, e.g. `twilio:acme-main`. */
  name: string;
  /** Per attempt: the provider must answer (headers) within this. */
  timeoutMs: number;
  /** Total tries of one call, the first included. */
  maxAttempts: number;
  /** Default 200 ms base, 5 s cap. */
  backoff?: BackoffOptions;
  /**
   * A `Retry-After` longer than this is not waited out inside the call: the error goes back to the
   * caller with `retryAfterMs`, who can schedule a durable retry instead of holding a request open.
   */
  maxRetryAfterMs?: number;
  breaker: { consecutiveFailures: number; halfOpenAfterMs: number };
  bulkhead: { maxConcurrent: number; maxQueued: number };
  /** Source of jitter; tests pin it. */
  random?: () => number;
}

export const DEFAULT_PROVIDER_POLICY: Required<Omit<ProviderPolicyOptions, 'name' | 'random'>> = {
  timeoutMs: 5000,
  maxAttempts: 3,
  backoff: { baseDelayMs: 200, maxDelayMs: 5000 },
  maxRetryAfterMs: 10_000,
  breaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
  bulkhead: { maxConcurrent: 20, maxQueued: 100 },
};

export interface ExecuteOptions {
  /**
   * Whether sending the request twice is harmless (GET, hang up). Defaults to false: a non-idempotent
   * call is only retried when the provider surely did not act on it (see `classifyFailure`).
   */
  idempotent?: boolean;
  /** Caller's cancellation; stops retries too. */
  signal?: AbortSignal;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Gauge values of `callfleet_provider_breaker_state`. */
export const BREAKER_STATE_VALUE: Readonly<Record<BreakerState, number>> = { closed: 0, open: 1, 'half-open': 2 };

export interface ProviderPolicy {
  readonly name: string;
  readonly state: BreakerState;
  /** Runs `fn` with timeout, retries, breaker and bulkhead. `fn` must honour the signal it is given. */
  execute<T>(fn: (signal: AbortSignal) => Promise<T>, options?: ExecuteOptions): Promise<T>;
}

function breakerState(state: CircuitState): BreakerState {
  if (state === CircuitState.Closed) return 'closed';
  if (state === CircuitState.HalfOpen) return 'half-open';
  return 'open';
}

/** The metrics of every provider policy (get-or-create: one set per process). */
function providerPolicyMetrics(metrics: MetricsService) {
  return {
    stateGauge: metrics.gauge(
      'callfleet_provider_breaker_state',
      'Circuit breaker state per provider policy: 0 closed, 1 open, 2 half-open',
      ['policy'],
    ),
    retries: metrics.counter('callfleet_provider_retries_total', 'Provider call retries', ['policy']),
    calls: metrics.counter('callfleet_provider_calls_total', 'Provider calls by outcome', ['policy', 'outcome']),
  };
}

/**
 * Builds the resilience policy for one provider account, layered outermost first:
 * retry (transient failures only, full-jitter backoff, `Retry-After` honoured) → circuit breaker
 * (consecutive failures) → bulkhead (concurrency + queue) → timeout (per attempt).
 * The breaker sits inside the retry so every failed attempt counts and an open breaker stops the
 * retries at once; the timeout sits inside the bulkhead so queueing is not charged to the provider.
 */
export function createProviderPolicy(options: ProviderPolicyOptions, metrics: MetricsService): ProviderPolicy {
  const { name } = options;
  const random = options.random ?? Math.random;
  const backoffOptions = options.backoff ?? DEFAULT_PROVIDER_POLICY.backoff;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_PROVIDER_POLICY.maxRetryAfterMs;
  const { stateGauge, retries, calls } = providerPolicyMetrics(metrics);

  const breaker = circuitBreaker(handleWhen(isTransientFailure), {
    halfOpenAfter: options.breaker.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breaker.consecutiveFailures),
  });
  let openedAt = 0;
  breaker.onBreak(() => {
    openedAt = Date.now();
  });
  stateGauge.set({ policy: name }, BREAKER_STATE_VALUE.closed);
  breaker.onStateChange((state) => stateGauge.set({ policy: name }, BREAKER_STATE_VALUE[breakerState(state)]));

  const limiter = bulkhead(options.bulkhead.maxConcurrent, options.bulkhead.maxQueued);
  // abortOnReturn: false, or the signal would abort a response body still being streamed (recordings).
  const perAttempt = timeout(options.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });

  const backoff = new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
    const error = 'error' in context.result ? context.result.error : undefined;
    const retryAfterMs = error instanceof UpstreamHttpError ? error.retryAfterMs : undefined;
    return retryDelay(context.attempt, retryAfterMs, backoffOptions, random);
  });
  const waitable = (error: unknown) =>
    !(error instanceof UpstreamHttpError && (error.retryAfterMs ?? 0) > maxRetryAfterMs);
  const retryPolicy = (idempotent: boolean) => {
    const policy = retry(
      handleWhen((error) => isRetryable(error, idempotent) && waitable(error)),
      { maxAttempts: Math.max(0, options.maxAttempts - 1), backoff },
    );
    policy.onRetry(() => retries.inc({ policy: name }));
    return policy;
  };
  const idempotentRetry = retryPolicy(true);
  const unsafeRetry = retryPolicy(false);

  const translate = (error: unknown, callerSignal: AbortSignal | undefined): unknown => {
    if (error instanceof BrokenCircuitError) {
      const remaining = Math.max(0, openedAt + options.breaker.halfOpenAfterMs - Date.now());
      return new CircuitOpenError(name, remaining);
    }
    if (error instanceof BulkheadRejectedError) return new BulkheadFullError(name);
    if (error instanceof TaskCancelledError && !callerSignal?.aborted) {
      return new UpstreamTimeoutError(name, options.timeoutMs);
    }
    if (error instanceof UpstreamHttpError || error instanceof UpstreamTimeoutError) return error;
    if (classifyFailure(error) !== 'permanent') return new UpstreamUnreachableError(name, error);
    return error;
  };

  const outcomeOf = (error: unknown): string => {
    if (error instanceof CircuitOpenError) return 'circuit_open';
    if (error instanceof BulkheadFullError) return 'bulkhead_full';
    if (error instanceof UpstreamTimeoutError) return 'timeout';
    if (error instanceof UpstreamHttpError) return 'http_error';
    if (error instanceof UpstreamUnreachableError) return 'unreachable';
    return 'error';
  };

  return {
    name,
    get state() {
      return breakerState(breaker.state);
    },
    async execute<T>(fn: (signal: AbortSignal) => Promise<T>, executeOptions: ExecuteOptions = {}): Promise<T> {
      const retrying = executeOptions.idempotent ? idempotentRetry : unsafeRetry;
      // fetch rejects with its own AbortError when the per-attempt timeout aborts it; name it a timeout.
      const attempt = (signal: AbortSignal) =>
        fn(signal).catch((error: unknown) => {
          if (signal.aborted && !executeOptions.signal?.aborted)
            throw new UpstreamTimeoutError(name, options.timeoutMs);
          throw error;
        });
      try {
        const result = await retrying.execute(
          ({ signal }) =>
            breaker.execute(
              ({ signal }) =>
                limiter.execute(({ signal }) => perAttempt.execute(({ signal }) => attempt(signal), signal), signal),
              signal,
            ),
          executeOptions.signal,
        );
        calls.inc({ policy: name, outcome: 'success' });
        return result;
      } catch (error) {
        const translated = translate(error, executeOptions.signal);
        calls.inc({ policy: name, outcome: outcomeOf(translated) });
        throw translated;
      }
    },
  };
}

/**
 * Get-or-create of policies by name, so every caller of one provider account shares its breaker
 * and bulkhead (a breaker per call would never open).
 */
export class ProviderPolicyRegistry {
  private readonly policies = new Map<string, ProviderPolicy>();

  constructor(
    private readonly metrics: MetricsService,
    private readonly defaults: Omit<ProviderPolicyOptions, 'name'> = DEFAULT_PROVIDER_POLICY,
  ) {
    // Registered before the first provider call, so the breaker alert and dashboard find the metrics.
    providerPolicyMetrics(metrics);
  }

  get(name: string, overrides: Partial<Omit<ProviderPolicyOptions, 'name'>> = {}): ProviderPolicy {
    let policy = this.policies.get(name);
    if (!policy) {
      policy = createProviderPolicy({ ...this.defaults, ...overrides, name }, this.metrics);
      this.policies.set(name, policy);
    }
    return policy;
  }
}
