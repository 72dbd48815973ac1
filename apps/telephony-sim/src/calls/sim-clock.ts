import type { SimCall } from './sim-call';

/** Real milliseconds a stretch of simulated time takes at a time scale (speed-up factor). */
export function realMillis(simSeconds: number, timeScale: number): number {
  return Math.max(0, Math.round((simSeconds * 1000) / timeScale));
}

/** Simulated seconds since the call was created, to a tenth. */
export function simSecondsSince(call: Pick<SimCall, 'createdAt' | 'timeScale'>, now = Date.now()): number {
  return Math.round(((now - Date.parse(call.createdAt)) * call.timeScale) / 100) / 10;
}
