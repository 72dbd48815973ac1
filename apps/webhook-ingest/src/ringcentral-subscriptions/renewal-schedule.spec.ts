import { renewalDueAt, retryDelayMs } from './renewal-schedule';

describe('renewalDueAt', () => {
  it('renews when a quarter of a 7-day subscription is left', () => {
    const granted = Date.parse('2026-01-01T00:00:00Z');
    const expires = granted + 7 * 24 * 3600 * 1000;
    expect(new Date(renewalDueAt(granted, expires, 0.25)).toISOString()).toBe('2026-01-06T06:00:00.000Z');
  });

  it('renews at once a subscription already past its expiry', () => {
    expect(renewalDueAt(2_000, 1_000, 0.25)).toBe(1_000);
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(n, 5_000, 60_000))).toEqual([
      5_000, 10_000, 20_000, 40_000, 60_000,
    ]);
    expect(retryDelayMs(500, 5_000, 60_000)).toBe(60_000);
  });
});
