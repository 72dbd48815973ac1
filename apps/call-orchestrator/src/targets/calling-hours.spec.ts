import { isWithinCallingHours, weekTimeIn } from './calling-hours';

const weekdays9to17 = {
  timeZone: 'America/New_York',
  windows: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }],
};

describe('calling hours', () => {
  it('reads the wall clock of the zone (2026-12-02 is a Wednesday)', () => {
    expect(weekTimeIn('UTC', new Date('2026-12-02T13:45:00Z'))).toEqual({ day: 3, hour: 13, minute: 45 });
    expect(weekTimeIn('Asia/Tokyo', new Date('2026-12-02T20:00:00Z'))).toEqual({ day: 4, hour: 5, minute: 0 });
    expect(weekTimeIn('America/New_York', new Date('2026-12-07T03:30:00Z'))).toEqual({ day: 7, hour: 22, minute: 30 });
  });

  it('takes any time without calling hours', () => {
    expect(isWithinCallingHours(null, new Date('2026-12-06T03:00:00Z'))).toBe(true);
    expect(isWithinCallingHours(undefined, new Date())).toBe(true);
  });

  it('is inside from `from` (inclusive) to `to` (exclusive), on the listed days, in local time', () => {
    // New York is UTC-5 in December.
    expect(isWithinCallingHours(weekdays9to17, new Date('2026-12-02T14:00:00Z'))).toBe(true); // Wed 09:00
    expect(isWithinCallingHours(weekdays9to17, new Date('2026-12-02T13:59:00Z'))).toBe(false); // Wed 08:59
    expect(isWithinCallingHours(weekdays9to17, new Date('2026-12-02T21:59:00Z'))).toBe(true); // Wed 16:59
    expect(isWithinCallingHours(weekdays9to17, new Date('2026-12-02T22:00:00Z'))).toBe(false); // Wed 17:00
    expect(isWithinCallingHours(weekdays9to17, new Date('2026-12-05T15:00:00Z'))).toBe(false); // Sat 10:00
    // Friday 16:30 in New York is already Saturday in UTC: the local day counts.
    expect(isWithinCallingHours(weekdays9to17, new Date('2026-12-04T21:30:00Z'))).toBe(true);
  });

  it('keeps local times across a daylight-saving change', () => {
    // 2026-03-09 is the Monday after New York moves to UTC-4: 09:00 local is 13:00 UTC.
    expect(isWithinCallingHours(weekdays9to17, new Date('2026-03-09T13:00:00Z'))).toBe(true);
    expect(isWithinCallingHours(weekdays9to17, new Date('2026-03-06T13:00:00Z'))).toBe(false); // Fri 08:00 (UTC-5)
  });

  it('runs a window past midnight into the next day, belonging to the day it starts', () => {
    const nights = { timeZone: 'UTC', windows: [{ days: [5], from: '22:00', to: '02:00' }] };
    expect(isWithinCallingHours(nights, new Date('2026-12-04T23:00:00Z'))).toBe(true); // Fri 23:00
    expect(isWithinCallingHours(nights, new Date('2026-12-05T01:59:00Z'))).toBe(true); // Sat 01:59
    expect(isWithinCallingHours(nights, new Date('2026-12-05T02:00:00Z'))).toBe(false); // Sat 02:00
    expect(isWithinCallingHours(nights, new Date('2026-12-05T23:00:00Z'))).toBe(false); // Sat 23:00
    expect(isWithinCallingHours(nights, new Date('2026-12-04T01:00:00Z'))).toBe(false); // Fri 01:00 (Thu's night)
  });

  it('takes 24:00 as the end of the day, and any of several windows', () => {
    const hours = {
      timeZone: 'Europe/Berlin',
      windows: [
        { days: [6, 7], from: '10:00', to: '24:00' },
        { days: [1], from: '08:00', to: '09:00' },
      ],
    };
    expect(isWithinCallingHours(hours, new Date('2026-12-06T22:59:00Z'))).toBe(true); // Sun 23:59
    expect(isWithinCallingHours(hours, new Date('2026-12-06T23:00:00Z'))).toBe(false); // Mon 00:00
    expect(isWithinCallingHours(hours, new Date('2026-12-07T07:30:00Z'))).toBe(true); // Mon 08:30
  });
});
