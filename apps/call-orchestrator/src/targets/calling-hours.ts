import type { CallingHours } from './target.entity';

/** A moment as a wall clock in some time zone shows it: day of the week (1 = Monday … 7 = Sunday), hour, minute. */
export interface WeekTime {
  day: number;
  hour: number;
  minute: number;
}

const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
/** One formatter per zone: building one costs far more than using it, and zones are few. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The day of the week and time of day `instant` is in `timeZone` (an IANA name; throws RangeError for another). */
export function weekTimeIn(timeZone: string, instant: Date): WeekTime {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: WEEKDAYS[part('weekday')] ?? 0, hour: Number(part('hour')), minute: Number(part('minute')) };
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours * 60 + minutes;
}

/**
 * True when `instant` falls in one of the windows, read on the wall clock of the hours' time zone
 * (so a window keeps its local times across daylight-saving changes). `from` is inclusive, `to`
 * exclusive; a window whose `to` is before its `from` runs past midnight into the next day, and belongs
 * to the day it starts on. No calling hours (null) means any time.
 */
export function isWithinCallingHours(hours: CallingHours | null | undefined, instant: Date): boolean {
  if (!hours) return true;
  const now = weekTimeIn(hours.timeZone, instant);
  const minute = now.hour * 60 + now.minute;
  const yesterday = now.day === 1 ? 7 : now.day - 1;
  return hours.windows.some((window) => {
    const from = minutesOf(window.from);
    const to = minutesOf(window.to);
    if (from < to) return window.days.includes(now.day) && minute >= from && minute < to;
    return (window.days.includes(now.day) && minute >= from) || (window.days.includes(yesterday) && minute < to);
  });
}
