import { nextDailyRunAt } from './daily-schedule';

const at = (iso: string) => Date.parse(iso);

describe('nextDailyRunAt', () => {
  it('runs later today when the time is still ahead, else tomorrow', () => {
    expect(new Date(nextDailyRunAt(at('2026-03-10T01:30:00Z'), '04:00')).toISOString()).toBe(
      '2026-03-10T04:00:00.000Z',
    );
    expect(new Date(nextDailyRunAt(at('2026-03-10T04:00:00Z'), '04:00')).toISOString()).toBe(
      '2026-03-11T04:00:00.000Z',
    );
    expect(new Date(nextDailyRunAt(at('2026-03-10T23:59:59Z'), '00:00')).toISOString()).toBe(
      '2026-03-11T00:00:00.000Z',
    );
  });

  it('crosses month and year ends in UTC, whatever the local zone', () => {
    expect(new Date(nextDailyRunAt(at('2026-12-31T05:00:00Z'), '04:00')).toISOString()).toBe(
      '2027-01-01T04:00:00.000Z',
    );
  });

  it('refuses times that are not HH:MM', () => {
    for (const bad of ['4:00', '24:00', '04:60', '0400', '']) expect(() => nextDailyRunAt(0, bad)).toThrow(/HH:MM/);
  });
});
