import { nextDailyRunAt, nextOccurrence, parseRecurrence, recurrenceText } from './recurrence';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('nextDailyRunAt', () => {
  it('runs later today when the time is still ahead, else tomorrow', () => {
    expect(iso(nextDailyRunAt(at('2026-03-10T01:30:00Z'), '04:00'))).toBe('2026-03-10T04:00:00.000Z');
    expect(iso(nextDailyRunAt(at('2026-03-10T04:00:00Z'), '04:00'))).toBe('2026-03-11T04:00:00.000Z');
    expect(iso(nextDailyRunAt(at('2026-03-10T23:59:59Z'), '00:00'))).toBe('2026-03-11T00:00:00.000Z');
  });

  it('crosses month and year ends in UTC, whatever the local zone', () => {
    expect(iso(nextDailyRunAt(at('2026-12-31T05:00:00Z'), '04:00'))).toBe('2027-01-01T04:00:00.000Z');
  });

  it('refuses times that are not HH:MM', () => {
    for (const bad of ['4:00', '24:00', '04:60', '0400', '']) expect(() => nextDailyRunAt(0, bad)).toThrow(/HH:MM/);
  });
});

describe('nextOccurrence', () => {
  it('runs a periodic job one period after now', () => {
    expect(nextOccurrence({ everyMs: 60_000 }, 1_000)).toBe(61_000);
  });

  it('refuses a period that is not a positive whole number of milliseconds', () => {
    for (const everyMs of [0, -5, 1.5, Number.NaN]) expect(() => nextOccurrence({ everyMs }, 0)).toThrow(/period/);
  });
});

describe('recurrenceText', () => {
  it('round-trips through the stored text, so replicas with one setting agree on one text', () => {
    for (const recurrence of [{ dailyAtUtc: '04:00' }, { everyMs: 250 }]) {
      expect(parseRecurrence(recurrenceText(recurrence))).toEqual(recurrence);
    }
    expect(recurrenceText({ dailyAtUtc: '04:00' })).toBe('daily 04:00');
  });

  it('refuses to store or read a malformed recurrence', () => {
    expect(() => recurrenceText({ dailyAtUtc: '4am' })).toThrow(/HH:MM/);
    expect(() => parseRecurrence('weekly mon')).toThrow(/recurrence/);
  });
});
