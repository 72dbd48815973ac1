import {
  classifyAttempt,
  parseRetryOn,
  policyForUrl,
  type RetryPolicy,
  retryDelayMs,
  shouldRetry,
} from './retry-policy';

const defaults: RetryPolicy = {
  retries: 5,
  retryOn: ['5xx', 'ct', 'rt'],
  attemptTimeoutMs: 15_000,
  totalTimeoutMs: 30_000,
  baseDelayMs: 250,
  maxDelayMs: 4000,
};

describe('webhook retry policy', () => {
  it('takes Twilio connection overrides from the URL fragment and strips them from the URL', () => {
    const { url, policy } = policyForUrl('https://x.test/status?a=1#rc=1&rp=ct&rt=2000&tt=5000', defaults);
    expect(url).toBe('https://x.test/status?a=1');
    expect(policy).toMatchObject({ retries: 1, retryOn: ['ct'], attemptTimeoutMs: 2000, totalTimeoutMs: 5000 });
  });

  it('clamps overrides to Twilio limits and ignores garbage', () => {
    const { policy } = policyForUrl('https://x.test/s#rc=99&rt=abc&tt=1', defaults);
    expect(policy.retries).toBe(5);
    expect(policy.attemptTimeoutMs).toBe(defaults.attemptTimeoutMs);
    expect(policy.totalTimeoutMs).toBe(100);
    expect(policyForUrl('https://x.test/s', defaults)).toEqual({ url: 'https://x.test/s', policy: defaults });
  });

  it('reads retry policies, "all" included', () => {
    expect(parseRetryOn('5xx, CT,bogus')).toEqual(['ct', '5xx']);
    expect(parseRetryOn('all')).toEqual(['ct', 'rt', '4xx', '5xx']);
  });

  it('classifies answers and failures', () => {
    expect(classifyAttempt({ status: 204 })).toBeUndefined();
    expect(classifyAttempt({ status: 302 })).toBeUndefined();
    expect(classifyAttempt({ status: 404 })).toBe('4xx');
    expect(classifyAttempt({ status: 503 })).toBe('5xx');
    expect(classifyAttempt({ error: 'timeout' })).toBe('rt');
    expect(classifyAttempt({ error: 'connect' })).toBe('ct');
  });

  it('retries only named failures, within the count and the time budget, with doubling waits', () => {
    expect(shouldRetry(defaults, '5xx', 1, 0)).toBe(true);
    expect(shouldRetry(defaults, '4xx', 1, 0)).toBe(false);
    expect(shouldRetry(defaults, '5xx', 5, 0)).toBe(true);
    expect(shouldRetry(defaults, '5xx', 6, 0)).toBe(false);
    expect(shouldRetry(defaults, 'rt', 1, 29_900)).toBe(false);
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(defaults, n))).toEqual([250, 500, 1000, 2000, 4000, 4000]);
  });
});
