const DAY_MS = 24 * 3600 * 1000;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** When a recurring job runs: every day at `HH:MM` UTC, or every `everyMs` after its last run. */
export type Recurrence = { dailyAtUtc: string } | { everyMs: number };

/** The next moment after `nowMs` at `HH:MM` UTC (today's if still ahead, else tomorrow's). */
export function nextDailyRunAt(nowMs: number, timeUtc: string): number {
  const match = HH_MM.exec(timeUtc);
  if (!match) throw new Error(`invalid daily time "${timeUtc}": expected HH:MM`);
  const now = new Date(nowMs);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), Number(match[1]), Number(match[2]));
  return today > nowMs ? today : today + DAY_MS;
}

/** The next run of `recurrence` after `nowMs`. */
export function nextOccurrence(recurrence: Recurrence, nowMs: number): number {
  if ('dailyAtUtc' in recurrence) return nextDailyRunAt(nowMs, recurrence.dailyAtUtc);
  if (!Number.isInteger(recurrence.everyMs) || recurrence.everyMs < 1) {
    throw new Error(`invalid period ${recurrence.everyMs}: expected a whole number of milliseconds ≥ 1`);
  }
  return nowMs + recurrence.everyMs;
}

/**
 * The recurrence as stored in the job row (`daily 04:00`, `every 60000`). A replica that starts with
 * another setting sees a different text and moves the pending run; equal texts leave it alone.
 */
export function recurrenceText(recurrence: Recurrence): string {
  nextOccurrence(recurrence, 0); // refuses a malformed one before it is stored
  return 'dailyAtUtc' in recurrence ? `daily ${recurrence.dailyAtUtc}` : `every ${recurrence.everyMs}`;
}

export function parseRecurrence(text: string): Recurrence {
  const [form, value] = text.split(' ');
  const recurrence: Recurrence = form === 'daily' ? { dailyAtUtc: value ?? '' } : { everyMs: Number(value) };
  if (form !== 'daily' && form !== 'every') throw new Error(`invalid stored recurrence "${text}"`);
  recurrenceText(recurrence);
  return recurrence;
}
