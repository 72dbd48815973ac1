import { MetricsService } from '@callfleet/platform';
import { createProviderPolicy, DEFAULT_PROVIDER_POLICY, type ProviderPolicyOptions } from './provider-policy';
import {
  BulkheadFullError,
  CircuitOpenError,
  UpstreamHttpError,
  UpstreamTimeoutError,
  UpstreamUnreachableError,
} from './upstream-errors';

function connectionRefused(): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
}

function options(overrides: Partial<ProviderPolicyOptions> = {}): ProviderPolicyOptions {
  return {
    ...DEFAULT_PROVIDER_POLICY,
    name: 'twilio:acme',
    backoff: { baseDelayMs: 1, maxDelayMs: 5 },
    random: () => 0.5,
    ...overrides,
  };
}

async function metricValue(metrics: MetricsService, name: string, labels: Record<string, string>): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  const match = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return match?.value ?? 0;
}

describe('createProviderPolicy', () => {
  let metrics: MetricsService;

  beforeEach(() => {
    metrics = new MetricsService('resilience-test');
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('opens after consecutive failures, fails fast, half-opens after the cool-down and closes on success', async () => {
    // The breaker reads the clock: a fake one makes the cool-down exact, however loaded the machine.
    jest.useFakeTimers();
    const policy = createProviderPolicy(
      options({ maxAttempts: 1, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 30_000 } }),
      metrics,
    );
    const breakerState = () => metricValue(metrics, 'callfleet_provider_breaker_state', { policy: 'twilio:acme' });
    let providerCalls = 0;
    const failing = async () => {
      providerCalls++;
      throw new UpstreamHttpError(500, undefined);
    };

    await expect(policy.execute(failing)).rejects.toBeInstanceOf(UpstreamHttpError);
    expect(policy.state).toBe('closed');
    await expect(policy.execute(failing)).rejects.toBeInstanceOf(UpstreamHttpError);
    expect(policy.state).toBe('open');
    expect(await breakerState()).toBe(1);

    // Open: the provider is not called at all, and the caller learns when to come back.
    const fastFailure = await policy.execute(failing).catch((e: unknown) => e);
    expect(fastFailure).toBeInstanceOf(CircuitOpenError);
    expect((fastFailure as CircuitOpenError).retryAfterMs).toBeGreaterThan(0);
    expect((fastFailure as CircuitOpenError).code).toBe('SERVICE_UNAVAILABLE');
    expect(providerCalls).toBe(2);

    jest.advanceTimersByTime(29_000);
    await expect(policy.execute(failing)).rejects.toBeInstanceOf(CircuitOpenError);
    jest.advanceTimersByTime(1001);
    let stateDuringTrial = '';
    const result = await policy.execute(async () => {
      stateDuringTrial = policy.state;
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(stateDuringTrial).toBe('half-open');
    expect(policy.state).toBe('closed');
    expect(await breakerState()).toBe(0);
    expect(await metricValue(metrics, 'callfleet_provider_calls_total', { outcome: 'circuit_open' })).toBe(2);
    expect(await metricValue(metrics, 'callfleet_provider_calls_total', { outcome: 'success' })).toBe(1);
  });

  it('a failed trial call opens the breaker again', async () => {
    jest.useFakeTimers();
    const policy = createProviderPolicy(
      options({ maxAttempts: 1, breaker: { consecutiveFailures: 1, halfOpenAfterMs: 10_000 } }),
      metrics,
    );
    const failing = async () => {
      throw new UpstreamHttpError(502, undefined);
    };
    await expect(policy.execute(failing)).rejects.toBeInstanceOf(UpstreamHttpError);
    jest.advanceTimersByTime(10_001);
    await expect(policy.execute(failing)).rejects.toBeInstanceOf(UpstreamHttpError);
    expect(policy.state).toBe('open');
    await expect(policy.execute(async () => 'never')).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('client errors neither retry nor open the breaker', async () => {
    const policy = createProviderPolicy(
      options({ breaker: { consecutiveFailures: 1, halfOpenAfterMs: 10_000 } }),
      metrics,
    );
    let attempts = 0;
    const notFound = async () => {
      attempts++;
      throw new UpstreamHttpError(404, undefined);
    };
    await expect(policy.execute(notFound, { idempotent: true })).rejects.toBeInstanceOf(UpstreamHttpError);
    expect(attempts).toBe(1);
    expect(policy.state).toBe('closed');
  });

  it("retries an idempotent call on 503 after the provider's Retry-After, and counts the retry", async () => {
    const policy = createProviderPolicy(options({ maxAttempts: 3 }), metrics);
    let attempts = 0;
    const result = await policy.execute(
      async () => {
        attempts++;
        if (attempts === 1) throw new UpstreamHttpError(503, 10);
        return 'placed';
      },
      { idempotent: true },
    );
    expect(result).toBe('placed');
    expect(attempts).toBe(2);
    expect(await metricValue(metrics, 'callfleet_provider_retries_total', { policy: 'twilio:acme' })).toBe(1);
  });

  it('gives up after maxAttempts tries', async () => {
    const policy = createProviderPolicy(options({ maxAttempts: 3 }), metrics);
    let attempts = 0;
    const error = await policy
      .execute(
        async () => {
          attempts++;
          throw connectionRefused();
        },
        { idempotent: true },
      )
      .catch((e: unknown) => e);
    expect(attempts).toBe(3);
    expect(error).toBeInstanceOf(UpstreamUnreachableError);
    expect((error as UpstreamUnreachableError).code).toBe('EXTERNAL_SERVICE_ERROR');
  });

  it('never repeats a non-idempotent call the provider may have acted on (no second ring)', async () => {
    const policy = createProviderPolicy(options({ maxAttempts: 3 }), metrics);
    let attempts = 0;
    await expect(
      policy.execute(async () => {
        attempts++;
        throw new UpstreamHttpError(500, undefined);
      }),
    ).rejects.toBeInstanceOf(UpstreamHttpError);
    expect(attempts).toBe(1);
  });

  it('does repeat a non-idempotent call the provider refused (429, connection refused)', async () => {
    const policy = createProviderPolicy(options({ maxAttempts: 3 }), metrics);
    let attempts = 0;
    const result = await policy.execute(async () => {
      attempts++;
      if (attempts === 1) throw new UpstreamHttpError(429, 5);
      if (attempts === 2) throw connectionRefused();
      return 'placed';
    });
    expect(result).toBe('placed');
    expect(attempts).toBe(3);
  });

  it('hands a Retry-After longer than it may wait back to the caller instead of holding the call', async () => {
    const policy = createProviderPolicy(options({ maxAttempts: 3, maxRetryAfterMs: 1000 }), metrics);
    let attempts = 0;
    const error = await policy
      .execute(
        async () => {
          attempts++;
          throw new UpstreamHttpError(429, 60_000);
        },
        { idempotent: true },
      )
      .catch((e: unknown) => e);
    expect(attempts).toBe(1);
    expect(error).toBeInstanceOf(UpstreamHttpError);
    expect((error as UpstreamHttpError).details).toMatchObject({ upstreamStatus: 429, retryAfterMs: 60_000 });
  });

  it('times an attempt out, aborting the signal given to the provider call', async () => {
    const policy = createProviderPolicy(options({ maxAttempts: 1, timeoutMs: 20 }), metrics);
    let seenSignal: AbortSignal | undefined;
    const error = await policy
      .execute(
        (signal) =>
          new Promise((_, reject) => {
            seenSignal = signal;
            signal.addEventListener('abort', () => reject(signal.reason));
          }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect((error as UpstreamTimeoutError).code).toBe('TIMEOUT');
    expect(seenSignal?.aborted).toBe(true);
    expect(await metricValue(metrics, 'callfleet_provider_calls_total', { outcome: 'timeout' })).toBe(1);
  });

  it('leaves the signal alone once the call has returned (a body may still be streaming)', async () => {
    jest.useFakeTimers();
    try {
      const policy = createProviderPolicy(options({ timeoutMs: 20 }), metrics);
      const signal = await policy.execute(async (s) => s);
      // Well past the timeout, without waiting for it.
      jest.advanceTimersByTime(1_000);
      expect(signal.aborted).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects calls beyond the bulkhead instead of queueing without bound', async () => {
    const policy = createProviderPolicy(options({ bulkhead: { maxConcurrent: 1, maxQueued: 1 } }), metrics);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = policy.execute(() => gate.then(() => 'first'));
    const queued = policy.execute(async () => 'queued');
    await expect(policy.execute(async () => 'third')).rejects.toBeInstanceOf(BulkheadFullError);
    release();
    await expect(first).resolves.toBe('first');
    await expect(queued).resolves.toBe('queued');
  });
});
