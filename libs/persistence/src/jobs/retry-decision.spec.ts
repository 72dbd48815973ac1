import { afterFailure } from './retry-decision';

const backoff = { baseDelayMs: 1_000, maxDelayMs: 8_000 };

describe('afterFailure', () => {
  it('retries within the full-jitter window of the attempt, growing and capped', () => {
    const highest = (attempt: number) =>
      afterFailure({ attempt, maxAttempts: 10, backoff, nowMs: 5_000 }, () => 0.999_999);
    expect([1, 2, 3, 4, 5].map((attempt) => highest(attempt))).toEqual(
      [999, 1_999, 3_999, 7_999, 7_999].map((delay) => ({ next: 'retry', runAtMs: 5_000 + delay })),
    );
  });

  it('never retries in the same instant, even when the jitter draws zero', () => {
    expect(afterFailure({ attempt: 1, maxAttempts: 3, backoff, nowMs: 5_000 }, () => 0)).toEqual({
      next: 'retry',
      runAtMs: 5_001,
    });
  });

  it('fails a one-off job after its last attempt', () => {
    expect(afterFailure({ attempt: 3, maxAttempts: 3, backoff, nowMs: 0 })).toEqual({ next: 'fail' });
  });

  it('moves a recurring job to its next occurrence after its last attempt', () => {
    const nowMs = Date.parse('2026-03-10T04:00:05Z');
    expect(afterFailure({ attempt: 3, maxAttempts: 3, backoff, nowMs, recurrence: { dailyAtUtc: '04:00' } })).toEqual({
      next: 'next-occurrence',
      runAtMs: Date.parse('2026-03-11T04:00:00Z'),
    });
  });

  it('keeps retrying a job without a last attempt', () => {
    expect(afterFailure({ attempt: 10_000, maxAttempts: Number.POSITIVE_INFINITY, backoff, nowMs: 0 }).next).toBe(
      'retry',
    );
  });
});
