import { seededRandom, stepDelayMs } from './ivr-timing';

describe('stepDelayMs', () => {
  it('presses digits after afterMs, within ± jitter', () => {
    const random = seededRandom(7);
    const delays = Array.from({ length: 200 }, () =>
      stepDelayMs({ action: 'digits', digits: '1', afterMs: 45_000, jitterMs: 3_000 }, random),
    );
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(42_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(48_000);
    // Spread, not a constant: both halves of the window are used.
    expect(delays.some((d) => d < 44_000)).toBe(true);
    expect(delays.some((d) => d > 46_000)).toBe(true);
  });

  it('waits exactly without jitter, never below zero with a jitter larger than the wait', () => {
    expect(stepDelayMs({ action: 'wait', ms: 5_000 }, () => 0.99)).toBe(5_000);
    expect(stepDelayMs({ action: 'wait', ms: 100, jitterMs: 10_000 }, () => 0)).toBe(0);
  });

  it('times an expect step by its timeout (a signal ends it sooner)', () => {
    expect(stepDelayMs({ action: 'expect', kind: 'speech', timeoutMs: 30_000 }, () => 0.5)).toBe(30_000);
  });

  it('gives the same delays for the same seed', () => {
    const step = { action: 'digits' as const, digits: '2', afterMs: 1_000, jitterMs: 500 };
    const a = seededRandom(42);
    const b = seededRandom(42);
    for (let i = 0; i < 10; i++) expect(stepDelayMs(step, a)).toBe(stepDelayMs(step, b));
  });
});
