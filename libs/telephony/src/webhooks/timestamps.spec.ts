import { isoFromDate, isoFromUnixSeconds, isoFromZonelessTime } from './timestamps';

describe('provider timestamps', () => {
  it('reads RFC 2822 dates (Twilio) and ISO 8601', () => {
    expect(isoFromDate('Tue, 14 Jan 2025 17:03:41 +0000')).toBe('2025-01-14T17:03:41.000Z');
    expect(isoFromDate('2025-02-03T10:00:04.401Z')).toBe('2025-02-03T10:00:04.401Z');
    expect(isoFromDate('yesterday')).toBeUndefined();
  });

  it('reads zoneless times at the given offset', () => {
    expect(isoFromZonelessTime('2024-01-15 14:30:45', '+05:30')).toBe('2024-01-15T09:00:45.000Z');
    expect(isoFromZonelessTime('15/01/2024 14:30', '+05:30')).toBeUndefined();
    expect(isoFromZonelessTime('2024-01-15 14:30:45', 'IST')).toBeUndefined();
  });

  it('reads unix seconds', () => {
    expect(isoFromUnixSeconds('1740830400')).toBe('2025-03-01T12:00:00.000Z');
    expect(isoFromUnixSeconds('17408304e2')).toBeUndefined();
  });
});
