/** The next moment after `nowMs` at `HH:MM` UTC (today's if still ahead, else tomorrow's). */
export function nextDailyRunAt(nowMs: number, timeUtc: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(timeUtc);
  if (!match) throw new Error(`invalid daily time "${timeUtc}": expected HH:MM`);
  const now = new Date(nowMs);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), Number(match[1]), Number(match[2]));
  return today > nowMs ? today : today + 24 * 3600 * 1000;
}
