import { renewalDueAt } from './renewal-schedule';

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
