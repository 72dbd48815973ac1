import { fullJitterDelay, retryDelay } from './backoff';

describe('fullJitterDelay', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles the ceiling with each retry and scales it by the random draw', () => {
    expect(fullJitterDelay(1, options, () => 0.5)).toBe(50);
    expect(fullJitterDelay(2, options, () => 0.5)).toBe(100);
    expect(fullJitterDelay(3, options, () => 0.5)).toBe(200);
  });

  it('spans the whole range from zero (full jitter, not equal jitter)', () => {
    expect(fullJitterDelay(3, options, () => 0)).toBe(0);
    expect(fullJitterDelay(3, options, () => 0.999)).toBe(399);
  });

  it('never exceeds the cap, however many retries', () => {
    expect(fullJitterDelay(60, options, () => 0.999)).toBe(999);
  });
});

describe('retryDelay', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000 };

  it("waits what the provider's Retry-After asks, not the backoff", () => {
    expect(retryDelay(1, 3000, options, () => 0.5)).toBe(3000);
    expect(retryDelay(1, 0, options, () => 0.5)).toBe(0);
  });

  it('falls back to the jittered backoff without Retry-After', () => {
    expect(retryDelay(2, undefined, options, () => 0.5)).toBe(100);
  });
});
